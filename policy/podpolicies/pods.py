"""Where pod templates live in Kubernetes objects, and the containers of a pod spec by role."""

from collections.abc import Iterator, Mapping
from typing import Any

Manifest = Mapping[str, Any]

_POD_SPEC_PATHS = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
WORKLOAD_TYPES = {
    "kubernetes:core/v1:Pod": "Pod",
    "kubernetes:apps/v1:Deployment": "Deployment",
    "kubernetes:apps/v1:StatefulSet": "StatefulSet",
    "kubernetes:apps/v1:DaemonSet": "DaemonSet",
    "kubernetes:apps/v1:ReplicaSet": "ReplicaSet",
    "kubernetes:batch/v1:Job": "Job",
    "kubernetes:batch/v1:CronJob": "CronJob",
}
"""Pulumi resource types of the kinds that hold a pod template."""


def pod_spec(resource_type: str, props: Manifest) -> Manifest | None:
    """The pod spec of a workload resource, or None for any other resource."""
    kind = WORKLOAD_TYPES.get(resource_type)
    if kind is None:
        return None
    spec: Any = props
    for key in _POD_SPEC_PATHS[kind]:
        spec = spec.get(key) if isinstance(spec, Mapping) else None
    return spec if isinstance(spec, Mapping) else None


def pod_labels(resource_type: str, props: Manifest) -> Mapping[str, str]:
    """The labels of the pods a workload creates."""
    kind = WORKLOAD_TYPES.get(resource_type)
    if kind == "Pod":
        return props.get("metadata", {}).get("labels") or {}
    path = _POD_SPEC_PATHS.get(kind or "", ())[:-1]
    template: Any = props
    for key in path:
        template = template.get(key) if isinstance(template, Mapping) else None
    metadata = template.get("metadata", {}) if isinstance(template, Mapping) else {}
    return metadata.get("labels") or {}


def all_containers(spec: Manifest) -> Iterator[tuple[str, Manifest]]:
    """(role, container): role is "container", "init container" or "native sidecar" (restartPolicy Always)."""
    for container in spec.get("containers") or []:
        yield "container", container
    for container in spec.get("initContainers") or []:
        yield ("native sidecar" if container.get("restartPolicy") == "Always" else "init container"), container
    for container in spec.get("ephemeralContainers") or []:
        yield "ephemeral container", container
