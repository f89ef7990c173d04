"""Pod Security Standards: every rendered pod passes "restricted", but the sysctl init container in `init` mode,
and every namespace the library creates enforces the strictest level its pods allow.

The controls are checked in pure Python (podpatterns.pod.pod_security, the library's own check), the checker is
shown to catch each kind of violation, and the namespaces' labels are checked against the pods they hold.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from podpatterns.pod.model import Manifest
from podpatterns.pod.pod_security import Violation, violations

from ..conftest import STACKS
from ..lib.pod_security_cases import CASES

SYSCTL_INIT = "container sysctl-init"
SYSCTL_INIT_VIOLATIONS = {
    "Privileged Containers",
    "Capabilities (restricted)",
    "Privilege Escalation",
    "Running as Non-root",
    "Running as Non-root user",
    "Seccomp (restricted)",
}
"""What the privileged init container breaks, and nothing else: it is root and privileged by design."""


def pod_templates(manifests: list[Manifest]) -> list[tuple[str, Manifest]]:
    """(kind/name, pod template) of every workload."""
    return [
        (f"{m['kind']}/{m['metadata']['name']}", m["spec"]["template"])
        for m in manifests
        if m["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job")
    ]


def stack_sysctl_mode(manifests: list[Manifest]) -> bool:
    return any(
        c["name"] == "sysctl-init" for _, t in pod_templates(manifests) for c in t["spec"].get("initContainers", [])
    )


@pytest.mark.parametrize("stack", STACKS)
def test_every_pod_passes_restricted_but_the_sysctl_init_container(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    templates = pod_templates(rendered[stack])
    assert templates
    for workload, template in templates:
        found = violations(template["spec"], template["metadata"].get("annotations"))
        others = [v for v in found if v.where != SYSCTL_INIT]
        assert others == [], workload
        assert {v.control for v in found if v.where == SYSCTL_INIT} <= SYSCTL_INIT_VIOLATIONS


def test_the_sysctl_init_container_is_there_only_in_init_mode(rendered: dict[str, list[Manifest]]) -> None:
    # dev and staging run without mmap (sysctl.mode none, namespaces restricted); prod raises vm.max_map_count.
    assert {stack: stack_sysctl_mode(objects) for stack, objects in rendered.items()} == {
        "dev": False,
        "prod": True,
        "staging": False,
    }


@pytest.mark.parametrize("stack", STACKS)
def test_namespaces_enforce_the_strictest_level_their_pods_allow(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    (namespace,) = [m for m in rendered[stack] if m["kind"] == "Namespace"]
    labels = namespace["metadata"]["labels"]
    privileged = any(violations(t["spec"]) for _, t in pod_templates(rendered[stack]))
    enforced = "privileged" if privileged else "restricted"
    assert labels["pod-security.kubernetes.io/enforce"] == enforced
    assert labels["pod-security.kubernetes.io/audit"] == "restricted"  # the exception stays in the audit log
    assert labels["pod-security.kubernetes.io/warn"] == enforced  # no warning at every apply for a chosen level
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "v1.33"  # the stacks' kubernetesVersion


# The checker catches each control: a restricted pod (dev's), broken one field at a time.


def broken(rendered: dict[str, list[Manifest]], change: Any) -> list[Violation]:
    (workload,) = [m for m in rendered["dev"] if m["kind"] == "Deployment"]
    template = copy.deepcopy(workload["spec"]["template"])
    change(template["spec"], template["spec"]["containers"][0], template["metadata"])
    return violations(template["spec"], template["metadata"].get("annotations"))


def test_the_unbroken_pod_passes(rendered: dict[str, list[Manifest]]) -> None:
    assert broken(rendered, lambda pod, container, meta: None) == []


@pytest.mark.parametrize(("control", "index"), [(c, i) for c, changes in CASES.items() for i in range(len(changes))])
def test_the_checker_catches_each_control(control: str, index: int, rendered: dict[str, list[Manifest]]) -> None:
    assert control in {v.control for v in broken(rendered, CASES[control][index])}


def test_safe_sysctls_and_net_bind_service_are_allowed(rendered: dict[str, list[Manifest]]) -> None:
    def change(pod: dict[str, Any], container: dict[str, Any], meta: dict[str, Any]) -> None:
        pod["securityContext"]["sysctls"] = [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]
        container["securityContext"]["capabilities"] = {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
        container["securityContext"]["seccompProfile"] = {"type": "Localhost", "localhostProfile": "p.json"}

    assert broken(rendered, change) == []
