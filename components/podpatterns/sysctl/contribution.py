"""What SysctlInit adds to a pod (pure functions): pod sysctls, and at most one privileged init container."""

from __future__ import annotations

from ..kube import IMAGE_PULL_POLICY, resources
from ..pod.model import Manifest, PodContribution
from ..templating import read_template
from .settings import SysctlInitSettings

CONTAINER = "sysctl-init"


def sysctl_command(node_sysctls: list[tuple[str, str]]) -> list[str]:
    """`sh -c <templates/sysctl-init.sh> sysctl-init name=value ...`: raises each if lower, never lowers."""
    return ["sh", "-c", read_template("sysctl-init.sh"), CONTAINER, *(f"{n}={v}" for n, v in node_sysctls)]


def sysctl_contribution(settings: SysctlInitSettings, source: str) -> PodContribution:
    """Namespaced sysctls in the pod's securityContext; node-level ones by a privileged init container.

    The init container is the pod's only privileged one: root, `privileged: true` (only a privileged
    container gets a writable /proc/sys), tiny resources, read-only root filesystem, and it exits in
    milliseconds. The pod must not mount a service-account token (the workload's job).
    """
    namespaced, node = settings.split()
    init = [_init_container(settings.image, node)] if node else []
    return PodContribution(
        source=source,
        init_containers=init,
        pod_sysctls=[{"name": name, "value": value} for name, value in namespaced],
    )


def _init_container(image: str, node_sysctls: list[tuple[str, str]]) -> Manifest:
    return {
        "name": CONTAINER,
        "image": image,
        "imagePullPolicy": IMAGE_PULL_POLICY,
        "command": sysctl_command(node_sysctls),
        "resources": resources("10m", "50m", "8Mi", "16Mi"),
        # allowPrivilegeEscalation must not be false beside privileged: true (the API server refuses it).
        "securityContext": {
            "privileged": True,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": False,
            "runAsUser": 0,
            "runAsGroup": 0,
        },
    }
