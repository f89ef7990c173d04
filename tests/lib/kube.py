"""kubectl against the test control plane (scripts/cluster), and rendered objects moved into namespaces of their own.

Every test applies into namespaces named after the stack plus a unique suffix, so tests in different pytest-xdist
workers never share an object.
"""

from __future__ import annotations

import copy
import json
import subprocess
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from podpatterns.pod.model import Manifest

from .support.processes import alive

WORKLOAD_KINDS = ("Deployment", "StatefulSet")
ROLLOUT_TIMEOUT = "180s"  # kwok makes a pod Ready within a second; the rest is the controllers on a busy machine


def exited(cluster_dir: Path) -> list[str]:
    """The programs scripts/cluster started in `cluster_dir` (pids/NAME: the control plane's and the real nodes') that
    no longer run, each with the end of its log (logs/NAME.log)."""
    found = []
    for pid_file in sorted((cluster_dir / "pids").glob("*")):
        if alive(pid_file.read_text().strip()):
            continue
        log = cluster_dir / "logs" / f"{pid_file.name}.log"
        end = log.read_text(errors="replace").splitlines()[-10:] if log.exists() else ["(no log)"]
        found.append(f"{pid_file.name} exited; the end of {log}:\n" + "\n".join(line[:400] for line in end))
    return found


@dataclass(frozen=True)
class Kube:
    """kubectl (one of the programs scripts/cluster builds) with the cluster's kubeconfig."""

    kubectl: Path
    kubeconfig: Path

    def command(self, *args: str) -> list[str]:
        """The command line of kubectl ARGS, for a process the caller runs itself (a stream it follows)."""
        return [str(self.kubectl), "--kubeconfig", str(self.kubeconfig), *args]

    def run(
        self, *args: str, stdin: str | None = None, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """kubectl ARGS, given `timeout` seconds; with `check`, a failure raises naming the command and kubectl's
        error."""
        command = self.command(*args)
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
        if check and done.returncode != 0:
            raise AssertionError(
                f"kubectl {' '.join(args)} failed ({done.returncode}):\n{done.stderr}"
                + "".join(f"\n{process}" for process in exited(self.kubeconfig.parent))
            )
        return done

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--output", "json").stdout)

    def apply(self, manifests: Iterable[Manifest], check: bool = True) -> subprocess.CompletedProcess[str]:
        """Server-side apply with strict field validation: the server refuses an unknown or duplicated field."""
        documents = yaml.safe_dump_all(list(manifests), sort_keys=False)
        return self.run(
            "apply", "--server-side", "--field-manager=pod-patterns-tests", "--validate=strict", "--filename=-",
            stdin=documents, check=check,
        )  # fmt: skip

    def resource_versions(self, manifests: Iterable[Manifest]) -> dict[str, str]:
        """The live objects' resourceVersions by `kind/namespace/name`: a version changes whenever its object does."""
        documents = yaml.safe_dump_all(list(manifests), sort_keys=False)
        listed = json.loads(self.run("get", "--filename=-", "--output=json", stdin=documents).stdout)["items"]
        return {
            f"{o['kind']}/{o['metadata'].get('namespace', '')}/{o['metadata']['name']}": o["metadata"][
                "resourceVersion"
            ]
            for o in listed
        }

    def server_minor(self) -> int:
        """The API server's minor version, e.g. 36 for v1.36.3."""
        return int(self.json("version")["serverVersion"]["minor"].rstrip("+"))

    def events(self, namespace: str, reason: str) -> list[str]:
        """The messages of the namespace's events with this reason, each prefixed with its object."""
        items = self.json("get", "events", "--namespace", namespace, "--field-selector", f"reason={reason}")["items"]
        return [f"{e['involvedObject']['kind']}/{e['involvedObject']['name']}: {e['message']}" for e in items]


def pod_ready(pod: Manifest) -> bool:
    """Whether the pod's Ready condition is True (the kubelet's probes passed)."""
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))


def unique_suffix() -> str:
    return "-" + uuid.uuid4().hex[:6]


def moved(manifests: Sequence[Manifest], suffix: str) -> list[Manifest]:
    """Copies of the objects with every namespace (the Namespace objects' own names too) renamed with the suffix."""
    result = []
    for original in manifests:
        manifest = copy.deepcopy(original)
        metadata = manifest["metadata"]
        if manifest["kind"] == "Namespace":
            metadata["name"] += suffix
        elif "namespace" in metadata:
            metadata["namespace"] += suffix
        result.append(manifest)
    return result


def namespaces(manifests: Iterable[Manifest]) -> list[str]:
    return [m["metadata"]["name"] for m in manifests if m["kind"] == "Namespace"]


def workloads(manifests: Iterable[Manifest]) -> list[Manifest]:
    return [m for m in manifests if m["kind"] in WORKLOAD_KINDS]


def pod_template_spec(workload: Manifest) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def delete_namespaces(kube: Kube, names: Iterable[str]) -> None:
    """Cleanup that does not wait: the namespace controller finishes it in the background (the claims in them too,
    whose volumes the provisioner then removes)."""
    for name in names:
        kube.run("delete", "namespace", name, "--wait=false", "--ignore-not-found", check=False)
