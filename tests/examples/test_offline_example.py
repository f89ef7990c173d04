"""Testing your own Pulumi program offline (docs/library.md shows this file): no CLI, no engine, no cluster."""

from pathlib import Path

import pytest
from podpatterns import PodBuilder, PodConflictError, PodContribution, TlsAmbassador, WorkloadTarget
from podpatterns.render import Recording, kubernetes_objects, run_offline, run_with_mocks

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "python-webapp"  # the directory of your Pulumi.yaml


def test_the_program_puts_its_pod_behind_tls() -> None:
    # Runs __main__.py under Pulumi's mocks with the config of <stackConfigDir>/Pulumi.dev.yaml.
    recording = run_offline(PROJECT, "dev")
    objects = {(o["kind"], o["metadata"]["name"]): o for o in kubernetes_objects(recording)}
    pod = objects["Deployment", "web"]["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["containers"]] == ["web"]  # the exporter too is a native sidecar
    assert pod["initContainers"][0]["name"] == "tls-ambassador"  # a native sidecar: stops after web
    assert objects["Secret", "web-tls"]["type"] == "kubernetes.io/tls"
    assert recording.outputs["url"] == "https://web.shop.svc:8443"


def test_a_clash_in_the_pod_registers_nothing() -> None:
    target = WorkloadTarget(
        name="web", namespace="shop", labels={"app": "web"}, app_container="web", app_port=8443, service_name="web"
    )
    app = PodContribution(
        source="web", containers=[{"name": "web", "image": "web:1.0", "ports": [{"containerPort": 8443}]}]
    )

    def program() -> None:  # a few lines of a program, run as one
        pod = PodBuilder(target, app)
        pod.add(TlsAmbassador, "web-tls", {"target": target, "upstream_port": 8080})
        pod.build()

    recording = Recording("dev")  # keeps what was registered even when the program raises
    with pytest.raises(PodConflictError, match="port 8443/TCP"):
        run_with_mocks(program, project="shop", stack="dev", recording=recording)
    assert recording.registrations == []
