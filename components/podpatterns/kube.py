"""Small builders for the Kubernetes JSON every pattern shares: labels, security, resources."""

from __future__ import annotations

from .podmodel import Manifest

MANAGED_BY = "pod-patterns"
BUSYBOX_IMAGE = "busybox:1.36.1"
"""The small image of the shell-script containers (log tailer, sysctl init): pinned, never `latest`."""
IMAGE_PULL_POLICY = "Always"
"""Images are pinned by tag, so every start asks the registry which image the tag names: every node runs the
same one, never a stale or tampered copy in its cache, and the pod's pull credentials are checked each time
(a private image cached on a node is not free for other namespaces). The layers stay cached; the cost is
one manifest request per container start, and a registry outage delays restarts."""


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
