"""The network settings and the NetworkPolicies planned from them."""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns.elasticsearch.cluster import target_of
from podpatterns.elasticsearch.network import network_policies
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.render import Recording
from podpatterns.settings import KeyStyle, SettingsError, parse

from ..lib.support.app_under_mocks import run

STACK = KeyStyle(prefix="pod-patterns:", camel_case=True)
ORIGIN = "stacks/Pulumi.test.yaml"
VAULT = {
    "enabled": True,
    "role": "search",
    "caConfigMap": "vault-ca",
    "files": [{"name": "a", "path": "search/a", "keys": ["k"]}],
}


def load(**raw: Any) -> AppSettings:
    return parse(AppSettings, {"namespace": "search", **raw}, origin=ORIGIN, style=STACK)


def policies(**raw: Any) -> dict[str, Any]:
    settings = load(**raw)
    return network_policies(settings, target_of(settings))


def rule_ports(rules: list[dict[str, Any]]) -> list[list[tuple[int, str]]]:
    return [[(p["port"], p["protocol"]) for p in rule["ports"]] for rule in rules]


def test_defaults_admit_the_apps_namespace_and_deny_the_rest() -> None:
    network = load().network
    assert (network.enabled, network.clients, network.monitoring_namespace) == (True, (), "monitoring")
    assert (network.dns_namespace, network.dns_pod_labels) == ("kube-system", ("k8s-app=kube-dns",))
    assert network.dns_cidrs == ("169.254.20.10/32",)  # NodeLocal DNSCache, which no pod selector matches
    spec = policies()["network"]["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["ingress"][0] == {"from": [{"podSelector": {}}], "ports": [{"port": 9200, "protocol": "TCP"}]}
    # No exporter: no 9114; the ambassador's certificate expiry (9117) for Prometheus.
    assert rule_ports(spec["ingress"]) == [[(9200, "TCP")], [(9300, "TCP")], [(9117, "TCP")]]
    assert rule_ports(spec["egress"]) == [[(53, "UDP"), (53, "TCP")], [(9300, "TCP")]]


def test_the_client_port_is_the_apps_own_without_the_ambassador() -> None:
    with_tls, without = policies(tls={"enabled": True}), policies(tls={"enabled": False})
    assert with_tls["network"]["spec"]["ingress"][0]["ports"] == without["network"]["spec"]["ingress"][0]["ports"]


def test_clients_by_namespace_and_labels() -> None:
    clients = [{"namespace": "ingest", "podLabels": ["app=ingest", "tier=backend"]}, {"podLabels": ["app=web"]}]
    peers = policies(network={"clients": clients})["network"]["spec"]["ingress"][0]["from"]
    assert peers == [
        {
            "podSelector": {"matchLabels": {"app": "ingest", "tier": "backend"}},
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingest"}},
        },
        {"podSelector": {"matchLabels": {"app": "web"}}},
    ]


def test_metrics_port_from_the_monitoring_namespace() -> None:
    spec = policies(metrics={"enabled": True}, network={"monitoringNamespace": "observability"})["network"]["spec"]
    (monitoring,) = [rule for rule in spec["ingress"] if rule["ports"][0]["port"] == 9114]
    assert monitoring["from"] == [
        {"podSelector": {}, "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}
    ]


@pytest.mark.parametrize(
    ("address", "network", "peer", "port"),
    [
        ("https://vault.vault.svc:8200", {}, {"namespace": "vault"}, 8200),
        ("https://vault.secrets.svc.cluster.local", {}, {"namespace": "secrets"}, 443),
        ("http://vault:8200", {}, {"namespace": "search"}, 8200),  # a bare Service name: the app's namespace
        ("https://vault.example.com", {"vaultCidr": "192.0.2.0/24"}, {"cidr": "192.0.2.0/24"}, 443),
        ("https://vault.vault.svc", {"vaultPort": 8200, "vaultPodLabels": ["app=vault"]}, {"namespace": "vault"}, 8200),
    ],
)
def test_vault_egress(address: str, network: dict[str, Any], peer: dict[str, str], port: int) -> None:
    egress = policies(vault={**VAULT, "address": address}, network=network)["network"]["spec"]["egress"]
    (to_vault,) = [rule for rule in egress if rule["ports"][0]["port"] not in (53, 9300)]
    assert to_vault["ports"] == [{"port": port, "protocol": "TCP"}]
    (target,) = to_vault["to"]
    if "cidr" in peer:
        assert target == {"ipBlock": {"cidr": peer["cidr"]}}
    else:
        assert target["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": peer["namespace"]}}
        assert target["podSelector"] == ({"matchLabels": {"app": "vault"}} if network.get("vaultPodLabels") else {})


def test_no_vault_no_vault_egress() -> None:
    assert len(policies()["network"]["spec"]["egress"]) == 2


def test_cluster_wide_exporter_policy_only_with_the_exporter() -> None:
    metrics = {"enabled": True, "clusterCollectors": ["indices"]}
    three = {"nodes": 3, "workload": "StatefulSet"}
    assert list(policies(metrics=metrics)) == ["network"]  # one node: the collectors run in the pod
    planned = policies(metrics=metrics, elasticsearch=three)
    assert list(planned) == ["network", "cluster-metrics-network"]
    exporter = planned["cluster-metrics-network"]["spec"]
    assert exporter["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "elasticsearch-cluster-metrics"
    assert rule_ports(exporter["egress"]) == [[(53, "UDP"), (53, "TCP")], [(9200, "TCP")]]
    clients = planned["network"]["spec"]["ingress"][0]["from"]
    assert {"podSelector": {"matchLabels": exporter["podSelector"]["matchLabels"]}} in clients


def test_disabled_means_no_policy() -> None:
    assert policies(network={"enabled": False}) == {}


@pytest.mark.parametrize(
    ("raw", "key", "allowed"),
    [
        (
            {"network": {"clients": [{"namespace": "Not_A_Label"}]}},
            "pod-patterns:network.clients[0].namespace",
            "DNS label",
        ),
        ({"network": {"clients": [{"podLabels": ["app"]}]}}, "pod-patterns:network.clients[0].podLabels", "key=value"),
        ({"network": {"dnsPodLabels": ["a=b", "a=c"]}}, "pod-patterns:network.dnsPodLabels", "listed twice"),
        ({"network": {"dnsCidrs": ["169.254.20.10/8"]}}, "pod-patterns:network.dnsCidrs", "CIDR"),
        (
            {"network": {"monitoringPodLabels": ["app=no way"]}},
            "pod-patterns:network.monitoringPodLabels",
            "label value",
        ),
        ({"network": {"vaultCidr": "10.0.0.1/8"}}, "pod-patterns:network.vaultCidr", "CIDR"),
        ({"network": {"vaultPort": 70000}}, "pod-patterns:network.vaultPort", "1 to 65535"),
        (
            {"network": {"vaultCidr": "10.0.0.0/8", "vaultNamespace": "vault"}},
            "pod-patterns:network.vaultCidr",
            "not both",
        ),
        ({"network": {"clientz": []}}, "pod-patterns:network.clientz", "did you mean 'clients'?"),
        ({"vault": {**VAULT, "address": "https://vault.example.com"}}, "pod-patterns:network", "set vaultCidr"),
    ],
)
def test_bad_network_settings_name_the_key(raw: dict[str, Any], key: str, allowed: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load(**raw)
    (line,) = str(caught.value).splitlines()
    assert line.startswith(f"{ORIGIN}: {key}: ")
    assert allowed in line


def test_bad_network_argument_registers_nothing() -> None:
    recording = Recording("test-unit")
    with pytest.raises(SettingsError, match=r"ElasticsearchApp 'search' arguments: network\.clients\[0\]\.pod_labels"):
        run({"network": {"clients": [{"pod_labels": ["=x"]}]}}, recording)
    assert recording.registrations == []
