"""The Pod Security Standards' "baseline" and "restricted" controls (policy version 1.33), as pure checks on
a pod spec, the way the PodSecurity admission controller applies them.

`violations(spec, annotations, level)` lists every control of `level` a pod breaks, each naming the
container (or the pod) and the field; an empty list means the pod passes. `check_pod_security` raises
PodSecurityError listing them all: the workloads check their merged pod with it before anything is
registered, since the API server would refuse such pods only once the controller creates them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..settings.engine import ArgumentError

LEVELS = ("restricted", "baseline", "privileged")
"""The Pod Security levels, strictest first; "privileged" allows everything (no check)."""
RESTRICTED_ONLY = frozenset(
    {
        "Volume Types",
        "Privilege Escalation",
        "Running as Non-root",
        "Running as Non-root user",
        "Seccomp (restricted)",
        "Capabilities (restricted)",
    }
)
"""Controls of "restricted" that "baseline" does not have."""

BASELINE_CAPABILITIES = frozenset(
    [
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    ]
)
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
RESTRICTED_VOLUME_TYPES = frozenset(
    {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
)
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


@dataclass(frozen=True)
class Violation:
    where: str
    """`pod`, or `container <name>`."""
    control: str
    """The control's name in the Pod Security Standards."""
    detail: str

    @property
    def level(self) -> str:
        """The strictest level that has this control."""
        return "restricted" if self.control in RESTRICTED_ONLY else "baseline"

    def __str__(self) -> str:
        return f"{self.where}: {self.control}: {self.detail}"


class PodSecurityError(ArgumentError):
    """A pod breaks its namespace's Pod Security level; `str()` lists every violation by container and field."""

    def __init__(self, workload: str, level: str, found: list[Violation]) -> None:
        self.violations = found
        lines = "\n".join(f"  {violation}" for violation in found)
        super().__init__(
            f"the pod of {workload} breaks Pod Security {level!r}, which its namespace enforces; the API server "
            f"would refuse it:\n{lines}\nFix each container's securityContext (podpatterns.kube."
            "restricted_security_context(uid) is one that passes), or, if the namespace really enforces a lower "
            "level, say so (pod_security)."
        )


def check_pod_security(
    workload: str,
    spec: Mapping[str, Any],
    annotations: Mapping[str, str] | None,
    level: str,
    exempt: Collection[str] = (),
) -> None:
    """Raise PodSecurityError if the pod spec breaks `level`; containers named in `exempt` are not checked."""
    if level not in LEVELS:
        raise ValueError(f"Pod Security level {level!r} is not one of {', '.join(LEVELS)}")
    exempted = {f"container {name}" for name in exempt}
    found = [v for v in violations(spec, annotations, level) if v.where not in exempted]
    if found:
        raise PodSecurityError(workload, level, found)


def containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every container the kubelet runs: init (including native sidecars), regular and ephemeral."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from spec.get(key) or []


def violations(
    spec: Mapping[str, Any], annotations: Mapping[str, str] | None = None, level: str = "restricted"
) -> list[Violation]:
    """Every control of `level` (restricted includes baseline; privileged has none) the pod breaks."""
    if level == "privileged":
        return []
    found = list(_pod_violations(spec, annotations or {}))
    for container in containers(spec):
        where = f"container {container['name']}"
        found += [Violation(where, control, detail) for control, detail in _container_problems(spec, container)]
    return [v for v in found if level == "restricted" or v.level == "baseline"]


def _pod_violations(spec: Mapping[str, Any], annotations: Mapping[str, str]) -> Iterator[Violation]:
    context = spec.get("securityContext") or {}
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            yield Violation("pod", "Host Namespaces", f"{field}: true")
    if (context.get("windowsOptions") or {}).get("hostProcess"):
        yield Violation("pod", "HostProcess", "windowsOptions.hostProcess: true")
    for volume in spec.get("volumes") or []:
        kind = next(key for key in volume if key != "name")
        if kind == "hostPath":
            yield Violation("pod", "HostPath Volumes", f"volume {volume['name']}")
        if kind not in RESTRICTED_VOLUME_TYPES:
            yield Violation("pod", "Volume Types", f"volume {volume['name']} is {kind}")
    for sysctl in context.get("sysctls") or []:
        if sysctl["name"] not in SAFE_SYSCTLS:
            yield Violation("pod", "Sysctls", f"{sysctl['name']} is not in the safe set")
    yield from (Violation("pod", control, detail) for control, detail in _context_problems(context, "pod"))
    if context.get("runAsUser") == 0:
        yield Violation("pod", "Running as Non-root user", "runAsUser: 0")
    for key, value in annotations.items():
        if key.startswith(APPARMOR_ANNOTATION) and value != "runtime/default" and not value.startswith("localhost/"):
            yield Violation("pod", "AppArmor", f"annotation {key}: {value}")


def _context_problems(context: Mapping[str, Any], level: str) -> Iterator[tuple[str, str]]:
    """Controls a pod-level and a container-level securityContext share."""
    apparmor = (context.get("appArmorProfile") or {}).get("type")
    if apparmor not in (None, "RuntimeDefault", "Localhost"):
        yield "AppArmor", f"{level} appArmorProfile.type: {apparmor}"
    selinux = context.get("seLinuxOptions") or {}
    if selinux.get("type", "") not in SELINUX_TYPES or selinux.get("user") or selinux.get("role"):
        yield "SELinux", f"{level} seLinuxOptions: {dict(selinux)}"
    if (context.get("seccompProfile") or {}).get("type") == "Unconfined":
        yield "Seccomp", f"{level} seccompProfile.type: Unconfined"


def _container_problems(pod: Mapping[str, Any], container: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    context = container.get("securityContext") or {}
    pod_context = pod.get("securityContext") or {}
    if context.get("privileged"):
        yield "Privileged Containers", "privileged: true"
    if (context.get("windowsOptions") or {}).get("hostProcess"):
        yield "HostProcess", "windowsOptions.hostProcess: true"
    capabilities = context.get("capabilities") or {}
    added = set(capabilities.get("add") or [])
    if added - BASELINE_CAPABILITIES:
        yield "Capabilities (baseline)", f"adds {sorted(added - BASELINE_CAPABILITIES)}"
    if added - {"NET_BIND_SERVICE"}:
        yield "Capabilities (restricted)", f"adds {sorted(added - {'NET_BIND_SERVICE'})}"
    if "ALL" not in (capabilities.get("drop") or []):
        yield "Capabilities (restricted)", "does not drop ALL"
    if any(port.get("hostPort") for port in container.get("ports") or []):
        yield "Host Ports", "hostPort set"
    if context.get("procMount", "Default") != "Default":
        yield "/proc Mount Type", f"procMount: {context['procMount']}"
    yield from _context_problems(context, "container")
    if context.get("allowPrivilegeEscalation") is not False:
        yield "Privilege Escalation", "allowPrivilegeEscalation is not false"
    non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
    if non_root is not True:
        yield "Running as Non-root", "runAsNonRoot is not true (container or pod)"
    if context.get("runAsUser") == 0:
        yield "Running as Non-root user", "runAsUser: 0"
    seccomp = (context.get("seccompProfile") or pod_context.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        yield (
            "Seccomp (restricted)",
            f"seccompProfile.type is {seccomp} (container or pod), not RuntimeDefault or Localhost",
        )
