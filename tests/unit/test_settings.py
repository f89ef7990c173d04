"""Settings: defaults, coercion, and errors that name the origin, the key, the value and what is allowed."""

from __future__ import annotations

import dataclasses

import pytest
from podpatterns.elasticsearch import ElasticsearchAppArgs, ElasticsearchArgs, MetricsArgs
from podpatterns.elasticsearch.args import LogArgs, SysctlArgs
from podpatterns.logtail.settings import LogSettings
from podpatterns.metrics import ExporterSettings, MetricsSettings, PrometheusAdapterArgs
from podpatterns.settings import AppSettings, ElasticsearchSettings, KeyStyle, SettingsError, parse, reference_rows
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


def test_config_text_is_coerced_as_the_cli_passes_it() -> None:
    raw = {"createNamespace": "false", "elasticsearch": '{"nodes": 3, "memory": "4Gi", "heap": "1536Mi"}'}
    settings = load(raw)
    assert settings.create_namespace is False
    assert settings.elasticsearch.nodes == 3
    assert settings.elasticsearch.heap_bytes == 1536 * 2**20


def test_component_host_floats_are_accepted_as_integers() -> None:
    settings = parse(AppSettings, {"elasticsearch": {"nodes": 3.0}}, origin="args", style=KeyStyle())
    assert settings.elasticsearch.nodes == 3


def test_typo_is_rejected_with_the_closest_key() -> None:
    (line,) = problems({"elasticsearch": {"nodez": 3}})
    assert "pod-patterns:elasticsearch.nodez: unknown key (value 3); did you mean 'nodes'?" in line


def test_top_level_typo_names_the_namespace_key() -> None:
    (line,) = problems({"namespce": "search"})
    assert line.startswith(f"{ORIGIN}: pod-patterns:namespce: unknown key")
    assert "did you mean 'namespace'?" in line


@pytest.mark.parametrize(
    ("raw", "key", "allowed"),
    [
        ({"createNamespace": "maybe"}, "pod-patterns:createNamespace", "expected true or false"),
        ({"namespace": "Search_Dev"}, "pod-patterns:namespace", "must be a DNS label"),
        ({"kubernetesVersion": "1.20"}, "pod-patterns:kubernetesVersion", "from 1.25 to 1.37"),
        ({"elasticsearch": {"nodes": "three"}}, "pod-patterns:elasticsearch.nodes", "expected a whole number"),
        ({"elasticsearch": {"nodes": 11}}, "pod-patterns:elasticsearch.nodes", "must be 1 to 9"),
        ({"elasticsearch": {"nodes": 4, "workload": "StatefulSet"}}, "pod-patterns:elasticsearch.nodes", "odd"),
        ({"elasticsearch": {"workload": "DaemonSet"}}, "pod-patterns:elasticsearch.workload", "one of Deployment"),
        ({"elasticsearch": {"version": "latest"}}, "pod-patterns:elasticsearch.version", "X.Y.Z"),
        ({"elasticsearch": {"version": "7.17.0"}}, "pod-patterns:elasticsearch.version", "8.x or 9.x"),
        ({"elasticsearch": {"image": "es:8.17.0"}}, "pod-patterns:elasticsearch.image", "without tag"),
        ({"elasticsearch": {"memory": "lots"}}, "pod-patterns:elasticsearch.memory", "byte quantity"),
        ({"elasticsearch": {"memory": "256Mi"}}, "pod-patterns:elasticsearch.memory", "at least 512Mi"),
        ({"elasticsearch": {"cpuLimit": "2 cores"}}, "pod-patterns:elasticsearch.cpuLimit", "CPU quantity"),
        ({"elasticsearch": {"cpuRequest": "2", "cpuLimit": "1"}}, "pod-patterns:elasticsearch.cpuRequest", "cpuLimit"),
        ({"elasticsearch": {"memory": "1Gi", "heap": "1Gi"}}, "pod-patterns:elasticsearch.heap", "above 75%"),
        (
            {"elasticsearch": {"nodes": 3, "workload": "Deployment"}},
            "pod-patterns:elasticsearch.workload",
            "StatefulSet",
        ),
        (
            {"elasticsearch": {"workload": "Deployment", "storageSize": "10Gi"}},
            "pod-patterns:elasticsearch.workload",
            "persistent storage",
        ),
        (
            {"elasticsearch": {"terminationGracePeriodSeconds": 5}},
            "pod-patterns:elasticsearch.terminationGracePeriodSeconds",
            "30 to 3600",
        ),
        ({"elasticsearch": "three nodes"}, "pod-patterns:elasticsearch", "expected a mapping"),
        ({"kubernetesVersion": 1.33}, "pod-patterns:kubernetesVersion", "quote it"),
    ],
)
def test_bad_value_names_key_value_and_what_is_allowed(raw: dict[str, object], key: str, allowed: str) -> None:
    (line,) = problems(raw)
    assert line.startswith(f"{ORIGIN}: {key}: ")
    assert allowed in line


def test_every_problem_is_reported_at_once() -> None:
    lines = problems({"namespce": "x", "createNamespace": "maybe", "elasticsearch": {"nodes": 0}})
    assert len(lines) == 3


def test_argument_errors_use_argument_spelling() -> None:
    with pytest.raises(SettingsError, match=r"^ElasticsearchApp 'es' arguments: elasticsearch\.cpu_limit: "):
        parse(
            AppSettings,
            {"elasticsearch": {"cpu_limit": "x"}},
            origin="ElasticsearchApp 'es' arguments",
            style=KeyStyle(),
        )


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
    # Not settings: the pod contributions, and the adapter's target and rule groups (structured data).
    argument_keys = set(args_class.__annotations__) - {"contributions", "target", "rule_groups"}
    assert argument_keys == {f.name for f in dataclasses.fields(settings_class)}


def test_reference_lists_every_key_with_default_and_doc() -> None:
    rows = {key: (default, allowed, doc) for key, default, allowed, doc in reference_rows(AppSettings, STACK)}
    assert rows["pod-patterns:elasticsearch.nodes"] == (
        "1",
        "1 to 9",
        "Number of nodes, all master-eligible; more than one needs workload StatefulSet.",
    )
    assert all(doc for _, _, doc in rows.values())
