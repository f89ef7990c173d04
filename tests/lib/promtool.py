"""A stack's rendered alert rules and the real promtool (Debian's prometheus package) that checks and tests them."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

import yaml
from podpatterns.pod.model import Manifest

from .prerequisites import require_program

RULES_FILE = "rules.yaml"
"""The name promtool unit tests load (their `rule_files`)."""
_LABEL_LISTS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_KEYWORDS = {"and", "or", "unless", "bool", "offset"}


def rule_groups(manifests: Iterable[Manifest]) -> list[Manifest]:
    """The groups of the one PrometheusRule among `manifests`."""
    (rule,) = [m for m in manifests if m["kind"] == "PrometheusRule"]
    groups: list[Manifest] = rule["spec"]["groups"]
    return groups


def alerts(groups: list[Manifest]) -> list[Manifest]:
    """Every alerting rule of the groups."""
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_program("promtool", "prometheus"), *args], capture_output=True, text=True, check=False
    )


def write_rules(directory: Path, groups: list[Manifest]) -> Path:
    """The groups as a Prometheus rule file in `directory`, where promtool unit tests find it."""
    path = directory / RULES_FILE
    path.write_text(yaml.safe_dump({"groups": groups}, width=1000))
    return path


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: its identifiers without label matchers, label lists (`by (...)`
    and the like), function and aggregation names (followed by `(`), keywords and durations."""
    text = re.sub(r"\{[^}]*\}", " ", re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr))
    text = _LABEL_LISTS.sub(" ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.])[a-zA-Z_:][\w:]*", text):
        if match[0] not in _KEYWORDS and not text[match.end() :].lstrip().startswith("("):
            names.add(match[0])
    return names


def selectors(expr: str) -> list[str]:
    """The series selectors of a PromQL expression written with label matchers, `name{...}` (no `}` in a value)."""
    return re.findall(r"[a-zA-Z_:][\w:]*\{[^}]*\}", expr)
