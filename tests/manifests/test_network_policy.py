"""NetworkPolicy: who may reach the rendered pods, and where they may go, answered over each stack's objects.

The evaluator (tests/lib/support/netpol.py) applies the NetworkPolicy API's semantics to the rendered policies;
the endpoints are the stacks' own pods (labels and ports from their pod templates) and pods elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns.pod.model import Manifest

from ..conftest import STACKS
from ..lib.support.netpol import Cluster, Endpoint, selector_matches
from ..lib.support.stack_settings import stack_settings

INTERNET = Endpoint("internet", None, ip="93.184.216.34")
DNS = Endpoint("coredns", "kube-system", {"k8s-app": "kube-dns"})
NODE_LOCAL_DNS = Endpoint("node-local-dns", None, ip="169.254.20.10")
"""NodeLocal DNSCache: answers on a link-local address of every node, no pod a selector could match."""
PROMETHEUS = Endpoint("prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"})
OTHER_MONITORING_POD = Endpoint("grafana", "monitoring", {"app.kubernetes.io/name": "grafana"})
VAULT = Endpoint("vault-0", "vault", {"app.kubernetes.io/name": "vault"})
INGEST = Endpoint("ingest", "ingest", {"app.kubernetes.io/name": "ingest"})
OTHER_INGEST_POD = Endpoint("batch", "ingest", {"app.kubernetes.io/name": "batch"})
STRANGER = Endpoint("stranger", "elsewhere", {"app.kubernetes.io/name": "stranger"})


def pod_of(manifests: list[Manifest], kind: str, name: str) -> Endpoint:
    """One pod of a rendered workload: its namespace, template labels and named container ports."""
    (workload,) = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    spec = workload["spec"]["template"]["spec"]
    ports = {p["name"]: p["containerPort"] for c in spec["containers"] for p in c.get("ports", []) if "name" in p}
    labels = workload["spec"]["template"]["metadata"]["labels"]
    return Endpoint(f"{name}-0", workload["metadata"]["namespace"], labels, named_ports=ports)


def elasticsearch_pod(manifests: list[Manifest]) -> Endpoint:
    (workload,) = [
        m for m in manifests if m["kind"] in ("Deployment", "StatefulSet") and m["metadata"]["name"] == "elasticsearch"
    ]
    return pod_of(manifests, workload["kind"], "elasticsearch")


def neighbour(pod: Endpoint) -> Endpoint:
    """Another pod in the app's namespace, not one of the app's."""
    return Endpoint("neighbour", pod.namespace, {"app.kubernetes.io/name": "neighbour"})


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest, rendered: dict[str, list[Manifest]]) -> tuple[str, list[Manifest], Cluster]:
    manifests = rendered[request.param]
    return request.param, manifests, Cluster(manifests)


def test_every_pod_of_every_stack_is_selected_for_ingress_and_egress(rendered: dict[str, list[Manifest]]) -> None:
    for manifests in rendered.values():
        policies = [m for m in manifests if m["kind"] == "NetworkPolicy"]
        for workload in [m for m in manifests if m["kind"] in ("Deployment", "StatefulSet")]:
            labels = workload["spec"]["template"]["metadata"]["labels"]
            selecting = [p for p in policies if selector_matches(p["spec"]["podSelector"], labels)]
            assert [p["spec"]["policyTypes"] for p in selecting] == [["Ingress", "Egress"]], workload["metadata"]


def labels(pairs: tuple[str, ...]) -> dict[str, str]:
    """`key=value` settings as a label mapping."""
    return dict(pair.split("=", 1) for pair in pairs)


def configured_clients(name: str, es: Endpoint) -> list[Endpoint]:
    """The clients the stack file names (`network.clients`), or by default a pod of the app's namespace."""
    clients = stack_settings(name).network.clients
    if not clients:
        return [neighbour(es)]
    return [
        Endpoint(f"client-{n}", client.namespace or es.namespace, labels(client.pod_labels))
        for n, client in enumerate(clients)
    ]


