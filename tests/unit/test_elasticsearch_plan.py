"""The Elasticsearch cluster's objects, planned in pure code."""

from __future__ import annotations

import pytest
import yaml
from podpatterns import AppSettings, PodConflictError, PodContribution
from podpatterns.elasticsearch import plan_cluster
from podpatterns.kube import restricted_security_context
from podpatterns.settings import KeyStyle, parse


def settings(tls: bool = False, tls_mode: str = "http", **elasticsearch: object) -> AppSettings:
    raw = {"namespace": "search", "elasticsearch": elasticsearch, "tls": {"enabled": tls, "mode": tls_mode}}
    return parse(AppSettings, raw, "test", KeyStyle())


def config_of(plan_manifests: dict[str, dict]) -> dict[str, object]:
    return yaml.safe_load(plan_manifests["config"]["data"]["elasticsearch.yml"])


def test_single_node_deployment() -> None:
    plan = plan_cluster(settings(workload="Deployment"), [])
    assert list(plan.manifests) == ["namespace", "config", "client", "workload", "network"]
    workload = plan.manifests["workload"]
    assert workload["kind"] == "Deployment"
    assert workload["spec"]["strategy"] == {"type": "Recreate"}
    assert config_of(plan.manifests)["discovery.type"] == "single-node"
    assert plan.target.headless_service_name is None


def test_single_node_statefulset_with_storage() -> None:
    plan = plan_cluster(settings(storage_size="20Gi", storage_class="fast"), [])
    workload = plan.manifests["workload"]
    assert workload["kind"] == "StatefulSet"
    (claim,) = workload["spec"]["volumeClaimTemplates"]
    assert claim["spec"] == {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "20Gi"}},
        "storageClassName": "fast",
    }
    volumes = {v["name"] for v in workload["spec"]["template"]["spec"]["volumes"]}
    assert "data" not in volumes  # the claim provides it
    assert "pdb" not in plan.manifests  # a PDB on one pod would only block node drains


def test_multi_node_cluster() -> None:
    plan = plan_cluster(settings(nodes=3, storage_size="10Gi", anti_affinity="required"), [])
    config = config_of(plan.manifests)
    assert config["discovery.seed_hosts"] == ["elasticsearch-headless"]
    assert config["cluster.initial_master_nodes"] == ["elasticsearch-0", "elasticsearch-1", "elasticsearch-2"]
    assert "discovery.type" not in config
    spec = plan.manifests["workload"]["spec"]
    assert spec["replicas"] == 3
    assert spec["serviceName"] == "elasticsearch-headless"
    assert plan.manifests["headless"]["spec"]["clusterIP"] == "None"
    assert plan.manifests["headless"]["spec"]["publishNotReadyAddresses"] is True
    assert plan.manifests["pdb"]["spec"]["maxUnavailable"] == 1
    anti = spec["template"]["spec"]["affinity"]["podAntiAffinity"]
    assert anti["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"] == "kubernetes.io/hostname"
    assert "*.elasticsearch-headless.search.svc.cluster.local" in plan.target.pod_dns_names  # every ordinal


def test_preferred_anti_affinity_is_the_default() -> None:
    spec = plan_cluster(settings(nodes=3), []).manifests["workload"]["spec"]["template"]["spec"]
    assert "preferredDuringSchedulingIgnoredDuringExecution" in spec["affinity"]["podAntiAffinity"]


def test_heap_is_half_the_memory_limit_unless_set() -> None:
    def java_opts(**es: object) -> str:
        pod = plan_cluster(settings(**es), []).pod
        env = {e["name"]: e.get("value") for e in pod.containers[0]["env"]}
        return str(env["ES_JAVA_OPTS"])

    assert java_opts(memory="4Gi") == "-Xms2048m -Xmx2048m"
    assert java_opts(memory="4Gi", heap="3Gi") == "-Xms3072m -Xmx3072m"


def test_elasticsearch_container_is_restricted_with_requests_and_limits() -> None:
    pod = plan_cluster(settings(cpu_request="250m", cpu_limit="2", memory="3Gi"), []).pod
    for container in pod.containers + pod.init_containers:
        security = container["securityContext"]
        assert security["runAsNonRoot"] is True
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert set(container["resources"]) == {"requests", "limits"}
    app = pod.containers[0]
    assert app["resources"] == {"limits": {"cpu": "2", "memory": "3Gi"}, "requests": {"cpu": "250m", "memory": "3Gi"}}
    assert app["image"] == "docker.elastic.co/elasticsearch/elasticsearch:8.19.21"


