"""The prod stack's PrometheusRule evaluated by promtool against series recorded on the real Elasticsearch: three
nodes, each pod's exporter and ambassador and the cluster-wide exporter Deployment scraped as the rendered PodMonitors
select them (series.py). The rules read only metrics these targets expose; the green cluster fires nothing; a
cluster made yellow for real fires the yellow alert once, after its `for:`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from podpatterns.pod.model import Manifest

from ..lib.harness.real_stack import RealStack
from ..lib.promtool import RULES_FILE, alerts, metric_names, promtool, rule_groups, selectors, write_rules
from .conftest import stack_fixture
from .series import Scrape, Target, input_series, names, record, targets

prod = stack_fixture("prod")

SCRAPES = 3
SECONDS_APART = 5.0
PROMETHEUS_WRITES = {"up"}
"""Series Prometheus writes itself for every scrape, read from no target."""
UNCHECKED = {"ElasticsearchDiskAboveHighWatermark"}
"""Reads the host's disk, where every pod's data volume lies here: its verdict is this machine's, not the stack's."""
CLUSTER = "elasticsearch"


@pytest.fixture(scope="module")
def scraped(prod: RealStack) -> Iterator[list[Target]]:
    """Every target of the rendered PodMonitors: the nodes' pods, and the cluster-wide exporter Deployment's pod, run
    beside them and reaching them by the client Service's name."""
    deployment = prod.cluster.workload("elasticsearch-cluster-metrics")
    monitors = [m for m in prod.cluster.objects.values() if m["kind"] == "PodMonitor"]
    with prod.cluster.run(deployment, prod.hosts) as exporter:
        yield targets(monitors, [*((prod.workload, pod) for pod in prod.pods), (deployment, exporter)])


@pytest.fixture(scope="module")
def green(prod: RealStack, scraped: list[Target]) -> list[Scrape]:
    assert prod.wait_for_health("green", 3)["status"] == "green"
    return record(scraped, SCRAPES, SECONDS_APART)


@pytest.fixture(scope="module")
def rules(prod: RealStack) -> list[Manifest]:
    """The rendered PrometheusRule's groups."""
    return rule_groups(prod.cluster.objects.values())


def minutes(duration: str) -> int:
    """A rule's `for:` in whole minutes (the template writes minutes or hours)."""
    matched = re.fullmatch(r"(\d+)([mh])", duration)
    assert matched, duration
    return int(matched[1]) * (60 if matched[2] == "h" else 1)


def alert(groups: list[Manifest], name: str) -> Manifest:
    (rule,) = [rule for rule in alerts(groups) if rule["alert"] == name]
    return rule


def fired_once(rule: Manifest) -> list[dict[str, Any]]:
    """The one alert a cluster-health rule fires for cluster elasticsearch (its annotations template only the
    cluster label); promtool fails the test if it fires once per pod instead."""
    annotations = {key: text.replace("{{ $labels.cluster }}", CLUSTER) for key, text in rule["annotations"].items()}
    return [{"exp_labels": {**rule["labels"], "cluster": CLUSTER}, "exp_annotations": annotations}]


def run_promtool(
    directory: Path, groups: list[Manifest], series: list[dict[str, str]], cases: list[Any], exprs: Sequence[Any] = ()
) -> None:
    """One promtool unit test of the rules on `series` (a sample a minute); AssertionError with promtool's output."""
    write_rules(directory, groups)
    test = {"interval": "1m", "input_series": series, "alert_rule_test": cases, "promql_expr_test": list(exprs)}
    unit = directory / "real.test.yaml"
    unit.write_text(yaml.safe_dump({"rule_files": [RULES_FILE], "evaluation_interval": "1m", "tests": [test]}))
    result = promtool("test", "rules", str(unit))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]


