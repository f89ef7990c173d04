"""The multi-language package: its schema inferred offline by the SDK's own analyzer, and what derives from it."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from podpatterns import package
from podpatterns.reference import components as component_reference
from podpatterns.reference import typed_args

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "components" / "schema.json"
STALE = "stale: run scripts/update-reference and review the diff"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return package.schema()


def test_schema_matches_the_committed_snapshot(schema: dict[str, Any]) -> None:
    assert json.loads(SNAPSHOT.read_text()) == schema, f"components/schema.json is {STALE}"


def test_every_component_and_every_argument_is_in_the_schema(schema: dict[str, Any]) -> None:
    tokens = {f"podpatterns:index:{c.__name__}" for c in package.COMPONENTS}
    assert set(schema["resources"]) == tokens
    for component in package.COMPONENTS:
        args_class = component.__init__.__annotations__["args"]
        inputs = schema["resources"][f"podpatterns:index:{component.__name__}"]["inputProperties"]
        assert set(inputs) == {_camel(key) for key in args_class.__annotations__}, component.__name__


def test_nested_arguments_are_complete_down_to_every_settings_key(schema: dict[str, Any]) -> None:
    for settings, name in typed_args.NESTED.items():
        properties = schema["types"][f"podpatterns:index:{name}"]["properties"]
        assert set(properties) == {_camel(f) for f in settings.__dataclass_fields__}, name


def test_every_argument_and_type_is_described(schema: dict[str, Any]) -> None:
    undescribed = [path for path, prop in _properties(schema) if not prop.get("description", "").strip()]
    assert undescribed == []
    assert all(t.get("description") for t in schema["types"].values())


def test_every_argument_states_its_default_or_that_it_is_required(schema: dict[str, Any]) -> None:
    for token, resource in schema["resources"].items():
        for name, prop in resource["inputProperties"].items():
            required = name in resource.get("requiredInputs", [])
            ending = r"Required\.$" if required else r"Default: .+\.$"
            assert re.search(ending, prop["description"]), f"{token} {name}: {prop['description']}"


def test_no_empty_object_types(schema: dict[str, Any]) -> None:
    # An @pulumi.input_type class, or annotations the analyzer cannot read, becomes an object without properties.
    for token, typ in schema["types"].items():
        assert typ["type"] == "object", token
        assert typ["properties"], token
    for path, prop in _properties(schema):
        if prop.get("type") == "object":
            assert "additionalProperties" in prop or "properties" in prop, path


def test_whole_numbers_are_integers_in_the_schema(schema: dict[str, Any]) -> None:
    types = {path.rsplit(".", 1)[-1]: prop.get("type") for path, prop in _properties(schema)}
    assert types["nodes"] == types["rsaBits"] == types["upstreamPort"] == types["appPort"] == "integer"


def test_generated_argument_modules_are_current() -> None:
    for module in typed_args.MODULES:
        path = typed_args.PACKAGE / module.path
        assert path.read_text() == typed_args.render_module(module), f"{module.path} is {STALE}"


def test_component_reference_is_current() -> None:
    assert (ROOT / "docs" / "components.md").read_text() == component_reference.markdown(), (
        f"docs/components.md is {STALE}"
    )


def test_component_reference_lists_every_argument_with_its_default(schema: dict[str, Any]) -> None:
    text = component_reference.markdown(schema)
    rows = [line for line in text.splitlines() if line.startswith("| `rsaBits` |")]
    assert (
        rows == ["| `rsaBits` | integer | 2048 | RSA key size. Allowed: 2048 to 4096. |"] * 2
    )  # TlsAmbassador, TlsArgs
    tls, adapter = [line for line in text.splitlines() if line.startswith("| `upstreamPort` |")]
    assert "| integer | required |" in tls
    assert "| integer | none |" in adapter


def test_the_host_installs_the_library_dependencies_and_the_version_matches() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = (ROOT / "components" / "requirements.txt").read_text().splitlines()
    assert [line for line in requirements if line and not line.startswith("#")] == project["dependencies"]
    assert project["version"] == package.VERSION
    assert (ROOT / "components" / "PulumiPlugin.yaml").read_text().splitlines()[-1] == "runtime: python"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every input, output and type property, at any depth (list items and map values too)."""
    for token, resource in schema["resources"].items():
        for kind in ("inputProperties", "properties"):
            for name, prop in resource.get(kind, {}).items():
                yield from _walk(f"{token}.{name}", prop)
    for token, typ in schema["types"].items():
        for name, prop in typ["properties"].items():
            yield from _walk(f"{token}.{name}", prop)


def _walk(path: str, prop: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, prop
    for key in ("items", "additionalProperties"):
        if key in prop:
            yield from _walk(f"{path}[]", prop[key])
