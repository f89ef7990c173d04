"""The prod stack's PrometheusRule on the real promtool: valid rules, and a unit test per alert, firing and not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from podpatterns.pod.model import Manifest

from ..lib.promtool import alerts, metric_names, promtool, rule_groups, write_rules

UNIT_TESTS = Path(__file__).resolve().parent / "alerts" / "elasticsearch-alerts.test.yaml"


def write_unit_tests(directory: Path, groups: list[Manifest]) -> Path:
    """The rules and the unit tests beside them in `directory`; the rules' path."""
    shutil.copy(UNIT_TESTS, directory / UNIT_TESTS.name)
    return write_rules(directory, groups)


def test_rules_pass_promtool_check(rendered: dict[str, list[Manifest]], tmp_path: Path) -> None:
    result = promtool("check", "rules", str(write_unit_tests(tmp_path, rule_groups(rendered["prod"]))))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 8 rules found" in result.stdout


def test_every_alert_has_severity_summary_and_description(rendered: dict[str, list[Manifest]]) -> None:
    for rule in alerts(rule_groups(rendered["prod"])):
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert set(rule["annotations"]) == {"summary", "description"}, rule["alert"]


def test_unit_tests_cover_every_alert_firing_and_not_firing(rendered: dict[str, list[Manifest]]) -> None:
    names = {rule["alert"] for rule in alerts(rule_groups(rendered["prod"]))}
    cases = [case for test in yaml.safe_load(UNIT_TESTS.read_text())["tests"] for case in test["alert_rule_test"]]
    firing = {case["alertname"] for case in cases if case["exp_alerts"]}
    silent = {case["alertname"] for case in cases if not case["exp_alerts"]}
    assert firing == names
    assert silent == names


def test_promtool_unit_tests_pass(rendered: dict[str, list[Manifest]], tmp_path: Path) -> None:
    write_unit_tests(tmp_path, rule_groups(rendered["prod"]))
    result = promtool("test", "rules", str(tmp_path / UNIT_TESTS.name))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rules_read_the_exporters_and_the_ambassadors_metrics_and_up(rendered: dict[str, list[Manifest]]) -> None:
    """What tests/real_elasticsearch/test_alert_rules_on_real_series.py looks for in the real scrapes."""
    read = {name for rule in alerts(rule_groups(rendered["prod"])) for name in metric_names(rule["expr"])}
    assert read == {
        "elasticsearch_cluster_health_status",
        "elasticsearch_cluster_health_number_of_nodes",
        "elasticsearch_cluster_health_up",
        "elasticsearch_jvm_memory_used_bytes",
        "elasticsearch_jvm_memory_max_bytes",
        "elasticsearch_filesystem_data_available_bytes",
        "elasticsearch_filesystem_data_size_bytes",
        "podpatterns_tls_certificate_not_after_seconds",
        "up",
    }


@pytest.mark.parametrize(
    ("aggregated", "naive"),
    [
        ("max by (cluster) (elasticsearch_cluster_health_status{", "(elasticsearch_cluster_health_status{"),
        ("< 3", "< 2"),
    ],
    ids=["red-counted-once-per-pod", "wrong-node-count"],
)
def test_unit_tests_catch_a_broken_rule(
    rendered: dict[str, list[Manifest]], tmp_path: Path, aggregated: str, naive: str
) -> None:
    text = yaml.safe_dump(rule_groups(rendered["prod"]), width=1000)
    assert aggregated in text
    write_unit_tests(tmp_path, yaml.safe_load(text.replace(aggregated, naive)))
    result = promtool("test", "rules", str(tmp_path / UNIT_TESTS.name))
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
