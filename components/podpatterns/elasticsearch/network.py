"""The NetworkPolicies of one Elasticsearch cluster (pure functions).

Each policy selects its pods for both Ingress and Egress, so whatever its rules do not allow is denied:
- Elasticsearch's pods accept the client port (9200: the TLS ambassador, or Elasticsearch itself without
  it) from the configured clients and the cluster-wide exporter, the metrics port (9114) from the
  monitoring namespace, the transport port (9300) from each other; they open connections only to the
  cluster DNS (53, UDP and TCP), to each other's transport port, to Vault when it is used, and to the
  snapshot repository's object storage (`snapshotCidrs`) when it is set.
- The cluster-wide exporter's pods accept the metrics port from the monitoring namespace and open
  connections only to the DNS and to Elasticsearch's client port.

Policies add up: a user's own policy selecting the same pods can allow more.
Ports are numbers, not names: the pods' ports carry different names in different containers.
"""

from __future__ import annotations

from ..kube import common_labels, metadata, selector_labels
from ..metrics.contribution import cluster_exporter_name
from ..metrics.settings import EXPORTER_PORT
from ..pod.model import Manifest
from ..pod.target import WorkloadTarget
from ..settings.checks import as_labels
from ..tls import contribution as tls
from .config import HTTP_PORT, TRANSPORT_PORT
from .exporter import cluster_exporter_runs
from .settings import AppSettings
from .settings.network import PeerSettings, vault_namespace, vault_port

DNS_PORT = 53
_NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
"""Set by the API server on every namespace (1.21+): selects a namespace by its name."""


def _peer(namespace: str | None, pod_labels: tuple[str, ...]) -> Manifest:
    """Pods with the labels in the namespace; without a namespace, in the policy's own."""
    labels = as_labels(pod_labels)
    peer: Manifest = {"podSelector": {"matchLabels": labels} if labels else {}}
    if namespace is not None:
        peer["namespaceSelector"] = {"matchLabels": {_NAMESPACE_NAME_LABEL: namespace}}
    return peer


def _tcp(*ports: int) -> list[Manifest]:
    return [{"port": port, "protocol": "TCP"} for port in ports]


def _dns_egress(settings: AppSettings) -> Manifest:
    """The cluster DNS pods, and a node-local DNS cache (NodeLocal DNSCache answers on a link-local address of
    the node, which no pod selector matches)."""
    network = settings.network
    caches = [{"ipBlock": {"cidr": cidr}} for cidr in network.dns_cidrs]
    return {
        "to": [_peer(network.dns_namespace, network.dns_pod_labels), *caches],
        "ports": [{"port": DNS_PORT, "protocol": "UDP"}, {"port": DNS_PORT, "protocol": "TCP"}],
    }


def _monitoring_ingress(settings: AppSettings, *ports: int) -> Manifest:
    network = settings.network
    return {
        "from": [_peer(network.monitoring_namespace, network.monitoring_pod_labels)],
        "ports": _tcp(*ports),
    }


def _vault_egress(settings: AppSettings) -> Manifest:
    network, address = settings.network, settings.vault.address or ""
    if network.vault_cidr:
        peer: Manifest = {"ipBlock": {"cidr": network.vault_cidr}}
    else:
        peer = _peer(vault_namespace(network, address, settings.namespace), network.vault_pod_labels)
    return {"to": [peer], "ports": _tcp(vault_port(network, address))}


def _clients(settings: AppSettings) -> list[Manifest]:
    clients = settings.network.clients or (PeerSettings(),)
    return [_peer(client.namespace, client.pod_labels) for client in clients]


def _policy(
    name: str, target: WorkloadTarget, pods: dict[str, str], ingress: list[Manifest], egress: list[Manifest]
) -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(name, target.namespace, common_labels(target.name, "network")),
        "spec": {
            "podSelector": {"matchLabels": pods},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": egress,
        },
    }


def network_policies(settings: AppSettings, target: WorkloadTarget) -> dict[str, Manifest]:
    """The policies by role (`network`, `cluster-metrics-network`); none when `network.enabled` is false."""
    if not settings.network.enabled:
        return {}
    own_pods = {"podSelector": {"matchLabels": dict(target.labels)}}
    exporter = cluster_exporter_name(target)
    exporter_pods = {"podSelector": {"matchLabels": selector_labels(exporter)}}
    has_exporter = cluster_exporter_runs(settings)

    clients = _clients(settings) + ([exporter_pods] if has_exporter else [])
    ingress = [{"from": clients, "ports": _tcp(HTTP_PORT)}, {"from": [own_pods], "ports": _tcp(TRANSPORT_PORT)}]
    # Prometheus: the exporter, and the ambassador's certificate expiry.
    scraped = [EXPORTER_PORT] if settings.metrics.enabled else []
    scraped += [tls.EXPIRY_PORT] if settings.tls.enabled else []
    if scraped:
        ingress.append(_monitoring_ingress(settings, *scraped))
    egress = [_dns_egress(settings), {"to": [own_pods], "ports": _tcp(TRANSPORT_PORT)}]
    if settings.vault.enabled:
        egress.append(_vault_egress(settings))
    if settings.network.snapshot_cidrs:
        snapshots = [{"ipBlock": {"cidr": cidr}} for cidr in settings.network.snapshot_cidrs]
        egress.append({"to": snapshots, "ports": _tcp(settings.network.snapshot_port)})
    policies = {"network": _policy(target.name, target, dict(target.labels), ingress, egress)}
    if has_exporter:
        exporter_egress = [_dns_egress(settings), {"to": [own_pods], "ports": _tcp(HTTP_PORT)}]
        policies["cluster-metrics-network"] = _policy(
            exporter, target, selector_labels(exporter), [_monitoring_ingress(settings, EXPORTER_PORT)], exporter_egress
        )
    return policies
