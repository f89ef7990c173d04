"""Scheduling: a node selector and tolerations reach every pod the stack creates, and nothing else changes."""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns import ElasticsearchApp, PrometheusAdapter
from podpatterns.elasticsearch import ElasticsearchAppArgs
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.render import Recording, run_with_mocks
from podpatterns.settings import KeyStyle, SettingsError, parse

from ..lib.support.workload_targets import workload_target

DEDICATED = {
    "node_selector": ["pod-patterns.dev/pool=search"],
    "tolerations": [
        {"key": "dedicated", "value": "search", "effect": "NoSchedule"},
        {"key": "pod-patterns.dev/real-node", "operator": "Exists"},
    ],
}
TOLERATIONS = [
    {"key": "dedicated", "operator": "Equal", "value": "search", "effect": "NoSchedule"},
    {"key": "pod-patterns.dev/real-node", "operator": "Exists"},
]
THREE_NODES_WITH_CLUSTER_EXPORTER: ElasticsearchAppArgs = {
    "elasticsearch": {"nodes": 3},
    "metrics": {"enabled": True, "cluster_collectors": ["indices"]},
}


def pod_specs(args: ElasticsearchAppArgs) -> dict[str, dict[str, Any]]:
    """The pod spec of every workload the app registers, by resource name."""
    recording = run_with_mocks(lambda: ElasticsearchApp("search", args) and None, project="t", stack="u")
    return {
        r.name: r.inputs["spec"]["template"]["spec"]
        for r in recording.registrations
        if r.type in ("kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment")
    }


def test_every_pod_of_the_stack_gets_the_selector_and_the_tolerations() -> None:
    specs = pod_specs({**THREE_NODES_WITH_CLUSTER_EXPORTER, "scheduling": DEDICATED})
    assert set(specs) == {"search-workload", "search-metrics-cluster-exporter"}
    for name, spec in specs.items():
        assert spec["nodeSelector"] == {"pod-patterns.dev/pool": "search"}, name
        assert spec["tolerations"] == TOLERATIONS, name


def test_unset_scheduling_renders_no_selector_and_no_tolerations() -> None:
    for name, spec in pod_specs(THREE_NODES_WITH_CLUSTER_EXPORTER).items():
        assert "nodeSelector" not in spec, name
        assert "tolerations" not in spec, name


def test_the_adapter_on_its_own_takes_the_cluster_exporters_scheduling() -> None:
    def program() -> None:
        PrometheusAdapter(
            "web-metrics",
            {
                "target": workload_target("web"),
                "preset": "elasticsearch",
                "cluster_args": ["--web.listen-address=:9114", "--es.uri=http://web:9200", "--es.indices"],
                "cluster_scheduling": {"tolerations": [{"operator": "Exists"}]},
            },
        )

    recording = run_with_mocks(program, project="t", stack="u", recording=Recording("t"))
    (deployment,) = [r for r in recording.registrations if r.type == "kubernetes:apps/v1:Deployment"]
    assert deployment.inputs["spec"]["template"]["spec"]["tolerations"] == [{"operator": "Exists"}]


@pytest.mark.parametrize(
    ("scheduling", "key", "allowed"),
    [
        (
            {"tolerations": [{"key": "dedicated", "operator": "Exists", "value": "search"}]},
            "tolerations[0].value",
            "operator Exists matches any value",
        ),
        ({"tolerations": [{"value": "search"}]}, "tolerations[0].key", "operator Equal needs a key"),
        (
            {"tolerations": [{"key": "dedicated", "effect": "NoScheduling"}]},
            "tolerations[0].effect",
            "must be one of NoSchedule, PreferNoSchedule, NoExecute",
        ),
        ({"tolerations": [{"key": "bad key", "operator": "Exists"}]}, "tolerations[0].key", "label key"),
        ({"nodeSelector": ["pool"]}, "nodeSelector", "is not key=value"),
        ({"nodeSelector": {"pool": "search"}}, "nodeSelector", "expected a list of text values"),
        (
            {"tolerations": [{"key": "dedicated", "tolerationSeconds": 30}]},
            "tolerations[0].tolerationSeconds",
            "unknown key",
        ),
    ],
)
def test_bad_scheduling_is_refused_by_key_before_anything_is_registered(
    scheduling: dict[str, Any], key: str, allowed: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        parse(
            AppSettings,
            {"scheduling": scheduling},
            "stacks/Pulumi.dev.yaml",
            KeyStyle(prefix="pod-patterns:", camel_case=True),
        )
    lines = [line for line in str(caught.value).splitlines() if f"pod-patterns:scheduling.{key}: " in line]
    assert lines, str(caught.value)
    assert allowed in lines[0], str(caught.value)
