"""Scanner gate: checkov finds nothing in any stack but the findings accepted on the objects themselves.

checkov runs from `.venv-tools` (scripts/test builds it: its pinned dependencies clash with pulumi's) over
every stack's rendered manifests, as `python -m podpatterns.render` writes them. A finding is accepted only
by a `checkov.io/skip<N>: <check>=<reason>` annotation on the object, and docs/security.md lists each of them.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from podpatterns.checkov_skips import SKIP_ANNOTATION_PREFIX
from podpatterns.pod.model import Manifest
from podpatterns.render import file_name, write_manifests

from ..conftest import PROJECT_DIR, STACKS
from ..lib.prerequisites import unavailable

pytestmark = pytest.mark.tools  # checkov runs from .venv-tools

CHECKOV = PROJECT_DIR / ".venv-tools" / "bin" / "checkov"
SECURITY_DOC = PROJECT_DIR / "docs" / "security.md"
_ANNOTATION_VALUE = re.compile(r"^(CKV2?_K8S_\d+)=([^=\n]*\S[^=\n]*)$")

Finding = tuple[str, str, str, str]
"""(stack, file name, check id, reason)."""


@pytest.fixture(scope="module")
def report(rendered: dict[str, list[Manifest]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """checkov's JSON report over one directory per stack."""
    if not CHECKOV.exists():
        unavailable(f"{CHECKOV} not found: scripts/test installs checkov into .venv-tools")
    root = tmp_path_factory.mktemp("checkov")
    for stack, objects in rendered.items():
        write_manifests(objects, root / stack)
    command = [str(CHECKOV), "--framework", "kubernetes", "--skip-download", "--directory", str(root)]
    result = subprocess.run([*command, "--output", "json", "--compact"], capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1), result.stderr  # 1: failed checks, reported by the tests below
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def results(report: dict[str, Any], outcome: str) -> list[dict[str, Any]]:
    """Results of one outcome (passed, failed, skipped), each with the `stack` and `file` it came from."""
    found = []
    for check in report["results"].get(f"{outcome}_checks", []):
        stack, file = Path(check["file_path"]).parts[-2:]
        found.append({**check, "stack": stack, "file": file})
    return found


def skips_of(manifest: Manifest) -> list[tuple[str, str]]:
    """(check, reason) of every skip annotation on the object's own metadata."""
    annotations = manifest["metadata"].get("annotations", {})
    values = [value for key, value in annotations.items() if key.startswith(SKIP_ANNOTATION_PREFIX)]
    return [(check, reason) for check, _, reason in (value.partition("=") for value in values)]


def annotated(rendered: dict[str, list[Manifest]]) -> set[Finding]:
    """Every skip annotated on a rendered object, with the stack and file it is in."""
    return {
        (stack, file_name(manifest), check, reason)
        for stack, objects in rendered.items()
        for manifest in objects
        for check, reason in skips_of(manifest)
    }


def test_checkov_reads_every_workload(report: dict[str, Any], rendered: dict[str, list[Manifest]]) -> None:
    assert report["summary"]["parsing_errors"] == 0
    checked = {(r["stack"], r["file"]) for outcome in ("passed", "failed", "skipped") for r in results(report, outcome)}
    for stack, objects in rendered.items():
        workloads = [m for m in objects if m["kind"] in ("Deployment", "StatefulSet")]
        assert workloads
        assert {(stack, file_name(m)) for m in workloads} <= checked


@pytest.mark.parametrize("stack", STACKS)
def test_no_check_fails(stack: str, report: dict[str, Any]) -> None:
    failed = [
        f"{r['check_id']} {r['check_name']} ({r['file']})" for r in results(report, "failed") if r["stack"] == stack
    ]
    assert failed == []


def test_every_skip_is_an_annotation_with_its_reason(
    report: dict[str, Any], rendered: dict[str, list[Manifest]]
) -> None:
    skipped = {
        (r["stack"], r["file"], r["check_id"], r["check_result"]["suppress_comment"])
        for r in results(report, "skipped")
    }
    # Equal both ways: no finding skipped without its annotated reason, and no annotation that skips nothing.
    assert skipped == annotated(rendered)


def test_skip_annotations_are_well_formed_and_on_the_objects_themselves(rendered: dict[str, list[Manifest]]) -> None:
    for objects in rendered.values():
        for manifest in objects:
            for key, value in manifest["metadata"].get("annotations", {}).items():
                if key.startswith(SKIP_ANNOTATION_PREFIX):
                    assert re.fullmatch(re.escape(SKIP_ANNOTATION_PREFIX) + r"[1-9]\d*", key)
                    assert _ANNOTATION_VALUE.match(value), f"{file_name(manifest)} {key}: {value!r}"
            template = manifest.get("spec", {}).get("template", {}).get("metadata", {})
            assert not [k for k in template.get("annotations", {}) if k.startswith(SKIP_ANNOTATION_PREFIX)]


def documented_accepted_findings() -> dict[tuple[str, str], set[str]]:
    """docs/security.md's table of accepted findings: (check, reason) to the objects listed for it."""
    match = re.search(
        r"<!-- accepted-findings:start -->\n(.*?)\n<!-- accepted-findings:end -->", SECURITY_DOC.read_text(), re.S
    )
    assert match, "docs/security.md: accepted-findings markers missing"
    listed: dict[tuple[str, str], set[str]] = {}
    for line in match[1].splitlines()[2:]:  # after the header and its rule
        check, objects, reason = (cell.strip().strip("`") for cell in line.strip("|").split("|"))
        listed[(check, reason)] = {name.strip().strip("`") for name in objects.split(",")}
    return listed


def test_the_security_doc_lists_exactly_the_rendered_skips(rendered: dict[str, list[Manifest]]) -> None:
    by_finding: dict[tuple[str, str], set[str]] = defaultdict(set)
    for objects in rendered.values():
        for manifest in objects:
            for finding in skips_of(manifest):
                by_finding[finding].add(f"{manifest['kind']}/{manifest['metadata']['name']}")
    assert documented_accepted_findings() == dict(by_finding)


def test_the_gate_catches_a_finding(tmp_path: Path, rendered: dict[str, list[Manifest]]) -> None:
    """A container that may escalate its privileges fails CKV_K8S_20: the report above can fail."""
    if not CHECKOV.exists():
        unavailable(f"{CHECKOV} not found: scripts/test installs checkov into .venv-tools")
    (workload,) = [m for m in rendered["dev"] if m["kind"] == "Deployment"]
    container = {**workload["spec"]["template"]["spec"]["containers"][0]}
    container["securityContext"] = {**container["securityContext"], "allowPrivilegeEscalation": True}
    spec = {**workload["spec"]["template"]["spec"], "containers": [container]}
    broken = {**workload, "spec": {**workload["spec"], "template": {**workload["spec"]["template"], "spec": spec}}}
    write_manifests([broken], tmp_path)
    command = [str(CHECKOV), "--framework", "kubernetes", "--skip-download", "--directory", str(tmp_path)]
    result = subprocess.run([*command, "--output", "json", "--compact"], capture_output=True, text=True, check=False)
    failed = {r["check_id"] for r in json.loads(result.stdout)["results"]["failed_checks"]}
    assert "CKV_K8S_20" in failed
