"""examples/python-webapp: the patterns composed onto a plain nginx web service, rendered offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kubernetes_validate import validate
from podpatterns.pod.model import Manifest
from podpatterns.render import kubernetes_objects, run_offline

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "python-webapp"


@pytest.fixture(scope="module")
def objects() -> list[Manifest]:
    return kubernetes_objects(run_offline(PROJECT, "dev"))


def one(objects: list[Manifest], kind: str, name: str) -> Manifest:
    (found,) = [m for m in objects if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


def containers(pod: dict[str, Any]) -> dict[str, Manifest]:
    return {c["name"]: c for c in pod["containers"] + pod.get("initContainers", [])}


def test_the_app_moves_to_loopback_and_only_tls_faces_the_network(objects: list[Manifest]) -> None:
    pod = one(objects, "Deployment", "web")["spec"]["template"]["spec"]
    app_conf = one(objects, "ConfigMap", "web-nginx")["data"]["nginx.conf"]
    assert "listen 127.0.0.1:8080;" in app_conf
    assert "listen 127.0.0.1:8081;" in app_conf  # stub_status, for the exporter only
    assert "ports" not in containers(pod)["web"]
    ambassador = containers(pod)["tls-ambassador"]
    assert [p["containerPort"] for p in ambassador["ports"]] == [8443, 9117]  # https, certificate expiry
    (ambassador_conf,) = one(objects, "ConfigMap", "web-ambassador")["data"].values()
    assert "listen 8443 ssl" in ambassador_conf
    assert "127.0.0.1:8080" in ambassador_conf
    ports = {p["port"]: p["name"] for p in one(objects, "Service", "web")["spec"]["ports"]}
    assert ports == {8443: "https", 9113: "metrics"}


def test_log_tailers_metrics_and_sysctl_join_the_pod(objects: list[Manifest]) -> None:
    deployment = one(objects, "Deployment", "web")
    pod = deployment["spec"]["template"]["spec"]
    tailers = [c for c in pod["initContainers"] if c["name"].startswith("tail-")]
    assert [c["name"] for c in tailers] == ["tail-access-log", "tail-error-log"]
    assert all(c["restartPolicy"] == "Always" for c in tailers)  # native sidecars (Kubernetes 1.29+)
    assert {"name": "logs", "mountPath": "/var/log/nginx"} in containers(pod)["web"]["volumeMounts"]
    exporter = containers(pod)["metrics-exporter"]
    assert "--nginx.scrape-uri=http://127.0.0.1:8081/stub_status" in exporter["args"]
    assert deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == "9113"
    assert pod["securityContext"]["sysctls"] == [{"name": "net.ipv4.tcp_keepalive_time", "value": "600"}]
    assert deployment["spec"]["replicas"] == 2  # from the stack's config


def test_every_container_is_restricted_with_requests_and_limits(objects: list[Manifest]) -> None:
    pod = one(objects, "Deployment", "web")["spec"]["template"]["spec"]
    for name, container in containers(pod).items():
        assert container["securityContext"]["runAsNonRoot"] is True, name
        assert container["securityContext"].get("privileged") is not True, name
        assert set(container["resources"]) == {"requests", "limits"}, name


@pytest.mark.parametrize("version", ["1.29", "1.33", "1.35"])
def test_every_object_validates_strictly(objects: list[Manifest], version: str) -> None:
    assert {m["kind"] for m in objects} == {"ConfigMap", "Deployment", "Secret", "Service"}
    for manifest in objects:
        validate(manifest, version, strict=True)