def test_clients_reach_only_the_client_port(stack: tuple[str, list[Manifest], Cluster]) -> None:
    name, manifests, cluster = stack
    es = elasticsearch_pod(manifests)
    clients = configured_clients(name, es)
    for client in clients:
        assert cluster.allows(client, es, 9200)
        assert not cluster.allows(client, es, 9201)  # Elasticsearch behind the ambassador, loopback only anyway
        assert not cluster.allows(client, es, 9300)
        assert not cluster.allows(client, es, 9200, "UDP")


def test_only_the_configured_clients_reach_the_client_port(stack: tuple[str, list[Manifest], Cluster]) -> None:
    name, manifests, cluster = stack
    es = elasticsearch_pod(manifests)
    assert not cluster.allows(STRANGER, es, 9200)
    assert not cluster.allows(INTERNET, es, 9200)
    if stack_settings(name).network.clients:  # only the pods named, in their namespaces
        for client in configured_clients(name, es):
            if client.labels:  # a pod of the client's namespace without its labels is refused
                other_pod = Endpoint("other", client.namespace, {"app.kubernetes.io/name": "other"})
                assert not cluster.allows(other_pod, es, 9200)
        assert not cluster.allows(neighbour(es), es, 9200)
    else:  # default: every pod of the app's namespace, and no other namespace
        assert not cluster.allows(INGEST, es, 9200)


def test_the_metrics_port_only_from_monitoring(stack: tuple[str, list[Manifest], Cluster]) -> None:
    name, manifests, cluster = stack
    es = elasticsearch_pod(manifests)
    assert cluster.allows(PROMETHEUS, es, 9114)
    assert not cluster.allows(STRANGER, es, 9114)
    assert not cluster.allows(neighbour(es), es, 9114)
    assert not cluster.allows(PROMETHEUS, es, 9200)
    assert not cluster.allows(PROMETHEUS, es, 9300)
    named = bool(stack_settings(name).network.monitoring_pod_labels)  # prod names Prometheus's labels
    assert cluster.allows(OTHER_MONITORING_POD, es, 9114) is not named


def test_transport_only_between_the_apps_pods(stack: tuple[str, list[Manifest], Cluster]) -> None:
    _, manifests, cluster = stack
    es = elasticsearch_pod(manifests)
    other_node = Endpoint("elasticsearch-1", es.namespace, es.labels, ip="10.244.1.11", named_ports=es.named_ports)
    assert cluster.allows(es, other_node, 9300)
    assert cluster.allows(other_node, es, 9300)
    assert not cluster.allows(es, other_node, 9200)  # nodes talk over transport only
    assert not cluster.allows(neighbour(es), es, 9300)
    assert not cluster.allows(es, neighbour(es), 9300)


def test_egress_only_to_dns_and_vault(stack: tuple[str, list[Manifest], Cluster]) -> None:
    name, manifests, cluster = stack
    es = elasticsearch_pod(manifests)
    assert cluster.allows(es, DNS, 53, "UDP")
    assert cluster.allows(es, DNS, 53, "TCP")
    assert cluster.allows(es, NODE_LOCAL_DNS, 53, "UDP")
    assert not cluster.allows(es, NODE_LOCAL_DNS, 80)
    assert not cluster.allows(es, DNS, 80)
    assert not cluster.allows(es, Endpoint("impostor", "kube-system", {"k8s-app": "impostor"}), 53, "UDP")
    assert not cluster.allows(es, INTERNET, 443)
    assert not cluster.allows(es, INTERNET, 53, "UDP")
    assert not cluster.allows(es, STRANGER, 9200)
    assert not cluster.allows(es, PROMETHEUS, 9090)
    assert cluster.allows(es, VAULT, 8200) == (name != "dev")  # Vault only where the stack uses it
    assert not cluster.allows(es, VAULT, 8201)


