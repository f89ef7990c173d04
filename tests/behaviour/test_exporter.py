"""The exporter container as rendered, on the real prometheus-elasticsearch-exporter 1.5.0, in pods run
by the harness (tests/lib/harness) beside the Elasticsearch stand-in. Through the TLS ambassador with the
stack's own CA: tests/behaviour/test_tls_ambassador.py and tests/e2e."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from podpatterns.elasticsearch.cluster import target_of
from podpatterns.elasticsearch.exporter import adapter_args
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.metrics.component import parse_adapter_args
from podpatterns.metrics.contribution import adapter_contribution
from podpatterns.pod.model import Manifest
from podpatterns.program import main
from podpatterns.render import Recording, run_with_mocks
from podpatterns.render.offline import stack_config
from podpatterns.settings import KeyStyle, parse

from ..conftest import PROJECT_DIR
from ..lib.harness import Cluster, RunningPod
from ..lib.standins.vault import PROD_KV
from ..lib.support.certs import self_signed

HEALTH_UP = "elasticsearch_cluster_health_up 1"
STATUS = 'elasticsearch_cluster_health_status{cluster="elasticsearch",color="%s"} %d'
NODE_LOCAL_PATHS = {"/", "/_cluster/health", "/_nodes/_local/stats"}
INITIAL_CALL_TIMEOUT_SECONDS = 10
"""How long exporter 1.5.0 waits for its first answer from Elasticsearch before it listens anyway."""


@pytest.fixture(scope="module")
def plain() -> dict[str, Recording]:
    """The dev and prod stacks without the TLS ambassador (and prod without the security that needs it): the
    exporter reads Elasticsearch over loopback."""
    recordings = {}
    for stack in ("dev", "prod"):
        project, config, secret_keys = stack_config(PROJECT_DIR, stack)
        config[f"{project}:tls"] = json.dumps({"enabled": False})
        config[f"{project}:security"] = json.dumps({"enabled": False})
        recordings[stack] = run_with_mocks(main, project=project, stack=stack, config=config, secret_keys=secret_keys)
    return recordings


ClusterOf = Callable[..., Cluster]


@pytest.fixture
def cluster_of(vault_agent: Path, tmp_path: Path) -> Iterator[ClusterOf]:
    """cluster_of(recording, extra_objects=...) -> a running Cluster, stopped after the test."""
    clusters: list[Cluster] = []

    def make(recording: Recording, extra_objects: tuple[Manifest, ...] = ()) -> Cluster:
        cluster = Cluster(
            recording,
            tmp_path / f"cluster{len(clusters)}",
            vault_agent=vault_agent,
            vault_kv=PROD_KV,
            extra_objects=extra_objects,
        )
        clusters.append(cluster.__enter__())
        return cluster

    yield make
    for cluster in clusters:
        cluster.__exit__()


def metric_lines(pod: RunningPod) -> set[str]:
    """One scrape of the pod's exporter from the cluster, as Prometheus would."""
    result = pod.in_cluster(["curl", "--silent", "--fail", "--max-time", "10", f"http://{pod.ip}:9114/metrics"])
    assert result.returncode == 0, result.stderr
    return {line for line in result.stdout.splitlines() if not line.startswith("#")}


def requested_paths(pod: RunningPod) -> set[str]:
    """The paths (without query) Elasticsearch was asked for: its server log, on the logs volume."""
    log = (pod.volumes["logs"].path / "elasticsearch.log").read_text()
    return {line.split()[2].split("?")[0] for line in log.splitlines() if line.startswith("standin: GET ")}


def with_exporter(workload: Manifest, exporter: Manifest, *volumes: Manifest) -> Manifest:
    """The workload with its exporter container (a native sidecar from Kubernetes 1.29) replaced by `exporter`,
    and `volumes` added."""
    changed = copy.deepcopy(workload)
    spec = changed["spec"]["template"]["spec"]
    for kind in ("initContainers", "containers"):
        spec[kind] = [{**c, **exporter} if c["name"] == "metrics-exporter" else c for c in spec.get(kind, [])]
    spec["volumes"] = [*spec.get("volumes", []), *volumes]
    return changed


def exporter_for(metrics: dict[str, object], **tls: str) -> Manifest:
    """The exporter container the adapter contributes for these metrics settings (one node)."""
    settings = parse(AppSettings, {"metrics": {"enabled": True, **metrics}}, origin="test", style=KeyStyle())
    exporter, target, _ = parse_adapter_args("test", adapter_args(settings, target_of(settings), **tls))
    (container,) = adapter_contribution(exporter, target, "test").containers
    return container


def test_rendered_exporter_reports_cluster_health_and_turns_red(
    plain: dict[str, Recording], cluster_of: ClusterOf
) -> None:
    cluster = cluster_of(plain["dev"])
    with cluster.run(cluster.workload("elasticsearch")) as pod:
        green = metric_lines(pod)
        assert HEALTH_UP in green
        assert {STATUS % ("green", 1), STATUS % ("red", 0), STATUS % ("yellow", 0)} <= green

        red = pod.exec("elasticsearch", ["curl", "-sf", "-X", "PUT", "http://127.0.0.1:9200/_standin/health/red"])
        assert red.returncode == 0, red.stderr
        turned = metric_lines(pod)
        assert HEALTH_UP in turned
        assert {STATUS % ("green", 0), STATUS % ("red", 1)} <= turned

        pod.stop("elasticsearch")  # Elasticsearch gone: the exporter says so (the ElasticsearchScrapeFailing alert)
        assert "elasticsearch_cluster_health_up 0" in metric_lines(pod)


