"""A pod's volumes as host directories, as the kubelet prepares them before any container starts.

ConfigMap and Secret keys become files (`items`, `defaultMode` and per-item `mode` honoured; Secret
placeholders for generated certificates resolved to real ones), an emptyDir an empty world-writable
directory (`medium: Memory`: a tmpfs, mounted by the pod's pause process so that all containers
share it), a projected service account token a token file, a StatefulSet's volume claim a directory.
With a pod `fsGroup`, volumes belong to that group, as the kubelet makes them.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podpatterns.pod.model import Manifest

ObjectLookup = Callable[[str, str], Manifest | None]
"""(kind, name) -> the object in the pod's namespace, or None."""
TokenSource = Callable[[str | None, int], str]
"""(audience or None for the API server's own, lifetime in seconds) -> a token of the pod's ServiceAccount."""


class VolumeError(ValueError):
    """A volume the harness cannot provide: names the volume and what is missing."""


@dataclass(frozen=True)
class Volume:
    path: Path
    memory: str | None = None
    """tmpfs mount options when the volume is `medium: Memory`."""


def prepare_volumes(
    spec: Manifest,
    claim_templates: list[Manifest],
    objects: ObjectLookup,
    directory: Path,
    *,
    claims: Path | None = None,
    token: TokenSource | None = None,
) -> dict[str, Volume]:
    """Every volume of the pod `spec` and every claim template, by name, under `directory`; the claims under
    `claims` instead when given, kept as they are when they exist (a StatefulSet pod started again keeps its data);
    projected tokens from `token` (default: a placeholder of a token's shape)."""
    fs_group = spec.get("securityContext", {}).get("fsGroup")
    volumes: dict[str, Volume] = {}
    for volume in spec.get("volumes", []):
        volumes[volume["name"]] = _prepare(volume, objects, directory / volume["name"], fs_group, token)
    for claim in claim_templates:
        name = claim["metadata"]["name"]
        kept = claims / name if claims is not None else None
        if kept is not None and kept.is_dir():
            volumes[name] = Volume(kept)
        else:
            volumes[name] = _empty_dir(kept or directory / name, fs_group)
    return volumes


def _prepare(
    volume: Manifest, objects: ObjectLookup, path: Path, fs_group: int | None, token: TokenSource | None
) -> Volume:
    name = volume["name"]
    if "emptyDir" in volume:
        prepared = _empty_dir(path, fs_group)
        if volume["emptyDir"].get("medium") == "Memory":
            size = volume["emptyDir"].get("sizeLimit")
            options = "mode=1777" + (f",size={size.removesuffix('i')}" if size else "")
            return Volume(prepared.path, memory=options + (f",gid={fs_group}" if fs_group is not None else ""))
        return prepared
    path.mkdir(parents=True)
    path.chmod(0o755)
    if "configMap" in volume or "secret" in volume:
        _write_keys(name, volume, objects, path, fs_group)
    elif "projected" in volume:
        for source in volume["projected"]["sources"]:
            if "serviceAccountToken" in source:
                wanted = source["serviceAccountToken"]
                # The API server's defaults: its own audience, one hour.
                text = token(wanted.get("audience"), wanted.get("expirationSeconds", 3600)) if token else _TOKEN
                _write(path / wanted["path"], text, 0o644, fs_group)
            elif "configMap" in source or "secret" in source:
                _write_keys(name, source, objects, path, fs_group, default_mode=volume["projected"].get("defaultMode"))
            else:
                raise VolumeError(f"volume '{name}': projected source {sorted(source)} is not supported")
    else:
        raise VolumeError(f"volume '{name}': type {sorted(set(volume) - {'name'})} is not supported")
    return Volume(path)


_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOlsidmF1bHQiXX0.c3RhbmQtaW4"  # a service account token's shape
"""A placeholder projected service account token: the Vault agent stand-in only needs to read it."""


def _empty_dir(path: Path, fs_group: int | None) -> Volume:
    path.mkdir(parents=True)
    path.chmod(0o777)
    if fs_group is not None:
        _group(path, fs_group)
        path.chmod(0o2777)
    return Volume(path)


def _write_keys(
    volume_name: str,
    source: Manifest,
    objects: ObjectLookup,
    path: Path,
    fs_group: int | None,
    *,
    default_mode: int | None = None,
) -> None:
    kind = "ConfigMap" if "configMap" in source else "Secret"
    reference = source["configMap"] if kind == "ConfigMap" else source["secret"]
    object_name = reference["name"] if kind == "ConfigMap" else reference["secretName"]
    found = objects(kind, object_name)
    if found is None:
        if reference.get("optional"):
            return
        raise VolumeError(f"volume '{volume_name}': {kind} '{object_name}' does not exist in the pod's namespace")
    data = keys_of(found)
    mode = reference.get("defaultMode", default_mode if default_mode is not None else 0o644)
    items = reference.get("items") or [{"key": key, "path": key} for key in data]
    for item in items:
        if item["key"] not in data:
            raise VolumeError(f"volume '{volume_name}': {kind} '{object_name}' has no key '{item['key']}'")
        _write(path / item["path"], data[item["key"]], item.get("mode", mode), fs_group)


def keys_of(found: Manifest) -> dict[str, str]:
    """A ConfigMap's or Secret's keys and their text (`data` of a Secret is base64)."""
    if found["kind"] == "Secret":
        decoded = {k: base64.b64decode(v).decode() for k, v in found.get("data", {}).items()}
        return {**decoded, **found.get("stringData", {})}
    binary = {k: base64.b64decode(v).decode() for k, v in found.get("binaryData", {}).items()}
    return {**found.get("data", {}), **binary}


def _write(path: Path, text: str, mode: int, fs_group: int | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    if fs_group is not None:
        _group(path, fs_group)


def _group(path: Path, gid: int) -> None:
    os.chown(path, -1, gid)
