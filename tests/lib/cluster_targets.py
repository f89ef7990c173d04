"""What the cluster tests apply: every stack's offline render and every example's, each in namespaces of its own."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from podpatterns.pod.model import Manifest
from podpatterns.render import Recording, kubernetes_objects, run_offline

from ..conftest import PROJECT_DIR, STACKS
from .kube import (
    ROLLOUT_TIMEOUT,
    Kube,
    delete_namespaces,
    moved,
    namespaces,
    unique_suffix,
    workloads,
)
from .support.certs import materialize
from .yaml_program import evaluate

EXAMPLES = ["python-webapp", "yaml"]
TARGETS = [*STACKS, *EXAMPLES]


def level_labels(level: str) -> dict[str, str]:
    """A namespace's labels that enforce, audit and warn at a Pod Security level (its latest version)."""
    return {f"pod-security.kubernetes.io/{mode}": level for mode in ("enforce", "audit", "warn")}


def target_objects(target: str, recordings: dict[str, Recording]) -> list[Manifest]:
    """A stack's or an example's objects rendered offline, with real keys and certificates where the program asked
    pulumi-tls for them (so the server's checks of TLS Secrets run on real PEM)."""
    objects = []
    for recording in recordings_of(target, recordings):
        made = materialize(recording)
        objects += [made.resolve(manifest) for manifest in kubernetes_objects(recording)]
    if target == "yaml":  # and the program's own Kubernetes objects
        objects += evaluate(_yaml_example()).manifests
    return objects


def recordings_of(target: str, stacks: dict[str, Recording]) -> list[Recording]:
    """The stack's recording; the Python example run as a stack; the YAML example's components through the host."""
    if target in stacks:
        return [stacks[target]]
    if target == "python-webapp":
        return [run_offline(PROJECT_DIR / "examples" / target, "dev")]
    return list(evaluate(_yaml_example()).recordings.values())


def _yaml_example() -> dict[str, Any]:
    program: dict[str, Any] = yaml.safe_load((PROJECT_DIR / "examples" / "yaml" / "Pulumi.yaml").read_text())
    return program


def with_namespaces(manifests: Sequence[Manifest]) -> list[Manifest]:
    """The objects, after a restricted Namespace for each namespace they use but do not declare: an example that
    declares none is applied into one at the strictest level, as a user should have it."""
    declared = set(namespaces(manifests))
    used = sorted({m["metadata"]["namespace"] for m in manifests if "namespace" in m["metadata"]} - declared)
    labels = level_labels("restricted")
    added = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n, "labels": labels}} for n in used]
    return [*added, *manifests]


@dataclass(frozen=True)
class Applied:
    """Objects applied in namespaces of their own (the suffix) and what the server and the controllers made of them."""

    manifests: list[Manifest]
    apply_result: subprocess.CompletedProcess[str]
    rollouts: dict[str, subprocess.CompletedProcess[str]]
    """`kubectl rollout status` of each Deployment and StatefulSet, by `kind/name`."""


def apply_all(kube: Kube, manifests: Sequence[Manifest], check: bool = True) -> subprocess.CompletedProcess[str]:
    """Namespaces first (the rest lives in them), then every other object."""
    kube.apply([m for m in manifests if m["kind"] == "Namespace"])
    return kube.apply([m for m in manifests if m["kind"] != "Namespace"], check=check)


def rollouts(kube: Kube, manifests: Sequence[Manifest]) -> dict[str, subprocess.CompletedProcess[str]]:
    """`kubectl rollout status` of every Deployment and StatefulSet, by `kind/name`."""
    statuses = {}
    for workload in workloads(manifests):
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        namespace = ["--namespace", workload["metadata"]["namespace"]]
        statuses[name] = kube.run(
            "rollout", "status", name.lower(), *namespace, f"--timeout={ROLLOUT_TIMEOUT}", check=False
        )
    return statuses


@contextmanager
def applied(kube: Kube, objects: Sequence[Manifest]) -> Iterator[Applied]:
    """The objects applied in fresh namespaces and rolled out; the namespaces are deleted afterwards (their claims
    with them, and so the provisioner's volumes)."""
    suffix = unique_suffix()
    manifests = with_namespaces(moved(objects, suffix))
    try:
        result = apply_all(kube, manifests)
        yield Applied(manifests, result, rollouts(kube, manifests))
    finally:
        delete_namespaces(kube, namespaces(manifests))


def golden_before_last_change(stack: str) -> tuple[str, list[Manifest]]:
    """The stack's golden render as it was before its objects last changed in git history: (commit, objects).

    Walks back from HEAD to the first commit whose golden YAML files differ from HEAD's. PersistentVolumeClaims are
    left out: renders of the day2 branch listed the claim patches (`PersistentVolumeClaimPatch`) as objects.
    """
    directory = f"tests/lib/golden/{stack}/"
    head = _golden_blobs("HEAD", directory)
    for commit in _git("log", "--format=%H", "--", directory).split():
        blobs = _golden_blobs(commit, directory)
        if blobs and blobs != head:
            texts = [
                _git("show", blob) for name, blob in blobs.items() if not name.startswith("persistentvolumeclaim_")
            ]
            return commit, [yaml.safe_load(text) for text in texts]
    raise AssertionError(f"no earlier golden render of {stack} in git history: the clone must not be shallow")


def _golden_blobs(commit: str, directory: str) -> dict[str, str]:
    """The golden YAML files of a commit: file name -> blob id."""
    listing = _git("ls-tree", commit, directory)
    entries = (line.split(maxsplit=3) for line in listing.splitlines())
    return {Path(path).name: blob for _, kind, blob, path in entries if kind == "blob" and path.endswith(".yaml")}


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
