"""Checks on every container of a pod: privilege, resources, images."""

import re

from .pods import Manifest, all_containers

_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def privileged_only_in_init(spec: Manifest) -> list[str]:
    """Privilege only in classic init containers: they run to completion before anything else starts."""
    return [
        f"{role} '{container.get('name')}' is privileged: only init containers may be (SysctlInit's), "
        "never a container that keeps running"
        for role, container in all_containers(spec)
        if role != "init container" and (container.get("securityContext") or {}).get("privileged") is True
    ]


def requests_and_limits(spec: Manifest) -> list[str]:
    """Every container requests and limits CPU and memory: the scheduler and the kubelet need both."""
    problems = []
    for role, container in all_containers(spec):
        if role == "ephemeral container":
            continue  # Kubernetes does not allow resources on ephemeral containers
        resources = container.get("resources") or {}
        missing = [
            f"{kind}.{resource}"
            for kind in ("requests", "limits")
            for resource in ("cpu", "memory")
            if not (resources.get(kind) or {}).get(resource)
        ]
        if missing:
            problems.append(f"{role} '{container.get('name')}' has no {', '.join(missing)}")
    return problems


def image_problem(image: str) -> str | None:
    """Why an image reference is not pinned, or None: a version tag (not latest) or a sha256 digest."""
    if _DIGEST.search(image):
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (it means latest)"
    if last.rsplit(":", 1)[1] == "latest":
        return "is tagged latest"
    return None


def pinned_images(spec: Manifest) -> list[str]:
    """Every image names a version or a digest, so that a pod restart cannot change what runs."""
    problems = []
    for role, container in all_containers(spec):
        problem = image_problem(str(container.get("image", "")))
        if problem:
            problems.append(f"{role} '{container.get('name')}' image {container.get('image')!r} {problem}")
    return problems
