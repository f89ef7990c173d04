"""Pod Security Standards controls, each broken in turn: per control, the changes to a pod template (pod spec, its
first container, the template's metadata) that break it. The offline checker (tests/manifests/test_pod_security.py)
and the real API server's admission (tests/cluster/test_admission.py) must both catch every one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Change = Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], Any]
"""A change to (pod spec, container, template metadata), in place."""


def set_field(target_name: str, key: str, value: Any) -> Change:
    """Sets `key` on the pod, the container, the pod's securityContext (pod_context) or the container's (context)."""

    def change(pod: dict[str, Any], container: dict[str, Any], meta: dict[str, Any]) -> None:
        target = {"pod": pod, "container": container, "pod_context": pod["securityContext"]}.get(target_name)
        if target is None:
            target = container["securityContext"]
        target[key] = value

    return change


def remove_field(key: str) -> Change:
    """Removes `key` from the container's securityContext."""
    return lambda pod, container, meta: container["securityContext"].pop(key)


CASES: dict[str, list[Change]] = {
    "Host Namespaces": [
        set_field("pod", "hostNetwork", True),
        set_field("pod", "hostPID", True),
        set_field("pod", "hostIPC", True),
    ],
    "Privileged Containers": [set_field("context", "privileged", True)],
    "Capabilities (baseline)": [set_field("context", "capabilities", {"drop": ["ALL"], "add": ["SYS_ADMIN"]})],
    "Capabilities (restricted)": [
        set_field("context", "capabilities", {"drop": ["ALL"], "add": ["CHOWN"]}),
        set_field("context", "capabilities", {}),
    ],
    "HostPath Volumes": [lambda pod, c, m: pod["volumes"].append({"name": "host", "hostPath": {"path": "/"}})],
    "Volume Types": [lambda pod, c, m: pod["volumes"].append({"name": "nfs", "nfs": {"server": "s", "path": "/"}})],
    "Host Ports": [lambda pod, c, m: c["ports"].append({"containerPort": 80, "hostPort": 80})],
    "AppArmor": [
        set_field("context", "appArmorProfile", {"type": "Unconfined"}),
        lambda pod, c, m: m.setdefault("annotations", {}).update(
            {"container.apparmor.security.beta.kubernetes.io/elasticsearch": "unconfined"}
        ),
    ],
    "SELinux": [
        set_field("context", "seLinuxOptions", {"type": "spc_t"}),
        set_field("pod_context", "seLinuxOptions", {"user": "system_u"}),
    ],
    "/proc Mount Type": [set_field("context", "procMount", "Unmasked")],
    "Seccomp": [set_field("context", "seccompProfile", {"type": "Unconfined"})],
    "Seccomp (restricted)": [
        lambda pod, c, m: (pod["securityContext"].pop("seccompProfile"), c["securityContext"].pop("seccompProfile")),
    ],
    "Sysctls": [set_field("pod_context", "sysctls", [{"name": "kernel.msgmax", "value": "65536"}])],
    "Privilege Escalation": [
        remove_field("allowPrivilegeEscalation"),
        set_field("context", "allowPrivilegeEscalation", True),
    ],
    "Running as Non-root": [
        lambda pod, c, m: (pod["securityContext"].pop("runAsNonRoot"), c["securityContext"].pop("runAsNonRoot")),
        set_field("context", "runAsNonRoot", False),
    ],
    "Running as Non-root user": [set_field("context", "runAsUser", 0), set_field("pod_context", "runAsUser", 0)],
    "HostProcess": [set_field("context", "windowsOptions", {"hostProcess": True})],
}