def test_readiness_probe_runs_inside_the_pod_and_there_is_no_liveness_probe() -> None:
    app = plan_cluster(settings(), []).pod.containers[0]
    command = app["readinessProbe"]["exec"]["command"]
    assert command[:2] == ["sh", "-c"]  # the readiness script, run in the container
    assert command[-2:] == ["http://127.0.0.1:9200", "yellow"]
    assert "livenessProbe" not in app


def test_config_change_changes_the_pod_template() -> None:
    def annotation(**es: object) -> str:
        template = plan_cluster(settings(**es), []).manifests["workload"]["spec"]["template"]
        return str(template["metadata"]["annotations"]["pod-patterns.io/elasticsearch-config-sha256"])

    assert annotation(name="a") != annotation(name="b")
    assert annotation(name="a") == annotation(name="a", memory="4Gi")  # resources roll the pod by themselves


def test_a_contribution_lands_in_the_pod_and_the_service() -> None:
    exporter = PodContribution(
        source="Test 'exporter'",
        containers=[
            {
                "name": "exporter",
                "image": "exporter:1",
                "ports": [{"name": "metrics", "containerPort": 9114}],
                "securityContext": restricted_security_context(65534),
            }
        ],
        service_ports=[{"name": "metrics", "port": 9114, "targetPort": "metrics"}],
        pod_annotations={"prometheus.io/scrape": "true"},
    )
    plan = plan_cluster(settings(), [exporter])
    template = plan.manifests["workload"]["spec"]["template"]
    assert [c["name"] for c in template["spec"]["containers"]] == ["elasticsearch", "exporter"]
    assert template["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
    assert [p["name"] for p in plan.manifests["client"]["spec"]["ports"]] == ["http", "metrics"]


def test_a_contribution_on_the_elasticsearch_port_is_rejected() -> None:
    squatter = PodContribution(
        source="Test 'squatter'",
        containers=[{"name": "squatter", "image": "s:1", "ports": [{"containerPort": 9300}]}],
    )
    with pytest.raises(PodConflictError, match=r"container 'elasticsearch' .* container 'squatter'"):
        plan_cluster(settings(), [squatter])


def test_namespace_can_belong_to_someone_else() -> None:
    raw = {"namespace": "shared", "create_namespace": False, "tls": {"enabled": False}}
    plan = plan_cluster(parse(AppSettings, raw, "test", KeyStyle()), [])
    assert "namespace" not in plan.manifests
    assert {m["metadata"]["namespace"] for m in plan.manifests.values()} == {"shared"}


def test_behind_the_ambassador_elasticsearch_listens_on_loopback_only() -> None:
    plan = plan_cluster(settings(tls=True, nodes=3))
    config = config_of(plan.manifests)
    assert (config["http.host"], config["http.port"]) == ("127.0.0.1", 9201)
    app = plan.pod.containers[0]
    assert [p["name"] for p in app["ports"]] == ["transport"]  # 9201 is not reachable: not declared
    assert [p["port"] for p in plan.manifests["client"]["spec"]["ports"]] == [9200]  # the ambassador's only
    command = app["readinessProbe"]["exec"]["command"]
    # Elasticsearch itself, not through TLS: an expired certificate must not make every pod unready at once.
    assert command[-2:] == ["http://127.0.0.1:9201", "green"]


def test_behind_a_stream_ambassador_readiness_asks_elasticsearch_on_loopback() -> None:
    """Mode stream has no HTTP location of its own: the app is probed directly, the ambassador by TCP."""
    plan = plan_cluster(settings(tls=True, tls_mode="stream"), [])
    config = config_of(plan.manifests)
    assert (config["http.host"], config["http.port"]) == ("127.0.0.1", 9201)
    command = plan.pod.containers[0]["readinessProbe"]["exec"]["command"]
    assert command[-2:] == ["http://127.0.0.1:9201", "yellow"]


def test_a_contribution_on_the_loopback_port_is_rejected() -> None:
    squatter = PodContribution(
        source="Test 'squatter'",
        containers=[{"name": "squatter", "image": "s:1", "ports": [{"containerPort": 9201}]}],
    )
    expected = r"port 9201/TCP is claimed by container 'squatter' .* container 'elasticsearch' .*on 127\.0\.0\.1"
    with pytest.raises(PodConflictError, match=expected):
        plan_cluster(settings(tls=True), [squatter])
