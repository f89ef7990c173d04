"""Elasticsearch with log tailing and node preparation: how the app adapts itself, and what each mode renders."""

from __future__ import annotations

import pytest
import yaml
from podpatterns import AppSettings
from podpatterns.elasticsearch import plan_cluster
from podpatterns.elasticsearch.cluster import ClusterPlan
from podpatterns.settings import KeyStyle, parse


def settings(**raw: object) -> AppSettings:
    """The patterns of this file alone: the TLS ambassador is on by default, switched off here."""
    return parse(AppSettings, {"namespace": "search", "tls": {"enabled": False}, **raw}, "test", KeyStyle())


def plan(**raw: object) -> ClusterPlan:
    app = settings(**raw)
    return plan_cluster(app, component="search")


def pod_spec(cluster: ClusterPlan) -> dict:
    return cluster.manifests["workload"]["spec"]["template"]["spec"]


def elasticsearch_yml(cluster: ClusterPlan) -> dict[str, object]:
    return yaml.safe_load(cluster.manifests["config"]["data"]["elasticsearch.yml"])


def test_log_tailing_makes_elasticsearch_log_to_files_that_a_native_sidecar_streams() -> None:
    cluster = plan(elasticsearch={"name": "orders"}, logs={"enabled": True, "size_limit": "1Gi"})
    spec = pod_spec(cluster)
    (app,) = spec["containers"]
    assert {"name": "ES_LOG_STYLE", "value": "file"} in app["env"]
    assert {"name": "logs", "emptyDir": {"sizeLimit": "1Gi"}} in spec["volumes"]
    (tailer,) = [c for c in spec["initContainers"] if c.get("restartPolicy") == "Always"]
    assert tailer["name"] == "tail-orders-log"
    assert tailer["command"][-1] == "/usr/share/elasticsearch/logs/orders.log"  # <cluster.name>.log
    assert tailer["securityContext"]["runAsUser"] == 1000  # reads what Elasticsearch writes
    assert elasticsearch_yml(cluster)["path.logs"] == "/usr/share/elasticsearch/logs"


def test_log_tailing_off_keeps_console_logging_and_still_caps_the_logs_volume() -> None:
    spec = pod_spec(plan())
    assert "ES_LOG_STYLE" not in {e["name"] for e in spec["containers"][0]["env"]}
    assert {"name": "logs", "emptyDir": {"sizeLimit": "2Gi"}} in spec["volumes"]
    assert [c["name"] for c in spec["initContainers"]] == ["config-init"]


def test_classic_tailers_before_kubernetes_1_29_and_several_files() -> None:
    spec = pod_spec(plan(kubernetes_version="1.28", logs={"enabled": True, "files": ["a.log", "a_server.json"]}))
    assert [c["name"] for c in spec["containers"]] == ["elasticsearch", "tail-a-log", "tail-a-server-json"]


def test_sysctl_none_turns_off_mmap_and_keeps_the_namespace_restricted() -> None:
    cluster = plan(sysctl={"mode": "none"})
    assert elasticsearch_yml(cluster)["node.store.allow_mmap"] is False
    labels = cluster.manifests["namespace"]["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert all(not c["securityContext"]["privileged"] for c in pod_spec(cluster)["initContainers"])


@pytest.mark.parametrize(("version", "value"), [("8.15.3", 262144), ("8.16.0", 1048576), ("9.0.0", 1048576)])
def test_sysctl_init_raises_max_map_count_for_the_version_in_a_privileged_namespace(version: str, value: int) -> None:
    cluster = plan(sysctl={"mode": "init"}, elasticsearch={"version": version})
    assert "node.store.allow_mmap" not in elasticsearch_yml(cluster)
    assert cluster.manifests["namespace"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"
    spec = pod_spec(cluster)
    assert spec["automountServiceAccountToken"] is False
    privileged = [c for c in spec["initContainers"] + spec["containers"] if c["securityContext"].get("privileged")]
    assert [c["name"] for c in privileged] == ["sysctl-init"]
    assert privileged[0]["command"][-1] == f"vm.max_map_count={value}"


def test_sysctl_node_leaves_both_to_the_node_owner() -> None:
    cluster = plan(sysctl={"mode": "node"})
    assert "node.store.allow_mmap" not in elasticsearch_yml(cluster)
    assert cluster.manifests["namespace"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert [c["name"] for c in pod_spec(cluster)["initContainers"]] == ["config-init"]