def test_the_cluster_wide_exporter_reads_elasticsearch_and_nothing_else(rendered: dict[str, list[Manifest]]) -> None:
    manifests = rendered["prod"]
    cluster = Cluster(manifests)
    es = elasticsearch_pod(manifests)
    exporter = pod_of(manifests, "Deployment", "elasticsearch-cluster-metrics")
    assert cluster.allows(exporter, es, 9200)
    assert not cluster.allows(exporter, es, 9300)
    assert cluster.allows(exporter, DNS, 53, "UDP")
    assert not cluster.allows(exporter, INTERNET, 443)
    assert cluster.allows(PROMETHEUS, exporter, 9114)
    assert not cluster.allows(STRANGER, exporter, 9114)
    assert not cluster.allows(es, exporter, 9114)
    assert not cluster.allows(INGEST, exporter, 9114)


def test_no_cluster_wide_exporter_policy_without_the_exporter(rendered: dict[str, list[Manifest]]) -> None:
    for stack in ("dev", "staging"):  # one node: the cluster-wide collectors run in the pod
        names = sorted(m["metadata"]["name"] for m in rendered[stack] if m["kind"] == "NetworkPolicy")
        assert names == ["elasticsearch"]


# The evaluator itself: it must deny as readily as it allows, or the tests above prove nothing.

POD_A = Endpoint("a", "team", {"app": "a"}, named_ports={"web": 8080})
POD_B = Endpoint("b", "team", {"app": "b"})


def policy(spec: dict[str, Any], namespace: str = "team") -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "p", "namespace": namespace},
        "spec": spec,
    }


def test_evaluator_without_policies_allows_everything() -> None:
    assert Cluster([]).allows(POD_B, POD_A, 1234)
    assert Cluster([]).allows(POD_A, INTERNET, 443)


def test_evaluator_default_deny_ingress_leaves_egress_open() -> None:
    cluster = Cluster([policy({"podSelector": {"matchLabels": {"app": "a"}}})])
    assert not cluster.allows(POD_B, POD_A, 8080)
    assert cluster.allows(POD_A, POD_B, 8080)
    assert cluster.allows(POD_A, INTERNET, 443)


def test_evaluator_named_ports_ranges_and_protocols() -> None:
    rules = [{"ports": [{"port": "web"}, {"port": 9000, "endPort": 9002, "protocol": "UDP"}]}]
    cluster = Cluster([policy({"podSelector": {}, "policyTypes": ["Ingress"], "ingress": rules})])
    assert cluster.allows(POD_B, POD_A, 8080)
    assert not cluster.allows(POD_B, POD_A, 8081)
    assert cluster.allows(POD_B, POD_A, 9001, "UDP")
    assert not cluster.allows(POD_B, POD_A, 9001, "TCP")
    assert not cluster.allows(POD_B, POD_A, 9003, "UDP")


def test_evaluator_namespace_and_pod_selectors_in_one_peer_both_apply() -> None:
    together = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingest"}},
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingest"}},
    }
    cluster = Cluster([policy({"podSelector": {}, "ingress": [{"from": [together]}]})])
    assert cluster.allows(INGEST, POD_A, 80)
    assert not cluster.allows(OTHER_INGEST_POD, POD_A, 80)
    apart = [{"namespaceSelector": together["namespaceSelector"]}, {"podSelector": together["podSelector"]}]
    cluster = Cluster([policy({"podSelector": {}, "ingress": [{"from": apart}]})])
    assert cluster.allows(OTHER_INGEST_POD, POD_A, 80)  # either peer: the whole ingest namespace
    assert not cluster.allows(STRANGER, POD_A, 80)


def test_evaluator_pod_selector_alone_means_the_policys_namespace() -> None:
    cluster = Cluster([policy({"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]})])
    assert cluster.allows(POD_B, POD_A, 80)
    assert not cluster.allows(INGEST, POD_A, 80)


def test_evaluator_ip_blocks_and_expressions() -> None:
    egress = [{"to": [{"ipBlock": {"cidr": "93.184.216.0/24", "except": ["93.184.216.34/32"]}}]}]
    cluster = Cluster(
        [
            policy(
                {
                    "podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["a"]}]},
                    "policyTypes": ["Egress"],
                    "egress": egress,
                }
            )
        ]
    )
    assert not cluster.allows(POD_A, INTERNET, 443)
    assert cluster.allows(POD_A, Endpoint("site", None, ip="93.184.216.35"), 443)
    assert cluster.allows(POD_B, INTERNET, 443)  # b is not selected
