"""elasticsearch.yml for one cluster, as text, and where things live in the official image."""

from __future__ import annotations

import yaml

from ..settings.checks import version_tuple
from .settings import ElasticsearchSettings

HOME = "/usr/share/elasticsearch"
CONFIG_DIR = f"{HOME}/config"
DATA_DIR = f"{HOME}/data"
LOGS_DIR = f"{HOME}/logs"
HTTP_PORT = 9200
LOOPBACK_HTTP_PORT = 9201
"""Where Elasticsearch listens, on 127.0.0.1 only, behind the TLS ambassador."""
HEALTH_PATH = "/_cluster/health?local=true"
"""Answers as soon as the local node is up, whatever the cluster's colour."""
TRANSPORT_PORT = 9300
TRANSPORT_CERTS = "certs/transport"
"""Where the node certificate's Secret is mounted, relative to the config directory (Elasticsearch reads TLS files
only from there)."""
USER_ID = 1000
"""The official image's `elasticsearch` user; its files belong to group 0."""


def max_map_count(version: str) -> int:
    """The vm.max_map_count Elasticsearch's bootstrap check wants: 1048576 from 8.16, 262144 before."""
    return 1048576 if version_tuple(version) >= (8, 16) else 262144


def headless_service_name(cluster: str) -> str:
    return f"{cluster}-headless"


def node_names(cluster: str, nodes: int) -> list[str]:
    """StatefulSet pod names, which are also the node names."""
    return [f"{cluster}-{ordinal}" for ordinal in range(nodes)]


def security_config() -> dict[str, object]:
    """Security on: users on HTTP (served in plain text on 127.0.0.1, the ambassador terminates TLS) and mutual TLS
    on the transport port with the stack's node certificate.

    `verification_mode: certificate` checks the chain, not the host name: the transport CA signs node
    certificates only, so holding one is what makes a node, and nodes dial each other's publish address (the
    pod IP), which no certificate can name before the pod exists.
    """
    return {
        "xpack.security.enabled": True,
        "xpack.security.http.ssl.enabled": False,
        "xpack.security.transport.ssl.enabled": True,
        "xpack.security.transport.ssl.verification_mode": "certificate",
        "xpack.security.transport.ssl.client_authentication": "required",
        "xpack.security.transport.ssl.key": f"{TRANSPORT_CERTS}/tls.key",
        "xpack.security.transport.ssl.certificate": f"{TRANSPORT_CERTS}/tls.crt",
        "xpack.security.transport.ssl.certificate_authorities": [f"{TRANSPORT_CERTS}/ca.crt"],
    }


def elasticsearch_yml(
    settings: ElasticsearchSettings, *, http_host: str, http_port: int, allow_mmap: bool = True, security: bool = False
) -> str:
    """The node configuration; ${...} are expanded by Elasticsearch from the pod's env.

    `allow_mmap=False` stores indices without mmap, so the node needs no raised vm.max_map_count (and the
    bootstrap check for it is skipped), at some cost in search speed. `security`: see `security_config`.
    """
    config: dict[str, object] = {
        "cluster.name": settings.name,
        "node.name": "${POD_NAME}",
        "network.host": "0.0.0.0",
        "network.publish_host": "${POD_IP}",
        "http.host": http_host,
        "http.port": http_port,
        "transport.port": TRANSPORT_PORT,
        "path.data": DATA_DIR,
        "path.logs": LOGS_DIR,
        # Off (dev): the legacy app stands for any service without TLS or authentication of its own, and the
        # patterns bring those; the transport port is then plain text, guarded only by the NetworkPolicy.
        **(security_config() if security else {"xpack.security.enabled": False}),
    }
    if not allow_mmap:
        config["node.store.allow_mmap"] = False
    if settings.nodes == 1:
        config["discovery.type"] = "single-node"
    else:
        config["discovery.seed_hosts"] = [headless_service_name(settings.name)]
        config["cluster.initial_master_nodes"] = node_names(settings.name, settings.nodes)
    # The user's own (elasticsearch.config), after the library's: the settings checks refused every collision.
    config.update(settings.config or {})
    return yaml.safe_dump(config, sort_keys=False)
