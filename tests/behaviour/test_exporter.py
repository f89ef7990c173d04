"""The exporter container as rendered, on the real prometheus-elasticsearch-exporter 1.5.0, against the
Elasticsearch API stand-in, inside a stand-in for the pod (its own network namespace and /etc)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from podpatterns.elasticsearch.metrics import adapter_args
from podpatterns.elasticsearch.plan import target_of
from podpatterns.metrics.component import parse_adapter_args
from podpatterns.metrics.contribution import adapter_contribution
from podpatterns.podmodel import Manifest
from podpatterns.program import main
from podpatterns.render import kubernetes_objects, run_with_mocks
from podpatterns.render.offline import stack_config
from podpatterns.settings import AppSettings, KeyStyle, parse

from ..conftest import PROJECT_DIR
from .conftest import require_program
from .exporter import command_of, container_named, flag, metric_lines, requested_paths, start_standin, wait_exporter
from .pod import Pod

HEALTH_UP = "elasticsearch_cluster_health_up 1"
STATUS = 'elasticsearch_cluster_health_status{cluster="standin-cluster",color="%s"} %d'
NODE_LOCAL_PATHS = {"/", "/_cluster/health", "/_nodes/_local/stats"}


@pytest.fixture(scope="module")
def plain() -> dict[str, list[Manifest]]:
    """The dev and prod stacks without the TLS ambassador: the exporter reads Elasticsearch over loopback.
    (Through the ambassador: tests/behaviour/test_tls_ambassador.py.)"""
    stacks = {}
    for stack in ("dev", "prod"):
        project, config, secret_keys = stack_config(PROJECT_DIR, stack)
        config[f"{project}:tls"] = json.dumps({"enabled": False})
        recording = run_with_mocks(main, project=project, stack=stack, config=config, secret_keys=secret_keys)
        stacks[stack] = kubernetes_objects(recording)
    return stacks


def workload(rendered: dict[str, list[Manifest]], stack: str, name: str = "elasticsearch") -> Manifest:
    (found,) = [
        m for m in rendered[stack] if m["kind"] in ("Deployment", "StatefulSet") and m["metadata"]["name"] == name
    ]
    return found


def es_port(container: Manifest) -> int:
    return int(flag(container, "es.uri").rsplit(":", 1)[1])


def exporter_for(metrics: dict[str, object], **tls: str) -> Manifest:
    """The exporter container the adapter contributes for these metrics settings (one node)."""
    settings = parse(AppSettings, {"metrics": {"enabled": True, **metrics}}, origin="test", style=KeyStyle())
    exporter, target, _ = parse_adapter_args("test", adapter_args(settings, target_of(settings), **tls))
    (container,) = adapter_contribution(exporter, target, "test").containers
    return container


def test_rendered_exporter_reports_cluster_health_and_turns_red(
    plain: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    container = container_named(workload(plain, "dev"), "metrics-exporter")
    argv, env = command_of(container)
    with Pod(tmp_path) as pod:
        standin = start_standin(pod, es_port(container))
        pod.start(argv, env=env)
        wait_exporter(pod, container)
        green = metric_lines(pod, container)
        assert HEALTH_UP in green
        assert {STATUS % ("green", 1), STATUS % ("red", 0), STATUS % ("yellow", 0)} <= green

        assert pod.http("PUT", f"http://127.0.0.1:{es_port(container)}/_standin/health/red")[0] == 200
        red = metric_lines(pod, container)
        assert HEALTH_UP in red
        assert {STATUS % ("green", 0), STATUS % ("red", 1)} <= red

        pod.stop(standin)  # Elasticsearch gone: the exporter says so (the ElasticsearchScrapeFailing alert)
        assert "elasticsearch_cluster_health_up 0" in metric_lines(pod, container)


def test_multi_node_pods_export_only_their_node_and_one_deployment_the_cluster(
    plain: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    in_pod = container_named(workload(plain, "prod"), "metrics-exporter")
    with Pod(tmp_path / "pod") as pod:
        standin = start_standin(pod, es_port(in_pod), "--nodes", "3")
        argv, env = command_of(in_pod)
        pod.start(argv, env=env)
        wait_exporter(pod, in_pod)
        node_metrics = metric_lines(pod, in_pod)
        assert requested_paths(pod.stop(standin)) <= NODE_LOCAL_PATHS  # nothing cluster-wide from each pod
    assert any(line.startswith('elasticsearch_jvm_memory_used_bytes{area="heap"') for line in node_metrics)

    cluster = container_named(workload(plain, "prod", "elasticsearch-cluster-metrics"), "metrics-exporter")
    service_host = flag(cluster, "es.uri").split("//", 1)[1].rsplit(":", 1)[0]
    with Pod(tmp_path / "deployment", hosts=[service_host]) as pod:  # the Service's name, resolved in the "cluster"
        standin = start_standin(pod, es_port(cluster), "--nodes", "3")
        argv, env = command_of(cluster)
        pod.start(argv, env=env)
        wait_exporter(pod, cluster)
        cluster_metrics = metric_lines(pod, cluster)
        paths = requested_paths(pod.stop(standin))
    assert {"/_all/_stats", "/_cat/shards", "/_snapshot", "/_cluster/settings"} <= {p.split("?")[0] for p in paths}
    assert "/_nodes/_local/stats" not in paths
    assert not any(line.startswith("elasticsearch_jvm_") for line in cluster_metrics)  # no node metric twice
    assert "elasticsearch_snapshot_stats_up 1" in cluster_metrics


def test_credentials_come_from_the_secret_as_env_never_in_the_uri(tmp_path: Path) -> None:
    container = exporter_for({"credentials_secret": "es-exporter"})
    secrets = {"es-exporter": {"username": "exporter", "password": "pa55-w0rd"}}
    argv, env = command_of(container, secrets)
    assert "pa55-w0rd" not in " ".join(argv)
    with Pod(tmp_path) as pod:
        standin = start_standin(pod, es_port(container))
        pod.start(argv, env=env)
        wait_exporter(pod, container)
        metrics = metric_lines(pod, container)
        served = [line for line in pod.stop(standin).splitlines() if line.startswith("standin: GET /_")]
    assert HEALTH_UP in metrics
    assert served
    assert all(line.endswith(" user=exporter") for line in served)
    assert not any("pa55-w0rd" in line or "exporter@" in line for line in metrics)


EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]


def make_ca(directory: Path, name: str) -> tuple[Path, Path]:
    directory.mkdir()
    key, cert = directory / "ca.key", directory / "ca.crt"
    openssl(["req", "-x509", *EC_KEY, "-days", "1", "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)])
    return key, cert


def openssl(args: list[str], cwd: Path | None = None) -> None:
    subprocess.run([require_program("openssl", "openssl"), *args], check=True, capture_output=True, cwd=cwd)


def make_leaf(directory: Path, ca_key: Path, ca_cert: Path) -> tuple[Path, Path]:
    """A server certificate for localhost, signed by the CA."""
    key, csr, cert, ext = (directory / n for n in ("tls.key", "tls.csr", "tls.crt", "ext.cnf"))
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl(["req", "-new", *EC_KEY, "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(csr)])
    signing = ["-CA", str(ca_cert), "-CAkey", str(ca_key), "-CAcreateserial", "-days", "1", "-extfile", str(ext)]
    openssl(["x509", "-req", "-in", str(csr), *signing, "-out", str(cert)], cwd=directory)
    return key, cert


@pytest.mark.parametrize("trusted", [True, False], ids=["right-ca", "wrong-ca"])
def test_tls_verifies_the_certificate_against_the_mounted_ca(tmp_path: Path, trusted: bool) -> None:
    container = exporter_for({}, uri="https://localhost:9200", ca_volume="tls-ca")
    assert not any("skip-verify" in arg for arg in container["args"])
    ca_key, ca_cert = make_ca(tmp_path / "ca", "pod-patterns test CA")
    leaf_key, leaf_cert = make_leaf(tmp_path / "ca", ca_key, ca_cert)
    _, other_ca = make_ca(tmp_path / "other", "some other CA")
    (mount,) = container["volumeMounts"]
    assert flag(container, "es.ca").startswith(mount["mountPath"] + "/")
    mounted = {flag(container, "es.ca"): (ca_cert if trusted else other_ca).read_bytes()}  # as the volume would
    argv, env = command_of(container)
    with Pod(tmp_path / "pod", etc_files=mounted) as pod:
        start_standin(pod, es_port(container), "--cert", str(leaf_cert), "--key", str(leaf_key))
        exporter = pod.start(argv, env=env)
        wait_exporter(pod, container)
        metrics = metric_lines(pod, container)
        log = pod.stop(exporter)
    if trusted:
        assert HEALTH_UP in metrics
        assert STATUS % ("green", 1) in metrics
    else:
        assert "elasticsearch_cluster_health_up 0" in metrics
        assert "certificate signed by unknown authority" in log


def test_exporter_listens_only_after_its_wait_for_elasticsearch_within_the_startup_probe(
    plain: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    container = container_named(workload(plain, "dev"), "metrics-exporter")
    probe = container["startupProbe"]
    argv, env = command_of(container)
    with Pod(tmp_path) as pod:  # no Elasticsearch at all
        pod.start(argv, env=env)
        waited = wait_exporter(pod, container)
    assert 8 <= waited < probe["periodSeconds"] * probe["failureThreshold"]
    assert "livenessProbe" not in container_named(workload(plain, "dev"), "elasticsearch")
