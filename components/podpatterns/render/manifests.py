"""Turns recorded Kubernetes registrations into canonical YAML files: same input, same bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..pod.model import Manifest
from .offline import Recording
from .output import write_render

_FIRST_KEYS = ("apiVersion", "kind", "metadata", "name", "namespace")


def kubernetes_objects(recording: Recording) -> list[Manifest]:
    """Every Kubernetes object the program registered, as its manifest, sorted by file name.

    Patches of objects made by others (`<Kind>Patch`, such as the claims a StatefulSet makes) are not objects of
    their own: applied as manifests they would create partial objects. The render's summary lists them.
    """
    objects = [
        _normalise(dict(r.inputs))
        for r in recording.registrations
        if r.custom and r.type.startswith("kubernetes:") and not r.type.endswith("Patch") and "kind" in r.inputs
    ]
    return sorted(objects, key=file_name)


def file_name(manifest: Manifest) -> str:
    """`<kind>_<namespace>_<name>.yaml` (`<kind>_<name>.yaml` when cluster-scoped); '_' never occurs in names."""
    meta = manifest["metadata"]
    parts = [manifest["kind"].lower(), meta.get("namespace"), meta["name"]]
    return "_".join(p for p in parts if p) + ".yaml"


def _normalise(value: Any) -> Any:
    """Integral floats (the SDK sends every number as a double) back to ints; keys in a stable order."""
    if isinstance(value, dict):
        ordered = sorted(value, key=lambda k: (_FIRST_KEYS.index(k) if k in _FIRST_KEYS else len(_FIRST_KEYS), k))
        return {k: _normalise(value[k]) for k in ordered}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None  # config files stay readable in diffs
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(manifest: Manifest) -> str:
    return yaml.dump(manifest, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=120)


def manifest_files(objects: list[Manifest]) -> dict[str, str]:
    """One YAML file per object: file name -> text."""
    return {file_name(manifest): to_yaml(manifest) for manifest in objects}


def diagram_files(diagrams: dict[str, str]) -> dict[str, str]:
    """One Mermaid file per pod diagram, in `diagrams/`: relative path -> text."""
    return {f"diagrams/{name}.mmd": text for name, text in diagrams.items()}


def write_manifests(objects: list[Manifest], out: Path) -> list[Path]:
    """Write one file per object into `out`, replacing only what a previous render wrote there (see output)."""
    return write_render(out, manifest_files(objects))
