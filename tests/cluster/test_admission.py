"""Pod Security admission is really on: each stack's namespace level admits its own pods and refuses what breaks it.

Pods are created with `--dry-run=server`: the API server runs every admission plugin and stores nothing.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest
from podpatterns.pod.model import Manifest
from podpatterns.pod.pod_security import violations

from ..conftest import STACKS
from ..lib.cluster_targets import level_labels, with_namespaces
from ..lib.kube import Kube, delete_namespaces, moved, namespaces, pod_template_spec, unique_suffix, workloads
from ..lib.pod_security_cases import CASES

BREAKS_RESTRICTED: Manifest = {
    "containers": [{"name": "root-shell", "image": "busybox:1.36.1", "securityContext": {"privileged": True}}],
}
EVENT_TIMEOUT = 120  # seconds for the StatefulSet controller's first try, on a busy machine


@dataclass(frozen=True)
class Leveled:
    """Objects applied in a namespace at a Pod Security level."""

    level: str
    manifests: list[Manifest]


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


def at_level(manifests: Sequence[Manifest], level: str = "restricted") -> list[Manifest]:
    """The objects with their Namespace at a Pod Security level, whatever the stack chose; the policy version stays
    the stack's (its kubernetesVersion, which the library's checker follows)."""
    result = []
    for manifest in manifests:
        if manifest["kind"] == "Namespace":
            labels = {k: v for k, v in manifest["metadata"]["labels"].items() if k.endswith("-version")}
            result.append(
                {**manifest, "metadata": {**manifest["metadata"], "labels": {**labels, **level_labels(level)}}}
            )
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
    objects = moved(rendered[stack], unique_suffix())
    (namespace,) = namespaces(objects)  # the stack's own, not its clients' (with_namespaces adds those)
    settle(kube, stage, with_namespaces(objects))
    admitted, error = create_dry_run(kube, pod("root-shell", namespace, BREAKS_RESTRICTED))
    if enforced_level(objects) == "privileged":
        assert admitted, error  # nothing breaks privileged: the level admits everything
    else:
        assert not admitted
        assert "violates PodSecurity" in error, error
        assert '"root-shell"' in error, error


@pytest.mark.parametrize("stack", STACKS)
def test_the_sysctl_init_container_is_admitted_only_where_the_namespace_allows_it(
    stack: str, kube: Kube, rendered: dict[str, list[Manifest]], stage: list[list[Manifest]]
) -> None:
    own = settle(kube, stage, with_namespaces(moved(rendered[stack], unique_suffix())))
    strict = at_level(moved(rendered[stack], unique_suffix()))
    (strict_namespace,) = namespaces(strict)
    settle(kube, stage, with_namespaces(strict))
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
    manifests = settle(kube, stage, at_level(with_namespaces(moved(rendered[stack], unique_suffix()))))
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


@pytest.fixture(scope="module", params=["baseline", "restricted"])
def dev_at_level(request: pytest.FixtureRequest, kube: Kube, rendered: dict[str, list[Manifest]]) -> Iterator[Leveled]:
    """dev's objects but its Deployment, in a fresh namespace at the level."""
    staged: list[list[Manifest]] = []
    yield Leveled(
        request.param,
        settle(kube, staged, at_level(with_namespaces(moved(rendered["dev"], unique_suffix())), request.param)),
    )
    delete_namespaces(kube, [name for manifests in staged for name in namespaces(manifests)])


# Cases of the offline catalogue (tests/manifests/test_pod_security.py) whose pod the API server finds invalid before
# Pod Security sees it, and what makes each valid again so that admission is what refuses it.
MADE_VALID = {
    # "cannot set allowPrivilegeEscalation to false and privileged to true"
    ("Privileged Containers", 0): lambda pod, container: container["securityContext"].pop("allowPrivilegeEscalation"),
    # "`hostUsers` must be false to use `Unmasked`"
    ("/proc Mount Type", 0): lambda pod, container: pod.update(hostUsers=False),
}
# A hostProcess container is valid only in a Windows pod on the host's network whose every container is one: no
# valid Linux pod has it, and the server refuses the case as invalid.
INVALID_ANYWAY = {("HostProcess", 0): "hostProcess"}


@pytest.mark.parametrize(("control", "index"), [(c, i) for c, changes in CASES.items() for i in range(len(changes))])
def test_the_server_refuses_a_pod_at_a_level_exactly_when_the_library_checker_does(
    control: str, index: int, kube: Kube, dev_at_level: Leveled
) -> None:
    """podpatterns.pod.pod_security checks pods before any resource is registered; the admission controller must agree,
    at both levels (a restricted-only control passes baseline)."""
    (workload,) = workloads(dev_at_level.manifests)
    template = copy.deepcopy(workload["spec"]["template"])
    spec, container = template["spec"], template["spec"]["containers"][0]
    CASES[control][index](spec, container, template["metadata"])
    if (control, index) in MADE_VALID:
        MADE_VALID[control, index](spec, container)
    assert control in {v.control for v in violations(spec, template["metadata"].get("annotations"))}
    probe = pod("probe", workload["metadata"]["namespace"], spec)
    probe["metadata"]["annotations"] = template["metadata"].get("annotations", {})
    admitted, error = create_dry_run(kube, probe)
    if (control, index) in INVALID_ANYWAY:
        assert "is invalid" in error, error
        assert INVALID_ANYWAY[control, index] in error, error
    elif violations(spec, template["metadata"].get("annotations"), dev_at_level.level):
        assert not admitted
        assert "violates PodSecurity" in error, error
    else:
        assert admitted, f"{control} is not a {dev_at_level.level} control, yet: {error}"


def test_the_server_admits_the_pods_the_library_checker_admits(kube: Kube, dev_at_level: Leveled) -> None:
    """The catalogue's allowed exceptions (a safe sysctl, NET_BIND_SERVICE, a localhost seccomp profile) pass."""
    (workload,) = workloads(dev_at_level.manifests)
    spec = copy.deepcopy(pod_template_spec(workload))
    spec["securityContext"]["sysctls"] = [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]
    container = spec["containers"][0]["securityContext"]
    container["capabilities"] = {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
    container["seccompProfile"] = {"type": "Localhost", "localhostProfile": "p.json"}
    assert violations(spec) == []
    admitted, error = create_dry_run(kube, pod("probe", workload["metadata"]["namespace"], spec))
    assert admitted, error


def test_strict_field_validation_is_really_on(kube: Kube, dev_at_level: Leveled) -> None:
    """The check every apply of these tests relies on: an unknown field is refused (server-side apply types every
    patch against the schema), not dropped."""
    (workload,) = workloads(dev_at_level.manifests)
    misspelt = copy.deepcopy(workload)
    misspelt["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    done = kube.run(
        "apply", "--server-side", "--validate=strict", "--dry-run=server", "--filename=-",
        stdin=json.dumps(misspelt), check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert '[name="elasticsearch"].imagePullPolcy: field not declared in schema' in done.stderr, done.stderr
