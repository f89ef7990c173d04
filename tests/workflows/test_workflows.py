"""The GitHub Actions workflows: valid for GitHub, lint-clean, least privilege, pinned, as docs/deploying.md says.

There is no GitHub runner here: the workflows are checked against GitHub's workflow schema (as vendored by
check-jsonschema), their shell steps by `bash -n`, and their structure by the assertions below. What they run
(scripts/test, scripts/manifest-diff) is tested on its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import PROJECT_DIR, STACKS

WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@([0-9a-f]{40}|v\d+(\.\d+)*)$")
"""A full commit SHA, or a release tag (only pulumi/actions, by its major version: docs/deploying.md)."""


def load(name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    (step,) = [s for s in job["steps"] if s.get("uses", "").startswith(f"{action}@")]
    return step


def test_every_yaml_file_passes_yamllint() -> None:
    result = subprocess.run(
        [BIN / "yamllint", "--strict", "-f", "parsable", "."],
        cwd=PROJECT_DIR,
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_yamllint_config_catches_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("config:\n  a: 1\n  a: 2\n  b: yes\n  c: " + "x" * 130 + "\n")
    result = subprocess.run(
        [BIN / "yamllint", "-c", PROJECT_DIR / ".yamllint.yaml", "-f", "parsable", bad],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "(key-duplicates)" in result.stdout
    assert "(truthy)" in result.stdout
    assert "(line-length)" in result.stdout


def validate_workflows(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *paths]
    return subprocess.run(command, check=False, capture_output=True, text=True)


def test_workflows_match_githubs_workflow_schema() -> None:
    paths = sorted(WORKFLOWS.glob("*.yml"))
    assert [p.name for p in paths] == ["preview.yml", "renew-certificates.yml", "test.yml"]
    result = validate_workflows(*paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS / "test.yml").read_text()
    broken.write_text(text.replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04"))
    result = validate_workflows(broken)
    assert result.returncode == 1
    assert "runs-on" in result.stdout


@pytest.mark.parametrize("name", ["test.yml", "preview.yml", "renew-certificates.yml"])
def test_actions_are_pinned_and_jobs_bounded(name: str) -> None:
    workflow = load(name)
    for job_name, job in workflow["jobs"].items():
        assert job.get("timeout-minutes"), f"{name} job {job_name} has no timeout"
    uses = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert uses
    for action in uses:
        assert PINNED.match(action), f"{name}: {action} is not pinned to a commit SHA or release"
        if not re.search(r"@[0-9a-f]{40}$", action):
            assert action.startswith("pulumi/actions@v"), f"{name}: {action} must be pinned to a commit SHA"
    # A pulumi up is never cancelled (it would leave the stack locked); checks and previews are.
    assert workflow["concurrency"]["cancel-in-progress"] is (name != "renew-certificates.yml")
    assert "${{" in workflow["concurrency"]["group"]


@pytest.mark.parametrize("name", ["test.yml", "preview.yml", "renew-certificates.yml"])
def test_shell_steps_parse(name: str) -> None:
    for step in steps(load(name)):
        if "run" in step:
            script = re.sub(r"\$\{\{.*?\}\}", "placeholder", step["run"])
            result = subprocess.run(["bash", "-n"], input=script, check=False, capture_output=True, text=True)
            assert result.returncode == 0, f"{name}: {step.get('name', script)}: {result.stderr}"


def test_tests_run_the_readme_command_as_root_under_ci_on_every_push_and_pull_request() -> None:
    workflow = load("test.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert workflow["on"]["push"] is None  # every branch
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["runs-on"].startswith("ubuntu-")
    # Debian 12, as root and privileged (namespaces): the Debian packages the behaviour tests pin are bookworm's.
    assert job["container"] == {"image": "python:3.11-bookworm", "options": "--privileged"}
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["CI=true scripts/test"]
    assert step_using(job, "actions/setup-node")["with"]["node-version"] == "20"  # the Mermaid parser (jsdom)


def test_preview_runs_pulumi_per_stack_only_with_credentials_and_comments_on_the_pull_request() -> None:
    workflow = load("preview.yml")
    assert set(workflow["on"]) == {"pull_request"}
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    check = jobs["credentials"]["steps"][0]
    assert check["env"] == {
        "PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}",
        "KUBECONFIG_CONTENT": "${{ secrets.KUBECONFIG }}",
    }
    assert 'available=true" >> "$GITHUB_OUTPUT"' in check["run"]
    preview = jobs["preview"]
    assert preview["needs"] == "credentials"
    assert preview["if"] == "needs.credentials.outputs.available == 'true'"
    assert preview["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert sorted(preview["strategy"]["matrix"]["stack"]) == STACKS
    assert preview["strategy"]["fail-fast"] is False
    (pulumi,) = [s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@")]
    runs = [s.get("run") or "" for s in preview["steps"]]
    # .venv from requirements.txt, the file Pulumi's pip toolchain reads (what `pulumi install` does): never
    # `pip install .` by hand, which would hide a requirements.txt that no longer installs the program.
    assert any(".venv/bin/pip install --quiet --requirement requirements.txt" in run for run in runs)
    assert not [run for run in runs if "pip install ." in run]
    assert pulumi["with"] == {
        "command": "preview",
        "stack-name": "${{ matrix.stack }}",
        "diff": True,
        "policyPacks": "policy",
        "comment-on-pr": True,
        "edit-pr-comment": True,
        "github-token": "${{ secrets.GITHUB_TOKEN }}",
    }
    assert pulumi["env"] == {"PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}"}
    assert (PROJECT_DIR / "policy" / "requirements.txt").exists()


def test_everyone_gets_the_offline_manifest_diff_without_secrets() -> None:
    job = load("preview.yml")["jobs"]["manifest-diff"]
    assert "needs" not in job
    assert "if" not in job
    assert job["permissions"] == {"contents": "read"}
    assert "secrets." not in yaml.safe_dump(job)
    assert step_using(job, "actions/checkout")["with"]["fetch-depth"] == 0
    (diff,) = [step for step in job["steps"] if "run" in step]
    assert diff["run"] == 'scripts/manifest-diff "origin/$BASE_REF" >> "$GITHUB_STEP_SUMMARY"'
    assert diff["env"] == {"BASE_REF": "${{ github.base_ref }}"}  # never interpolated into the script


def test_no_job_checks_out_with_persisted_credentials() -> None:
    for name in ("test.yml", "preview.yml", "renew-certificates.yml"):
        for job in load(name)["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False


def test_scripts_the_workflows_run_exist_and_are_executable() -> None:
    for script in ("scripts/test", "scripts/manifest-diff"):
        path = PROJECT_DIR / script
        assert path.stat().st_mode & 0o111, f"{script} is not executable"


def test_certificates_are_renewed_by_a_daily_pulumi_up_of_every_stack_one_at_a_time() -> None:
    workflow = load("renew-certificates.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    (schedule,) = workflow["on"]["schedule"]
    fields = schedule["cron"].split()
    assert fields[0].isdigit()
    assert fields[1].isdigit()
    assert fields[2:] == ["*", "*", "*"]  # daily: well inside the 30-day early-renewal window
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    assert job["strategy"]["matrix"]["stack"] == ["dev", "staging", "prod"]
    assert job["strategy"]["max-parallel"] == 1
    assert job["timeout-minutes"] >= 30  # at least a whole prod rollout (3 nodes x 600 s)
    pulumi = step_using(job, "pulumi/actions")
    assert pulumi["with"] == {
        "command": "up",
        "stack-name": "${{ matrix.stack }}",
        "refresh": True,
        "policyPacks": "policy",
    }
    assert pulumi["env"] == {"PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}"}
