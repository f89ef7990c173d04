"""elasticsearch.yml for one cluster, as text, and where things live in the official image."""

from __future__ import annotations

import yaml

from ..settings import ElasticsearchSettings

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
USER_ID = 1000
"""The official image's `elasticsearch` user; its files belong to group 0."""


def headless_service_name(cluster: str) -> str:
    return f"{cluster}-headless"


def node_names(cluster: str, nodes: int) -> list[str]:
    """StatefulSet pod names, which are also the node names."""
    return [f"{cluster}-{ordinal}" for ordinal in range(nodes)]


def elasticsearch_yml(settings: ElasticsearchSettings, *, http_host: str, http_port: int) -> str:
    """The node configuration; ${...} are expanded by Elasticsearch from the pod's env."""
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
        # The legacy app stands for any service without TLS or authentication of its own:
        # the patterns bring those. Security on would also turn on Elasticsearch's own TLS.
        "xpack.security.enabled": False,
    }
    if settings.nodes == 1:
        config["discovery.type"] = "single-node"
    else:
        config["discovery.seed_hosts"] = [headless_service_name(settings.name)]
        config["cluster.initial_master_nodes"] = node_names(settings.name, settings.nodes)
    return yaml.safe_dump(config, sort_keys=False)
