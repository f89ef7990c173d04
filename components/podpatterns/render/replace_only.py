"""Changes between two renders that Kubernetes cannot make in place: pulumi-kubernetes deletes the object and
creates it again (every pod of a workload at once), so a pull request's diff must say so.

These fields are immutable once the object exists; changing one makes the provider plan a replacement (with a
fixed `metadata.name`, delete before replace). A workload that changes name is a new object, the old one deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

LABEL = "REPLACE (downtime)"

REPLACE_ONLY_FIELDS: Mapping[str, tuple[str, ...]] = {
    "StatefulSet": ("spec.selector", "spec.serviceName", "spec.podManagementPolicy", "spec.volumeClaimTemplates"),
    "Deployment": ("spec.selector",),
    "PersistentVolumeClaim": ("spec.storageClassName", "spec.accessModes"),
    "Service": ("spec.clusterIP",),
}

NOTES: Mapping[str, str] = {
    "spec.volumeClaimTemplates": (
        "ElasticsearchApp ignores this field on its StatefulSet (ignoreChanges) and grows the claims by patches; "
        "a smaller size or another StorageClass is refused at preview (docs/operations.md)"
    ),
}


def _field(manifest: Mapping[str, Any], path: str) -> Any:
    value: Any = manifest
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _manifests(files: Mapping[str, str]) -> dict[str, Mapping[str, Any]]:
    """The rendered objects by file name (`<kind>_<namespace>_<name>.yaml`), diagrams and URNs left out."""
    loaded = {name: yaml.safe_load(text) for name, text in files.items() if name.endswith(".yaml") and "/" not in name}
    return {name: m for name, m in loaded.items() if isinstance(m, Mapping) and "kind" in m and "metadata" in m}


def _title(manifest: Mapping[str, Any]) -> str:
    meta = manifest["metadata"]
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{manifest['kind']} {where}{meta['name']}"


def replacements(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[str]:
    """One line per object the change would replace, labelled LABEL, naming the fields and why."""
    old, new = _manifests(old_files), _manifests(new_files)
    lines = []
    for name in sorted(old.keys() & new.keys()):
        before, after = old[name], new[name]
        changed = [f for f in REPLACE_ONLY_FIELDS.get(after["kind"], ()) if _field(before, f) != _field(after, f)]
        for path in changed:
            note = f" ({NOTES[path]})" if path in NOTES else ""
            lines.append(f"{LABEL}: {_title(after)}: {path} changed, which Kubernetes cannot update in place{note}")
    for kind in ("StatefulSet", "Deployment"):
        gone = [old[n] for n in sorted(old.keys() - new.keys()) if old[n]["kind"] == kind]
        come = [new[n] for n in sorted(new.keys() - old.keys()) if new[n]["kind"] == kind]
        lines += [
            f"{LABEL}: {_title(g)} is deleted and {_title(c)} created (metadata.name changed): a new workload, "
            "new claims, every pod at once"
            for g, c in zip(gone, come, strict=False)
        ]
    return lines
