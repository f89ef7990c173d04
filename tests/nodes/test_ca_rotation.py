"""A CA rotation in three deploys (`tls.caGeneration`, `tls.caOverlap`: docs/operations.md), by the real engine onto a
real node: dev with mutual TLS required and one client. The engine keeps what a step does not change (the first CA
through the overlap), each step rolls the pod, and a client keeps the files it was given (the ca.crt bundle, its
certificate) and is served through the next step."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

from ..lib.kube import Kube
from ..lib.pulumi_engine import Engine
from .stacks import curl, dev_stack

CLIENT_SECRET = "elasticsearch-client-ingest"
STEPS: list[dict[str, object]] = [
    {},  # before: CA 1 signs and is the only one trusted
    {"caOverlap": "next"},  # 1: CA 2 made and trusted everywhere; nothing re-issued
    {"caGeneration": 2, "caOverlap": "previous"},  # 2: everything re-issued by CA 2; CA 1 still trusted
]


def client_files(kube: Kube, namespace: str, directory: Path) -> Path:
    """What the client holds after a deploy: its Secret's files (in the stack's namespace)."""
    data = kube.json("get", "secret", "--namespace", namespace, CLIENT_SECRET)["data"]
    directory.mkdir()
    for key in ("ca.crt", "tls.crt", "tls.key"):
        (directory / key).write_bytes(base64.b64decode(data[key]))
    return directory


def served(kube: Kube, namespace: str, client: Path) -> subprocess.CompletedProcess[str]:
    """The client's request to the pod's ambassador, the server verified with the client's ca.crt."""
    pods = kube.json("get", "pods", "--namespace", namespace)["items"]
    (pod,) = [pod for pod in pods if not pod["metadata"].get("deletionTimestamp")]  # not the one rolled out
    name = f"elasticsearch.{namespace}.svc"
    return curl(
        *("--fail", "--show-error", "--resolve", f"{name}:9200:{pod['status']['podIP']}"),
        *("--cacert", str(client / "ca.crt"), "--cert", str(client / "tls.crt"), "--key", str(client / "tls.key")),
        f"https://{name}:9200/_cluster/health",
    )


def test_a_client_is_served_through_every_step_of_a_ca_rotation(
    engine: Engine, kube: Kube, real_nodes: list[str], tmp_path: Path
) -> None:
    settings = {"tls.mtls": "required", "tls.clients[0]": "ingest"}
    clients: list[Path] = []
    results: dict[tuple[int, int], str] = {}  # (the step whose files the client holds, the step deployed): curl's error
    with dev_stack(engine, kube, tmp_path, settings, namespace="search-dev-ca") as dev:
        project, namespace = dev.project, dev.namespace
        for step, tls in enumerate(STEPS):
            for key, value in tls.items():
                project.config_set("dev", f"pod-patterns:tls.{key}", value)
            if tls:
                project.run("up", "--stack", "dev", "--yes", "--skip-preview")
                kube.run("rollout", "status", "deployment/elasticsearch", "--namespace", namespace, "--timeout=300s",
                         timeout=360)  # fmt: skip
            clients.append(client_files(kube, namespace, tmp_path / f"client{step}"))
            for held, files in enumerate(clients):
                results[(held, step)] = served(kube, namespace, files).stderr
    # A client holding the files of the deploy before is served at every step, and so is one of this deploy.
    assert all(not results[(step - 1, step)] for step in range(1, len(STEPS))), results
    assert all(not results[(step, step)] for step in range(len(STEPS))), results
    # Why step 1 comes first: a client that never refreshed its ca.crt (CA 1 alone) fails once CA 2 signs.
    assert "certificate" in results[(0, 2)], results
    bundle = (clients[1] / "ca.crt").read_text()
    assert bundle.count("BEGIN CERTIFICATE") == 2  # both CAs, during the overlap
    assert (clients[0] / "ca.crt").read_text() in bundle  # the first CA, unchanged: kept by the engine
