"""Small builders for the Kubernetes JSON every pattern shares: labels, security, resources."""

from __future__ import annotations

from .pod.model import Manifest

MANAGED_BY = "pod-patterns"
BUSYBOX_IMAGE = "busybox:1.36.1"
"""The small image of the shell-script containers (log tailer, sysctl init): pinned, never `latest`."""
IMAGE_PULL_POLICY = "IfNotPresent"
"""Every image is pinned to a release tag or a digest, which names one image for good: a node that has it
starts the container from its cache, so a registry outage cannot block restarts (with `Always` every start
asks the registry first). A private image cached on a node is then usable by other pods of that node: keep
private images behind per-node pull credentials or the `AlwaysPullImages` admission plugin where that matters."""


def selector_labels(app: str) -> dict[str, str]:
    """Labels that select one application's pods; never change them on a live workload."""
    return {"app.kubernetes.io/name": app, "app.kubernetes.io/instance": app}


def common_labels(app: str, component: str) -> dict[str, str]:
    return {
        **selector_labels(app),
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    }


def restricted_security_context(user: int, group: int | None = None) -> Manifest:
    """A container security context that passes Pod Security "restricted"."""
    return {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsGroup": user if group is None else group,
        "runAsNonRoot": True,
        "runAsUser": user,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def resources(cpu_request: str, cpu_limit: str, memory_request: str, memory_limit: str) -> Manifest:
    return {
        "limits": {"cpu": cpu_limit, "memory": memory_limit},
        "requests": {"cpu": cpu_request, "memory": memory_request},
    }


def metadata(
    name: str, namespace: object, labels: dict[str, str], annotations: dict[str, str] | None = None
) -> Manifest:
    """`namespace` is a name, or a Pulumi Input of one (a WorkloadTarget's may be an Output)."""
    meta: Manifest = {"name": name, "namespace": namespace, "labels": labels}
    if annotations:
        meta["annotations"] = annotations
    return meta
