"""The one-screen summary of a render: the component tree, then each pod's containers, ports, volumes."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ..pod.model import Manifest
from .offline import Recording, Registration


def summary(recording: Recording, objects: list[Manifest]) -> str:
    lines = [f"Stack {recording.stack}"]
    lines += _tree(recording.registrations)
    for manifest in objects:
        template = manifest.get("spec", {}).get("template")
        if template:
            lines += _pod(manifest, template["spec"], manifest["spec"].get("volumeClaimTemplates", []))
    if recording.outputs:
        lines.append("Outputs")
        lines += [f"  {name}: {_short(value)}" for name, value in sorted(recording.outputs.items())]
    return "\n".join(lines)


def _tree(registrations: list[Registration]) -> list[str]:
    """Components as a tree; each one's own resources on one line (kind and count), to fit a screen."""
    children: dict[str, list[Registration]] = defaultdict(list)
    known = {r.urn for r in registrations}
    for registration in registrations:
        children[registration.parent if registration.parent in known else ""].append(registration)

    lines: list[str] = []

    def walk(parent: str, indent: str) -> None:
        components = sorted((r for r in children[parent] if not r.custom), key=lambda r: (r.type, r.name))
        kinds = Counter(r.type.rsplit(":", 1)[-1] for r in children[parent] if r.custom)
        if kinds:
            owned = ", ".join(f"{kind} x{count}" if count > 1 else kind for kind, count in sorted(kinds.items()))
            lines.append(f"{indent}{'│  ' if components else '   '}{owned}")
        for index, item in enumerate(components):
            last = index == len(components) - 1
            lines.append(f"{indent}{'└─' if last else '├─'} {item.type} {item.name}")
            walk(item.urn, indent + ("   " if last else "│  "))

    walk("", "")
    return lines


def _pod(workload: Manifest, spec: dict[str, Any], claims: list[Manifest]) -> list[str]:
    meta = workload["metadata"]
    lines = [f"Pod of {workload['kind']} {meta.get('namespace', '')}/{meta['name']}"]
    for container in spec.get("initContainers", []):
        role = "sidecar" if container.get("restartPolicy") == "Always" else "init"
        lines.append(_container(role, container))
    lines += [_container("main", container) for container in spec.get("containers", [])]
    volumes = [f"{v['name']}({next(k for k in v if k != 'name')})" for v in spec.get("volumes", [])]
    volumes += [f"{c['metadata']['name']}(claim {c['spec']['resources']['requests']['storage']})" for c in claims]
    lines.append("  volumes: " + (" ".join(volumes) or "-"))
    return lines


def _container(role: str, container: dict[str, Any]) -> str:
    ports = " ".join(f"{p['containerPort']}/{p.get('name', '')}" for p in container.get("ports", []))
    # The columns' widths are minimums: a longer value still keeps a space before the next.
    return f"  {role:<7} {container['name']:<23} {ports or '-':<23} {container['image']}"


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 100 else text[:97] + "..."