def test_every_metric_the_rules_read_is_in_the_real_scrape(green: list[Scrape], rules: list[Manifest]) -> None:
    """The key promise: no rule watches a metric this exporter version (or the ambassador) does not expose."""
    read = {name for rule in alerts(rules) for name in metric_names(rule["expr"])}
    assert "elasticsearch_cluster_health_status" in read  # the control: names were found
    missing = read - PROMETHEUS_WRITES - names(green[-1])
    assert missing == set(), f"the rules read metrics no target exposes: {sorted(missing)}"


def test_the_cluster_wide_exporter_repeats_no_node_metric(green: list[Scrape], scraped: list[Target]) -> None:
    """Its `--es.node=coordinating_only:true` matches no node of the real cluster: node metrics come from the three
    pods only, the cluster's health and indices from it too."""
    (deployment,) = [t.pod.name for t in scraped if t.pod.name.startswith("elasticsearch-cluster-metrics")]
    own = names({key: value for key, value in green[-1].items() if f'pod="{deployment}"' in key})
    assert {"elasticsearch_cluster_health_status", "elasticsearch_index_stats_up"} <= own, sorted(own)
    assert [name for name in own if name.startswith("elasticsearch_jvm_")] == []
    heaps = [key for key in green[-1] if key.startswith('elasticsearch_jvm_memory_max_bytes{area="heap"')]
    assert len(heaps) == 3, heaps


def test_the_green_cluster_fires_no_alert(green: list[Scrape], rules: list[Manifest], tmp_path: Path) -> None:
    """Once the longest `for:` has passed on the recorded green series, no alert fires (the disk alert aside:
    UNCHECKED); and every selector of every rule selects recorded series, so the silence is the real values'."""
    hold = max(minutes(rule.get("for", "0m")) for rule in alerts(rules)) + 2
    end = f"{len(green) - 1 + hold}m"
    silent = [
        {"eval_time": end, "alertname": rule["alert"], "exp_alerts": []}
        for rule in alerts(rules)
        if rule["alert"] not in UNCHECKED
    ]
    selected = [
        {"expr": f"clamp_max(count({selector}), 1)", "eval_time": end, "exp_samples": [{"labels": "{}", "value": 1}]}
        for rule in alerts(rules)
        for selector in selectors(rule["expr"])
    ]
    assert len(selected) >= len(alerts(rules))
    run_promtool(tmp_path, rules, input_series(green, hold), silent, selected)


def test_a_cluster_made_yellow_for_real_fires_the_yellow_alert_once_after_its_for(
    prod: RealStack, green: list[Scrape], scraped: list[Target], rules: list[Manifest], tmp_path: Path
) -> None:
    """An index with more replicas than three nodes can hold turns the cluster yellow for real. Every exporter
    reports it (each pod's and the cluster-wide one); the alert fires once for the cluster, `for:` after the first
    yellow scrape, and the red one not at all."""
    created = prod.api("/yellow", method="PUT", body={"settings": {"number_of_replicas": 3}})
    assert created.status == 200, created.body
    try:
        assert prod.wait_for_health("yellow", 3)["status"] == "yellow"
        turned = record(scraped, SCRAPES, SECONDS_APART)
    finally:
        assert prod.api("/yellow", method="DELETE").status == 200
    status = 'elasticsearch_cluster_health_status{cluster="elasticsearch",color="yellow",'
    reporting = {key: value for key, value in turned[-1].items() if key.startswith(status)}
    assert list(reporting.values()) == ["1"] * 4, reporting  # three pods and the cluster-wide exporter
    yellow = alert(rules, "ElasticsearchClusterYellow")
    waited = minutes(yellow["for"])
    first = len(green)  # the minute of the first yellow scrape
    cases = [
        {"eval_time": f"{first + waited - 1}m", "alertname": yellow["alert"], "exp_alerts": []},
        {"eval_time": f"{first + waited + 1}m", "alertname": yellow["alert"], "exp_alerts": fired_once(yellow)},
        {"eval_time": f"{first + waited + 1}m", "alertname": "ElasticsearchClusterRed", "exp_alerts": []},
    ]
    run_promtool(tmp_path, rules, input_series([*green, *turned], waited + 2), cases)