def test_multi_node_pods_export_only_their_node_and_one_deployment_the_cluster(
    plain: dict[str, Recording], cluster_of: ClusterOf
) -> None:
    cluster = cluster_of(plain["prod"])
    with cluster.run(cluster.workload("elasticsearch")) as node_pod:
        node_metrics = metric_lines(node_pod)
        assert requested_paths(node_pod) <= NODE_LOCAL_PATHS  # nothing cluster-wide from each pod
        assert any(line.startswith('elasticsearch_jvm_memory_used_bytes{area="heap"') for line in node_metrics)
        assert 'elasticsearch_cluster_health_number_of_nodes{cluster="elasticsearch"} 3' in node_metrics

        deployment = cluster.workload("elasticsearch-cluster-metrics")
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        uri = next(a for a in container["args"] if a.startswith("--es.uri="))
        service_host = uri.split("//", 1)[1].rsplit(":", 1)[0]
        with cluster.run(deployment, hosts={service_host: node_pod.ip}) as cluster_pod:  # the Service -> the pod
            cluster_metrics = metric_lines(cluster_pod)
        paths = requested_paths(node_pod)
    assert {"/_all/_stats", "/_cat/shards", "/_snapshot", "/_cluster/settings"} <= paths
    assert not any(line.startswith("elasticsearch_jvm_") for line in cluster_metrics)  # no node metric twice
    assert "elasticsearch_snapshot_stats_up 1" in cluster_metrics


def test_credentials_come_from_the_secret_as_env_never_in_the_uri(
    plain: dict[str, Recording], cluster_of: ClusterOf
) -> None:
    container = exporter_for({"credentials_secret": "es-exporter"})
    assert not any("pa55-w0rd" in arg for arg in container["args"])
    credentials = {
        "kind": "Secret",
        "metadata": {"name": "es-exporter", "namespace": "search-dev"},
        "stringData": {"username": "exporter", "password": "pa55-w0rd"},
    }
    cluster = cluster_of(plain["dev"], (credentials,))
    with cluster.run(with_exporter(cluster.workload("elasticsearch"), container)) as pod:
        metrics = metric_lines(pod)
        log = (pod.volumes["logs"].path / "elasticsearch.log").read_text()
    served = [line for line in log.splitlines() if line.startswith("standin: GET /_")]
    assert HEALTH_UP in metrics
    assert served
    probes = ("?local=true", "?wait_for_status=")  # the app's readiness probe (curl) sends no credentials
    assert all(line.endswith(" user=exporter") for line in served if not any(p in line for p in probes))
    assert not any("pa55-w0rd" in line or "exporter@" in line for line in metrics)


def test_tls_refuses_a_server_certificate_the_mounted_ca_did_not_sign(
    recordings: dict[str, Recording], cluster_of: ClusterOf
) -> None:
    container = exporter_for({}, uri="https://localhost:9200", ca_volume="other-ca")
    assert not any("skip-verify" in arg for arg in container["args"])
    other_ca = {
        "kind": "Secret",
        "metadata": {"name": "other-ca", "namespace": "search-dev"},
        "stringData": {"ca.crt": self_signed("some other CA")[0]},
    }
    volume = {"name": "other-ca", "secret": {"secretName": "other-ca"}}
    cluster = cluster_of(recordings["dev"], (other_ca,))
    with cluster.run(with_exporter(cluster.workload("elasticsearch"), container, volume)) as pod:
        metrics = metric_lines(pod)
        assert "elasticsearch_cluster_health_up 0" in metrics
        assert "certificate signed by unknown authority" in pod.logs("metrics-exporter")


def test_exporter_listens_only_after_its_wait_for_elasticsearch_within_the_startup_probe(
    plain: dict[str, Recording], cluster_of: ClusterOf
) -> None:
    cluster = cluster_of(plain["dev"])
    alone = copy.deepcopy(cluster.workload("elasticsearch"))  # the exporter without any Elasticsearch
    spec = alone["spec"]["template"]["spec"]
    (exporter,) = [c for c in spec["initContainers"] if c["name"] == "metrics-exporter"]  # a native sidecar
    spec["initContainers"] = []
    spec["containers"] = [{k: v for k, v in exporter.items() if k != "restartPolicy"}]
    probe = spec["containers"][0]["startupProbe"]
    with cluster.run(alone) as pod:  # started: its startup probe passed
        assert "elasticsearch_cluster_health_up 0" in metric_lines(pod)
        log = pod.logs("metrics-exporter")
    # Its own account, in order: no Elasticsearch, the initial call given up (after its 10 s), then it listens.
    events = (
        "failed to retrieve cluster info from ES",
        "initial cluster info call timed out",
        "starting elasticsearch_exporter",
    )
    positions = [log.find(event) for event in events]
    assert -1 not in positions, log
    assert positions == sorted(positions), log
    assert probe["periodSeconds"] * probe["failureThreshold"] > INITIAL_CALL_TIMEOUT_SECONDS  # room for that wait
    (app,) = [
        c
        for c in cluster.workload("elasticsearch")["spec"]["template"]["spec"]["containers"]
        if c["name"] == "elasticsearch"
    ]
    assert "livenessProbe" not in app
