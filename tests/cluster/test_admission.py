"""Pod Security admission is really on: each stack's namespace level admits its own pods and refuses what breaks it.

Pods are created with `--dry-run=server`: the API server runs every admission plugin and stores nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence

import pytest
from podpatterns.podmodel import Manifest

from ..conftest import STACKS
from .kube import Kube, delete_namespaces, moved, namespaces, pod_template_spec, unique_suffix, workloads
from .targets import RESTRICTED_LABELS

BREAKS_RESTRICTED: Manifest = {
    "containers": [{"name": "root-shell", "image": "busybox:1.36.1", "securityContext": {"privileged": True}}],
}
EVENT_TIMEOUT = 120  # seconds for the StatefulSet controller's first try, on a busy machine


def pod(name: str, namespace: str, spec: Manifest) -> Manifest:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def pod_of(workload: Manifest, namespace: str) -> Manifest:
    """The pod the workload's controller would create (a StatefulSet adds a volume for each claim template)."""
    spec = pod_template_spec(workload)
    claims = [
        {"name": t["metadata"]["name"], "persistentVolumeClaim": {"claimName": f"{t['metadata']['name']}-probe"}}
        for t in workload["spec"].get("volumeClaimTemplates", [])
    ]
    return pod("probe", namespace, {**spec, "volumes": [*spec.get("volumes", []), *claims]})


def create_dry_run(kube: Kube, manifest: Manifest) -> tuple[bool, str]:
    """(admitted, the server's error): every admission plugin runs, nothing is stored."""
    done = kube.run("create", "--dry-run=server", "--filename=-", stdin=json.dumps(manifest), check=False)
    return done.returncode == 0, done.stderr


def enforced_level(manifests: Sequence[Manifest]) -> str:
    (namespace,) = [m for m in manifests if m["kind"] == "Namespace"]
    level: str = namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
    return level


def restricted(manifests: Sequence[Manifest]) -> list[Manifest]:
    """The objects with their Namespace enforcing restricted, whatever the stack chose."""
    result = []
    for manifest in manifests:
        if manifest["kind"] == "Namespace":
            result.append({**manifest, "metadata": {**manifest["metadata"], "labels": RESTRICTED_LABELS}})
        else:
            result.append(manifest)
    return result


def sysctl_init(spec: Manifest) -> bool:
    return any(c["name"] == "sysctl-init" for c in spec.get("initContainers", []))


@pytest.fixture
def stage(kube: Kube) -> Iterator[list[list[Manifest]]]:
    """Applies a stack's objects but its workloads (the pods' ServiceAccounts, ConfigMaps, Secrets) in fresh
    namespaces; append the moved objects to the list, they are applied by `settle` and deleted afterwards."""
    staged: list[list[Manifest]] = []
    yield staged
    delete_namespaces(kube, [name for manifests in staged for name in namespaces(manifests)])


def settle(kube: Kube, staged: list[list[Manifest]], manifests: list[Manifest]) -> list[Manifest]:
    staged.append(manifests)
    kube.apply([m for m in manifests if m["kind"] == "Namespace"])
    kube.apply([m for m in manifests if m["kind"] not in ("Namespace", "Deployment", "StatefulSet")])
    return manifests


@pytest.mark.parametrize("stack", STACKS)
def test_a_pod_that_breaks_the_namespace_level_is_refused(
    stack: str, kube: Kube, rendered: dict[str, list[Manifest]], stage: list[list[Manifest]]
) -> None:
    manifests = settle(kube, stage, moved(rendered[stack], unique_suffix()))
    (namespace,) = namespaces(manifests)
    admitted, error = create_dry_run(kube, pod("root-shell", namespace, BREAKS_RESTRICTED))
    if enforced_level(manifests) == "privileged":
        assert admitted, error  # nothing breaks privileged: the level admits everything
    else:
        assert not admitted
        assert "violates PodSecurity" in error, error
        assert '"root-shell"' in error, error


@pytest.mark.parametrize("stack", STACKS)
def test_the_sysctl_init_container_is_admitted_only_where_the_namespace_allows_it(
    stack: str, kube: Kube, rendered: dict[str, list[Manifest]], stage: list[list[Manifest]]
) -> None:
    own = settle(kube, stage, moved(rendered[stack], unique_suffix()))
    strict = settle(kube, stage, restricted(moved(rendered[stack], unique_suffix())))
    (strict_namespace,) = namespaces(strict)
    for workload in workloads(own):
        admitted, error = create_dry_run(kube, pod_of(workload, workload["metadata"]["namespace"]))
        assert admitted, f"{stack}: {workload['metadata']['name']} refused in its own namespace: {error}"
        admitted, error = create_dry_run(kube, pod_of(workload, strict_namespace))
        assert admitted is not sysctl_init(pod_template_spec(workload)), error
        if sysctl_init(pod_template_spec(workload)):
            assert "violates PodSecurity" in error, error
            assert '"sysctl-init"' in error, error


def test_a_workload_that_breaks_the_level_is_accepted_but_its_pods_are_not(
    kube: Kube, rendered: dict[str, list[Manifest]], stage: list[list[Manifest]]
) -> None:
    """The failure mode no offline check shows: the StatefulSet is stored, the controller's pods are refused."""
    stack = next(s for s in STACKS if any(sysctl_init(pod_template_spec(w)) for w in workloads(rendered[s])))
    manifests = settle(kube, stage, restricted(moved(rendered[stack], unique_suffix())))
    (workload,) = [w for w in workloads(manifests) if sysctl_init(pod_template_spec(w))]
    applied = kube.apply([workload])
    assert "would violate PodSecurity" in applied.stderr
    namespace = workload["metadata"]["namespace"]
    deadline = time.monotonic() + EVENT_TIMEOUT
    while not (failures := kube.events(namespace, "FailedCreate")) and time.monotonic() < deadline:
        time.sleep(1)
    assert failures, f"no FailedCreate event in {EVENT_TIMEOUT} s"
    assert all("violates PodSecurity" in f for f in failures), failures
    assert all('"sysctl-init"' in f for f in failures), failures
