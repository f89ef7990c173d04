"""examples/yaml: a Pulumi YAML program using the component package, checked against the inferred schema.

Without a CLI the program cannot run as a whole; its resources are checked property by property against
the schema the host serves, then constructed through the host's own code with exactly those properties.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from podpatterns import package
from podpatterns.render import kubernetes_objects

from ..package.host import construct

PROGRAM = Path(__file__).resolve().parents[2] / "examples" / "yaml" / "Pulumi.yaml"
Types = dict[str, Any]
"""The schema's object types by their reference, #/types/<token>."""
INTERPOLATION = re.compile(r"\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)")


@pytest.fixture(scope="module")
def program() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(PROGRAM.read_text())
    return document


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return package.schema()


def test_the_package_is_the_local_components_directory(program: dict[str, Any]) -> None:
    assert program["runtime"] == "yaml"
    assert (PROGRAM.parent / program["packages"]["podpatterns"] / "PulumiPlugin.yaml").is_file()


def test_every_resource_is_a_component_of_the_package(program: dict[str, Any], schema: dict[str, Any]) -> None:
    types = {resource["type"] for resource in program["resources"].values()}
    assert types == {"podpatterns:index:ElasticsearchApp", "podpatterns:index:TlsAmbassador"}
    assert types <= set(schema["resources"])


def test_every_property_is_a_known_input_of_the_right_type(program: dict[str, Any], schema: dict[str, Any]) -> None:
    for name, resource in program["resources"].items():
        spec = schema["resources"][resource["type"]]
        required = spec.get("requiredInputs", [])
        assert _check_object(name, resource["properties"], spec["inputProperties"], required, _types(schema)) == []


def test_the_checker_catches_a_wrong_type_and_an_unknown_key(schema: dict[str, Any]) -> None:
    spec = schema["resources"]["podpatterns:index:ElasticsearchApp"]
    bad = {"elasticsearch": {"nodes": "three", "replicas": 3}, "logs": {"enabled": "yes"}, "contributions": {}}
    assert _check_object("search", bad, spec["inputProperties"], [], _types(schema)) == [
        "search.elasticsearch.nodes: 'three' is not integer",
        "search.elasticsearch.replicas: unknown",
        "search.logs.enabled: 'yes' is not boolean",
        "search.contributions: {} is not a list",
    ]


def test_outputs_name_outputs_of_the_resources(program: dict[str, Any], schema: dict[str, Any]) -> None:
    for expression in program["outputs"].values():
        resource, output = INTERPOLATION.match(expression).groups()  # type: ignore[union-attr]
        assert output in schema["resources"][program["resources"][resource]["type"]]["properties"]


def test_the_resources_construct_through_the_host(program: dict[str, Any]) -> None:
    search = program["resources"]["search"]
    recording, _ = construct("ElasticsearchApp", search["properties"])
    objects = kubernetes_objects(recording)
    (statefulset,) = [m for m in objects if m["kind"] == "StatefulSet"]
    assert statefulset["spec"]["replicas"] == 3
    pod = statefulset["spec"]["template"]["spec"]
    containers = {c["name"] for c in pod["containers"] + pod["initContainers"]}  # native sidecars included
    assert {"elasticsearch", "tls-ambassador", "metrics-exporter", "debug"} <= containers
    assert {m["kind"] for m in objects} >= {"PodMonitor", "PrometheusRule", "PodDisruptionBudget"}

    orders = program["resources"]["orders-tls"]
    recording, state = construct("TlsAmbassador", orders["properties"])
    assert {m["kind"] for m in kubernetes_objects(recording)} == {"Secret", "ConfigMap"}
    assert "certificateExpiry" in state


def _types(schema: dict[str, Any]) -> Types:
    return {f"#/types/{token}": typ for token, typ in schema["types"].items()}


def _check_object(path: str, values: Any, properties: dict[str, Any], required: list[str], types: Types) -> list[str]:
    if not isinstance(values, dict):
        return [f"{path}: {values!r} is not an object"]
    problems = [f"{path}.{key}: required" for key in required if key not in values]
    for key, value in values.items():
        if key not in properties:
            problems.append(f"{path}.{key}: unknown")
        else:
            problems += _check_value(f"{path}.{key}", value, properties[key], types)
    return problems


def _check_value(path: str, value: Any, prop: dict[str, Any], types: Types) -> list[str]:
    ref = prop.get("$ref", "")
    if (isinstance(value, str) and value.startswith("${")) or ref == "pulumi.json#/Any":
        return []  # an interpolation has the referenced output's type; Any takes anything
    if ref:
        typ = types[ref]
        return _check_object(path, value, typ["properties"], typ.get("required", []), types)
    if prop["type"] in ("array", "object"):
        return _check_collection(path, value, prop, types)
    wanted = {"string": str, "integer": int, "boolean": bool}[prop["type"]]
    if not isinstance(value, wanted) or (wanted is not bool and isinstance(value, bool)):
        return [f"{path}: {value!r} is not {prop['type']}"]
    return []


def _check_collection(path: str, value: Any, prop: dict[str, Any], types: Types) -> list[str]:
    if prop["type"] == "array":
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not a list"]
        return [p for i, item in enumerate(value) for p in _check_value(f"{path}[{i}]", item, prop["items"], types)]
    if not isinstance(value, dict):
        return [f"{path}: {value!r} is not a map"]
    return [p for k, v in value.items() for p in _check_value(f"{path}.{k}", v, prop["additionalProperties"], types)]
