"""Runs the exporter container of a rendered pod on the real Debian binary, with its args and env."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

from podpatterns.podmodel import Manifest

from ..conftest import PROJECT_DIR
from .conftest import require_program
from .pod import Pod

IMAGE_BINARIES = {"quay.io/prometheuscommunity/elasticsearch-exporter": "prometheus-elasticsearch-exporter"}
"""The Debian program that stands for each image (same release: checked against the image tag)."""


def container_named(workload: Manifest, name: str) -> Manifest:
    (container,) = [c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == name]
    return container


def command_of(
    container: Manifest, secrets: Mapping[str, Mapping[str, str]] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The container's argv (image mapped to its Debian binary) and env (secretKeyRefs resolved from `secrets`)."""
    repository, tag = container["image"].rsplit(":", 1)
    binary = require_program(IMAGE_BINARIES[repository], IMAGE_BINARIES[repository])
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    assert f"version {tag.removeprefix('v')} " in version.stdout + version.stderr, (
        "the pinned image is not the tested release"
    )
    env = {"PATH": "/usr/bin:/bin"}
    for variable in container.get("env", []):
        if "value" in variable:
            env[variable["name"]] = variable["value"]
        else:
            ref = variable["valueFrom"]["secretKeyRef"]
            env[variable["name"]] = (secrets or {})[ref["name"]][ref["key"]]
    return [binary, *container["args"]], env


def flag(container: Manifest, name: str) -> str:
    (value,) = [a.split("=", 1)[1] for a in container["args"] if a.startswith(f"--{name}=")]
    return value


def start_standin(pod: Pod, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """The Elasticsearch API stand-in on 127.0.0.1:`port` in the pod, once it answers."""
    process = pod.start(
        [sys.executable, "-m", "tests.standins.elasticsearch", "--port", str(port), *extra], cwd=PROJECT_DIR
    )
    scheme = "https" if "--cert" in extra else "http"
    pod.wait_http(f"{scheme}://127.0.0.1:{port}/", insecure=True)
    return process


def metric_lines(pod: Pod, container: Manifest) -> set[str]:
    port = container["ports"][0]["containerPort"]
    status, body = pod.http("GET", f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    return {line for line in body.splitlines() if not line.startswith("#")}


def wait_exporter(pod: Pod, container: Manifest) -> float:
    """Seconds until the exporter answers its probe path."""
    port = container["ports"][0]["containerPort"]
    return pod.wait_http(f"http://127.0.0.1:{port}{container['startupProbe']['httpGet']['path']}")


def requested_paths(standin_output: str) -> set[str]:
    return {line.split()[2] for line in standin_output.splitlines() if line.startswith("standin: GET ")}
