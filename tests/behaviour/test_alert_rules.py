"""The prod stack's PrometheusRule on the real promtool: valid rules, and a unit test per alert, firing and not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from podpatterns.pod.model import Manifest

from ..lib.prerequisites import require_program

UNIT_TESTS = Path(__file__).resolve().parent / "alerts" / "elasticsearch-alerts.test.yaml"


def rule_groups(rendered: dict[str, list[Manifest]]) -> list[Manifest]:
    (rule,) = [m for m in rendered["prod"] if m["kind"] == "PrometheusRule"]
    groups: list[Manifest] = rule["spec"]["groups"]
    return groups


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_program("promtool", "prometheus"), *args], capture_output=True, text=True, check=False
    )


def write_rules(directory: Path, groups: list[Manifest]) -> Path:
    shutil.copy(UNIT_TESTS, directory / UNIT_TESTS.name)
    path = directory / "rules.yaml"  # the name the unit tests load
    path.write_text(yaml.safe_dump({"groups": groups}, width=1000))
    return path


def test_rules_pass_promtool_check(rendered: dict[str, list[Manifest]], tmp_path: Path) -> None:
    result = promtool("check", "rules", str(write_rules(tmp_path, rule_groups(rendered))))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 8 rules found" in result.stdout


def test_every_alert_has_severity_summary_and_description(rendered: dict[str, list[Manifest]]) -> None:
    for rule in (rule for group in rule_groups(rendered) for rule in group["rules"]):
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert set(rule["annotations"]) == {"summary", "description"}, rule["alert"]


def test_unit_tests_cover_every_alert_firing_and_not_firing(rendered: dict[str, list[Manifest]]) -> None:
    alerts = {rule["alert"] for group in rule_groups(rendered) for rule in group["rules"]}
    cases = [case for test in yaml.safe_load(UNIT_TESTS.read_text())["tests"] for case in test["alert_rule_test"]]
    firing = {case["alertname"] for case in cases if case["exp_alerts"]}
    silent = {case["alertname"] for case in cases if not case["exp_alerts"]}
    assert firing == alerts
    assert silent == alerts


def test_promtool_unit_tests_pass(rendered: dict[str, list[Manifest]], tmp_path: Path) -> None:
    write_rules(tmp_path, rule_groups(rendered))
    result = promtool("test", "rules", str(tmp_path / UNIT_TESTS.name))
    assert result.returncode == 0, result.stdout + result.stderr


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
    text = yaml.safe_dump(rule_groups(rendered), width=1000)
    assert aggregated in text
    write_rules(tmp_path, yaml.safe_load(text.replace(aggregated, naive)))
    result = promtool("test", "rules", str(tmp_path / UNIT_TESTS.name))
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
