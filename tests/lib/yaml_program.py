"""A Pulumi YAML program evaluated offline, as the engine would run it against the component package.

Its resources in order: each component constructed through the provider (tests/lib/package_host.py), each Kubernetes
resource taken as the manifest it declares; every `${resource.path}` in their properties stands for that
resource's output as the engine sends it, an output carrying the resource as a dependency.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from podpatterns.pod.model import Manifest
from podpatterns.render import Recording

from .package_host import EngineOutput, construct

REFERENCE = re.compile(r"\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_.]+)\}")
"""A whole property that is another resource's output, `${resource.path.to.it}`."""
YAML_NAMESPACE = "search-yaml"
"""The example's namespace: the dev stack's settings but this (the engine tests deploy the dev stack too)."""


@dataclass
class Evaluated:
    """What the program made."""

    states: dict[str, Any] = field(default_factory=dict)
    """Each resource's outputs: a component's state, a Kubernetes object's own properties."""
    recordings: dict[str, Recording] = field(default_factory=dict)
    """What each component registered."""
    manifests: list[Manifest] = field(default_factory=list)
    """The program's own Kubernetes objects, references resolved to their values."""


def evaluate(program: Mapping[str, Any], project: str = "test") -> Evaluated:
    """The program's resources, in the order written (each refers only to resources above it)."""
    made = Evaluated()
    for name, resource in program["resources"].items():
        properties = _resolve(resource["properties"], made.states, project)
        token = resource["type"]
        if token.startswith("podpatterns:"):
            made.recordings[name], made.states[name] = construct(token.rsplit(":", 1)[-1], properties, name=name)
        else:
            plain = _values(properties)
            made.states[name] = plain
            made.manifests.append({"apiVersion": api_version(token), "kind": token.rsplit(":", 1)[-1], **plain})
    return made


def api_version(token: str) -> str:
    """`kubernetes:apps/v1:Deployment` -> apps/v1; the core group has no name: `kubernetes:core/v1:Pod` -> v1."""
    group_version = token.split(":")[1]
    return group_version.removeprefix("core/")


def urn(resource: str, project: str = "test") -> str:
    """The URN a reference's dependency names (enough to tell resources apart)."""
    return f"urn:pulumi:{project}::{resource}"


def _resolve(value: Any, states: Mapping[str, Any], project: str) -> Any:
    if isinstance(value, str) and (match := REFERENCE.fullmatch(value)):
        resource, path = match.groups()
        found: Any = states[resource]
        for step in path.split("."):
            found = found[step]
        return EngineOutput(_values(found), [urn(resource, project)])
    if isinstance(value, dict):
        return {k: _resolve(v, states, project) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, states, project) for v in value]
    return value


def _values(value: Any) -> Any:
    if isinstance(value, EngineOutput):
        return _values(value.value)
    if isinstance(value, dict):
        return {k: _values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_values(v) for v in value]
    return value


def in_namespace(manifest: dict[str, Any], rendered: str, namespace: str) -> dict[str, Any]:
    """`manifest` with the rendered namespace, wherever it appears (metadata, DNS names, URLs), replaced."""
    moved: dict[str, Any] = json.loads(json.dumps(manifest).replace(rendered, namespace))
    return moved
