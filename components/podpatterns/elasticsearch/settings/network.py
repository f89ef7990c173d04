"""Settings of the app's NetworkPolicies: who may connect to its pods, and where they may connect to."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from ...settings import checks
from ...settings.checks import label_pairs
from ...settings.engine import KeyedValueError, setting


def cidr(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise ValueError("must be an IPv4 or IPv6 network in CIDR notation, such as 10.20.0.0/24") from None


def cidrs(values: tuple[str, ...]) -> None:
    for value in values:
        cidr(value)


NODE_LOCAL_DNS_ADDRESS = "169.254.20.10/32"
"""Where NodeLocal DNSCache answers on every node (its documented default link-local address)."""


def _labels_setting(default: tuple[str, ...], doc: str) -> Any:
    """Declare a pod labels key: a list of key=value texts."""
    return setting(default, doc, check=label_pairs, allowed="list of key=value labels")


def _cidrs_setting(default: tuple[str, ...], doc: str) -> Any:
    """Declare a list of networks in CIDR notation."""
    return setting(default, doc, check=cidrs, allowed="list of CIDRs")


def _namespace_setting(default: str | None, doc: str) -> Any:
    return setting(default, doc, check=checks.dns_label(63), allowed="DNS label")


@dataclass(frozen=True)
class PeerSettings:
    """Pods allowed to connect: those with the labels, in the namespace."""

    namespace: str | None = _namespace_setting(None, "Namespace of the pods. Unset: the app's own namespace.")
    pod_labels: tuple[str, ...] = _labels_setting((), "Labels the pods must carry. Empty: every pod of the namespace.")


@dataclass(frozen=True)
class NetworkSettings:
    """The app's NetworkPolicies: every connection to or from its pods not allowed here is denied."""

    enabled: bool = setting(
        True,
        "Create NetworkPolicies for the app's pods and the cluster-wide exporter: ingress only to the client, "
        "metrics and transport ports from the peers below, egress only to DNS, the app's own pods and Vault.",
    )
    clients: tuple[PeerSettings, ...] = setting(
        (), "Who may reach the client port 9200 (TLS with the ambassador). Empty: every pod in the app's namespace."
    )
    monitoring_namespace: str = _namespace_setting(
        "monitoring", "Namespace of Prometheus: the only one that may reach the metrics port 9114."
    )
    monitoring_pod_labels: tuple[str, ...] = _labels_setting(
        (), "Labels of the Prometheus pods. Empty: every pod of monitoringNamespace."
    )
    dns_namespace: str = _namespace_setting(
        "kube-system", "Namespace of the cluster DNS, which the pods may ask on port 53 (UDP and TCP)."
    )
    dns_pod_labels: tuple[str, ...] = _labels_setting(
        ("k8s-app=kube-dns",), "Labels of the cluster DNS pods (CoreDNS keeps kube-dns's label)."
    )
    dns_cidrs: tuple[str, ...] = _cidrs_setting(
        (NODE_LOCAL_DNS_ADDRESS,),
        "Addresses of DNS servers outside the DNS pods the pods may also ask on port 53, such as NodeLocal "
        "DNSCache's link-local address on every node (the default). Empty: only the DNS pods.",
    )
    vault_cidr: str | None = setting(
        None,
        "Vault's addresses, for a Vault outside the cluster (with vault.enabled). Unset: vaultNamespace.",
        check=cidr,
        allowed="CIDR",
    )
    vault_namespace: str | None = _namespace_setting(
        None,
        "Namespace of Vault's pods (with vault.enabled). Unset: the namespace of vault.address when it names "
        "an in-cluster Service (<service>.<namespace>.svc).",
    )
    vault_pod_labels: tuple[str, ...] = _labels_setting(
        (), "Labels of Vault's pods. Empty: every pod of the Vault namespace."
    )
    vault_port: int | None = setting(
        None,
        "Port Vault's pods listen on (a Service may map another). Unset: the port of vault.address.",
        minimum=1,
        maximum=65535,
    )

    snapshot_cidrs: tuple[str, ...] = _cidrs_setting(
        (),
        "Addresses of the snapshot repository's object storage (the S3 endpoint's ranges, or a VPC endpoint) the "
        "pods may reach on snapshotPort; needed when elasticsearch.keystore holds s3.client credentials.",
    )
    snapshot_port: int = setting(443, "Port of the snapshot repository's object storage.", minimum=1, maximum=65535)

    def __post_init__(self) -> None:
        if self.vault_cidr and (self.vault_namespace or self.vault_pod_labels):
            raise KeyedValueError(
                "vault_cidr",
                "give either vaultCidr or vaultNamespace/vaultPodLabels, not both: Vault is one or the other",
            )


_VAULT_ADDRESS = re.compile(r"^(?P<scheme>https?)://(?P<host>[A-Za-z0-9.-]+)(:(?P<port>\d+))?$")
_IN_CLUSTER_SERVICE = re.compile(r"^[a-z0-9-]+\.(?P<namespace>[a-z0-9-]+)\.svc(\.cluster\.local)?$")


def vault_port(network: NetworkSettings, address: str) -> int:
    """`vaultPort`, else the address's port, else the scheme's (443, 80)."""
    match = _VAULT_ADDRESS.match(address)
    if network.vault_port:
        return network.vault_port
    if match and match["port"]:
        return int(match["port"])
    return 443 if match and match["scheme"] == "https" else 80


def vault_namespace(network: NetworkSettings, address: str, own_namespace: str) -> str | None:
    """`vaultNamespace`, else the namespace an in-cluster Service address names (a bare Service name: the app's
    own), else None (vaultCidr must say where Vault is)."""
    if network.vault_namespace:
        return network.vault_namespace
    match = _VAULT_ADDRESS.match(address)
    host = match["host"] if match else ""
    if re.fullmatch(r"[a-z0-9-]+", host):
        return own_namespace
    service = _IN_CLUSTER_SERVICE.match(host)
    return service["namespace"] if service else None


def vault_egress_problem(network: NetworkSettings, address: str | None, own_namespace: str) -> str | None:
    """Why the pods' egress to Vault cannot be written, or None."""
    if not network.enabled or address is None or network.vault_cidr:
        return None
    if vault_namespace(network, address, own_namespace):
        return None
    return (
        f"vault.address {address} is not an in-cluster Service (<service>.<namespace>.svc): set vaultCidr "
        "(or vaultNamespace) so that the NetworkPolicy lets the pods reach Vault"
    )
