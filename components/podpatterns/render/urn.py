"""Pulumi URNs as the engine makes them: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`.

The qualified type is the chain of the parents' types and the resource's own, joined by `$`;
the root stack's type is left out. (Pulumi's mock monitor keeps only the parent's last type and
includes the root stack's, so the offline render makes its URNs here, as `pulumi up` would.)
"""

from __future__ import annotations

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def make_urn(stack: str, project: str, parent: str, resource_type: str, name: str) -> str:
    """The URN of a resource registered with `parent` (a URN, or "" for none)."""
    qualified = resource_type
    if parent and type_of(parent) != ROOT_STACK_TYPE:
        qualified = f"{qualified_type(parent)}${resource_type}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def _parts(urn: str) -> list[str]:
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        raise ValueError(f"{urn!r} is not a Pulumi URN")
    return parts


def qualified_type(urn: str) -> str:
    """The type with its parents' types: `podpatterns:index:ElasticsearchApp$kubernetes:core/v1:Service`."""
    return _parts(urn)[2]


def type_of(urn: str) -> str:
    """The resource's own type, the last of the qualified type."""
    return qualified_type(urn).rsplit("$", 1)[-1]


def name_of(urn: str) -> str:
    return _parts(urn)[3]


def stack_of(urn: str) -> str:
    return _parts(urn)[0].removeprefix("urn:pulumi:")


def project_of(urn: str) -> str:
    return _parts(urn)[1]
