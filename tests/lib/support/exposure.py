"""Finds secret material anywhere but where Kubernetes keeps secrets: a Secret's data and stringData.

Every string of every object (keys too, and whatever base64 text decodes to) is searched for a PEM
private key block and for each known secret value; outputs are searched everywhere.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PEM_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
SECRET_FIELDS = ("data", "stringData")
_BASE64 = re.compile(r"^[A-Za-z0-9+/\s]{16,}={0,2}$")


@dataclass(frozen=True)
class Exposure:
    where: str
    """Object and path, e.g. `ConfigMap search/app: data.nginx.conf`."""
    what: str
    """Which secret: `a PEM private key` or the name of the value."""


def exposures(
    objects: Sequence[Mapping[str, Any]], outputs: Mapping[str, Any], secrets: Mapping[str, str]
) -> list[Exposure]:
    """Every place a private key or one of `secrets` (name -> value) appears in the open."""
    found: list[Exposure] = []
    for manifest in objects:
        meta = manifest.get("metadata", {})
        label = f"{manifest.get('kind')} {meta.get('namespace', '')}/{meta.get('name')}"
        for path, text in _strings(manifest, ""):
            if manifest.get("kind") == "Secret" and path.split(".", 1)[0] in SECRET_FIELDS:
                continue
            found += [Exposure(f"{label}: {path}", what) for what in _secrets_in(text, secrets)]
    for path, text in _strings(outputs, ""):
        found += [Exposure(f"stack output {path}", what) for what in _secrets_in(text, secrets)]
    return found


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _strings(item, child)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def _secrets_in(text: str, secrets: Mapping[str, str]) -> list[str]:
    texts = [text, *_decoded(text)]
    found = ["a PEM private key"] if any(PEM_PRIVATE_KEY.search(t) for t in texts) else []
    return found + [name for name, value in secrets.items() if any(value in t for t in texts)]


def _decoded(text: str) -> list[str]:
    """`text` as base64 (ConfigMap binaryData, a Secret copied elsewhere), when it is that."""
    if not _BASE64.match(text):
        return []
    try:
        return [base64.b64decode(text, validate=False).decode()]
    except (binascii.Error, UnicodeDecodeError):
        return []


def uncovered_paths(inputs: Mapping[str, Any], secret_paths: Sequence[str], value: str) -> list[str]:
    """Input paths holding `value` that are not Pulumi secrets (neither the path nor a parent of it is)."""

    def covered(path: str) -> bool:
        return any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in secret_paths)

    return [path for path, text in _strings(inputs, "") if value in text and not covered(path)]
