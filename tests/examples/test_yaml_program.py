"""examples/yaml: a Pulumi YAML program using the component package, checked against the inferred schema.

Offline, without a CLI: its components are checked property by property against the schema the provider
serves, then constructed through the provider with exactly those properties, each reference to another
resource's output standing for it as the engine sends it (tests/engine runs the program for real).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from podpatterns import package
from podpatterns.render import Recording, kubernetes_objects

from ..conftest import PROJECT_DIR
from ..lib.package_host import construct
from ..lib.yaml_program import YAML_NAMESPACE, evaluate, in_namespace, urn

PROGRAM = PROJECT_DIR / "examples" / "yaml" / "Pulumi.yaml"
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


def test_every_podpatterns_resource_is_a_component_of_the_package(
    program: dict[str, Any], schema: dict[str, Any]
) -> None:
    types = {resource["type"] for resource in program["resources"].values()}
    ours = {t for t in types if t.startswith("podpatterns:")}
    assert ours == {
        "podpatterns:index:ElasticsearchApp",
        "podpatterns:index:TlsAmbassador",
        "podpatterns:index:LogTailSidecar",
        "podpatterns:index:PodTemplateMerge",
    }
    assert ours <= set(schema["resources"])


def test_every_property_is_a_known_input_of_the_right_type(program: dict[str, Any], schema: dict[str, Any]) -> None:
    for name, resource in _ours(program).items():
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


def test_outputs_name_outputs_of_the_components(program: dict[str, Any], schema: dict[str, Any]) -> None:
    for expression in program["outputs"].values():
        resource, output = INTERPOLATION.match(expression).groups()  # type: ignore[union-attr]
        if resource in _ours(program):
            assert output in schema["resources"][program["resources"][resource]["type"]]["properties"]


def test_the_dev_stack_from_yaml_is_the_same_pod_as_the_python_render(
    program: dict[str, Any], recordings: dict[str, Recording]
) -> None:
    dev = yaml.safe_load((PROJECT_DIR / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    settings = {key.removeprefix("pod-patterns:"): value for key, value in dev.items()}
    properties = program["resources"]["elasticsearch"]["properties"]
    assert properties == {**settings, "namespace": YAML_NAMESPACE}

    recording, _ = construct("ElasticsearchApp", properties, name="elasticsearch")
    from_yaml = _objects_by_kind_and_name(kubernetes_objects(recording))
    moved = [in_namespace(m, settings["namespace"], YAML_NAMESPACE) for m in kubernetes_objects(recordings["dev"])]
    from_python = _objects_by_kind_and_name(moved)
    assert from_yaml.keys() == from_python.keys()
    for key, rendered in from_python.items():
        assert from_yaml[key] == rendered, key


def test_the_orders_workload_gets_the_ambassador_and_the_log_tail(program: dict[str, Any]) -> None:
    made = evaluate(program)
    states, recordings = made.states, made.recordings
    template = states["orders-pod"]["template"]
    containers = {c["name"] for c in template["spec"]["containers"]}
    assert containers == {"orders", "tls-ambassador"}
    assert [c["name"] for c in template["spec"]["initContainers"]] == ["tail-access-log"]
    assert "pod-patterns.io/tls-sha256" in template["metadata"]["annotations"]
    assert [p["port"] for p in states["orders-pod"]["servicePorts"]] == [8443]
    # The namespace came from the Namespace resource, nested in `target`, and so did the dependency.
    (secret,) = [m for m in kubernetes_objects(recordings["orders-tls"]) if m["kind"] == "Secret"]
    assert secret["metadata"]["namespace"] == "shop-yaml"
    children = [r for r in recordings["orders-tls"].registrations if r.custom]
    assert children
    assert all(urn("shop") in r.dependencies for r in children)
    (deployment,) = [m for m in made.manifests if m["kind"] == "Deployment"]
    assert deployment["spec"]["template"] == template


def _ours(program: dict[str, Any]) -> dict[str, Any]:
    return {name: r for name, r in program["resources"].items() if r["type"].startswith("podpatterns:")}


def _objects_by_kind_and_name(manifests: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    return {(m["kind"], m["metadata"]["name"]): m for m in manifests}


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
