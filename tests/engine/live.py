"""What the engine made, compared with what the offline render says it should make."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from podpatterns.elasticsearch.transport import ROTATION_ANNOTATION as TRANSPORT_ROTATION_ANNOTATION
from podpatterns.pod.model import Manifest
from podpatterns.render import kubernetes_objects, run_offline
from podpatterns.render.offline import SECRET_PLACEHOLDER
from podpatterns.tls.contribution import ROTATION_ANNOTATION

# The offline render's stand-ins for values that exist only at deploy time (keys, certificates), and the fields
# computed from them (the hash of the certificates, which rolls the pods when they change).
_PLACEHOLDER = re.compile(r"\[known after deploy: |" + re.escape(SECRET_PLACEHOLDER))
_DEPLOY_TIME_FIELDS = {ROTATION_ANNOTATION, TRANSPORT_ROTATION_ANNOTATION}


def deployed_objects(directory: Path, stack: str) -> list[Manifest]:
    """What `pulumi up` of the project's stack makes: the offline render's objects, and the patches of the claims the
    StatefulSet makes (the engine keeps both in the state)."""
    recording = run_offline(directory, stack)
    patches = [
        dict(r.inputs) for r in recording.registrations if r.custom and r.type.startswith("kubernetes:core/v1:")
        and r.type.endswith("Patch")
    ]  # fmt: skip
    return kubernetes_objects(recording) + patches


def key(manifest: Manifest) -> tuple[str, str, str]:
    """(kind, namespace, name): an object's identity in the cluster."""
    metadata = manifest["metadata"]
    return manifest["kind"], metadata.get("namespace", ""), metadata["name"]


def differences(expected: Any, live: Any, path: str = "") -> list[str]:
    """Where the live value differs from the rendered one; fields only the server set (its defaults) are ignored.

    A rendered value that stands for a deploy-time value (a placeholder, a string built around one, the hash of the
    certificates) matches any live string, and a Secret's stringData is compared with the live data it became.
    """
    if isinstance(expected, dict) and isinstance(live, dict):
        return [d for name, value in expected.items() for d in _field_differences(name, value, live, path)]
    if isinstance(expected, list) and isinstance(live, list) and len(live) == len(expected):
        pairs = enumerate(zip(expected, live, strict=True))
        return [d for i, (e, v) in pairs for d in differences(e, v, f"{path}[{i}]")]
    if isinstance(expected, str) and _PLACEHOLDER.search(expected) and isinstance(live, str):
        return []
    if isinstance(expected, dict | list) or str(expected) != str(live):
        return [f"{path}: {live!r} where {expected!r} was rendered"]
    return []


def _field_differences(name: str, value: Any, live: dict[str, Any], path: str) -> list[str]:
    if name == "stringData" and "data" in live:
        return differences(value, _decoded(live["data"]), f"{path}.data")
    if name not in live:
        return [f"{path}.{name}: missing (rendered {value!r})"]
    if name in _DEPLOY_TIME_FIELDS and isinstance(live[name], str):
        return []
    return differences(value, live[name], f"{path}.{name}")


def _decoded(data: dict[str, str]) -> dict[str, str]:
    return {name: base64.b64decode(value).decode(errors="replace") for name, value in data.items()}


def kubernetes_urn_keys(state: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(kind, namespace, name) of every Kubernetes object in a `pulumi stack export`."""
    found = set()
    for resource in state["deployment"].get("resources", []):
        outputs = resource.get("outputs", {})
        if resource["type"].startswith("kubernetes:") and "kind" in outputs and "metadata" in outputs:
            found.add(key(outputs))
    return found


def state_resources(state: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in state["deployment"].get("resources", []) if r["type"] == type_]


def rendered_keys(manifests: Iterable[Manifest]) -> set[tuple[str, str, str]]:
    return {key(m) for m in manifests}
