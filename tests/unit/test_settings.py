"""Settings: defaults, coercion, and errors that name the origin, the key, the value and what is allowed."""

from __future__ import annotations

import dataclasses

import pytest
from podpatterns.elasticsearch import ElasticsearchAppArgs, ElasticsearchArgs, MetricsArgs
from podpatterns.elasticsearch.args import LogArgs, SysctlArgs
from podpatterns.elasticsearch.settings import AppSettings, ElasticsearchSettings
from podpatterns.elasticsearch.settings.stack import stray_namespace_problems
from podpatterns.logtail.settings import LogSettings
from podpatterns.metrics import ExporterSettings, MetricsSettings, PrometheusAdapterArgs
from podpatterns.settings import KeyStyle, SettingsError, parse, reference_rows
from podpatterns.sysctl.settings import SysctlSettings

STACK = KeyStyle(prefix="pod-patterns:", camel_case=True)
ORIGIN = "stacks/Pulumi.test.yaml"


def load(raw: dict[str, object]) -> AppSettings:
    return parse(AppSettings, raw, origin=ORIGIN, style=STACK)


def problems(raw: dict[str, object]) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load(raw)
    assert str(caught.value).startswith(ORIGIN + ": ")
    return str(caught.value).splitlines()


def test_empty_config_gives_documented_defaults() -> None:
    settings = load({})
    assert settings.namespace == "elasticsearch"
    assert settings.create_namespace is True
    assert settings.elasticsearch.nodes == 1
    assert settings.elasticsearch.heap_bytes == 2**30  # half of the 2Gi default
    big = load({"elasticsearch": {"memory": "64Gi"}})
    assert big.elasticsearch.heap_bytes == 31 * 2**30  # not half: capped for compressed object pointers


def test_config_text_is_coerced_as_the_cli_passes_it() -> None:
    raw = {"createNamespace": "false", "elasticsearch": '{"nodes": 3, "memory": "4Gi", "heap": "1536Mi"}'}
    settings = load(raw)
    assert settings.create_namespace is False
    assert settings.elasticsearch.nodes == 3
    assert settings.elasticsearch.heap_bytes == 1536 * 2**20


def test_component_host_floats_are_accepted_as_integers() -> None:
    settings = parse(AppSettings, {"elasticsearch": {"nodes": 3.0}}, origin="args", style=KeyStyle())
    assert settings.elasticsearch.nodes == 3


def test_every_problem_is_reported_at_once() -> None:
    lines = problems({"namespce": "x", "createNamespace": "maybe", "elasticsearch": {"nodes": 0}})
    assert len(lines) == 3


def test_a_cross_key_check_on_a_bad_key_is_not_reported_from_its_default() -> None:
    # cpuLimit is bad, so its default (1) stood in: "cpuRequest must not exceed cpuLimit 1" would mislead.
    lines = problems({"tls": {"cpuRequest": "2", "cpuLimit": "lots"}})
    assert len(lines) == 1
    assert lines[0].startswith(f"{ORIGIN}: pod-patterns:tls.cpuLimit: ")


def test_a_cross_key_check_on_good_keys_is_reported_beside_a_bad_key() -> None:
    lines = problems({"tls": {"cpuRequest": "2", "cpuLimit": "1", "memory": "lots"}})
    assert [line.split(": ")[1] for line in lines] == ["pod-patterns:tls.memory", "pod-patterns:tls.cpuRequest"]


@pytest.mark.parametrize(
    ("settings_class", "args_class"),
    [
        (AppSettings, ElasticsearchAppArgs),
        (ElasticsearchSettings, ElasticsearchArgs),
        (LogSettings, LogArgs),
        (SysctlSettings, SysctlArgs),
        (MetricsSettings, MetricsArgs),
        (ExporterSettings, PrometheusAdapterArgs),
    ],
)
def test_component_arguments_mirror_the_settings(settings_class: type, args_class: type) -> None:
    # Not settings: the pod contributions, and the adapter's target, rule groups (structured data) and preset.
    argument_keys = set(args_class.__annotations__) - {"contributions", "target", "rule_groups", "preset"}
    assert argument_keys == {f.name for f in dataclasses.fields(settings_class)}


def test_reference_lists_every_key_with_default_and_doc() -> None:
    rows = {key: (default, allowed, doc) for key, default, allowed, doc in reference_rows(AppSettings, STACK)}
    assert rows["pod-patterns:elasticsearch.nodes"] == (
        "1",
        "1 to 9",
        "Number of nodes, all master-eligible; more than one needs workload StatefulSet.",
    )
    assert all(doc for _, _, doc in rows.values())


def test_only_near_misses_of_the_project_namespace_are_refused() -> None:
    keys = ["pod-patterns:namespace", "kubernetes:context", "pulumi:tags", "tls:x", "podpatterns:tls", "pod_pattern:x"]
    found = stray_namespace_problems("pod-patterns", keys)
    assert [p.key for p in found] == ["pod_pattern:x", "podpatterns:tls"]
    assert found[1].message == "config namespace 'podpatterns' is not this project's: did you mean 'pod-patterns:tls'?"
