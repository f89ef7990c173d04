"""The steps of .github/workflows/preview.yml's preview job, run here with the real CLI up to the pull-request comment.

The shell steps run as written, with a runner's variables (RUNNER_TEMP, GITHUB_ENV) and a Python of their own first
on PATH, as actions/setup-python gives. The pulumi/actions step becomes the CLI command its inputs ask for, on a
file backend instead of Pulumi Cloud (no token here), and its output becomes the comment that action posts: a heading
naming the command and the stack, then the output in a collapsed block.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from ..conftest import PROJECT_DIR
from ..lib.checkout import copy_checkout
from ..lib.kube import Kube
from ..lib.pulumi_engine import Engine, Project

WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "preview.yml"


def comment_body(command: str, project: str, stack: str, output: str) -> str:
    """The comment pulumi/actions posts for `comment-on-pr` (its output cut at 64,000 characters)."""
    return (
        f"#### :tropical_drink: `{command}` on {project}/{stack}\n\n<details>\n<summary>Pulumi report</summary>\n\n"
        f"```\n{output[:64_000]}\n```\n\n</details>"
    )


def _pulumi_arguments(inputs: dict[str, Any], stack: str) -> list[str]:
    """The CLI arguments for the pulumi/actions inputs the workflow uses, in the matrix job of `stack`."""
    arguments = [inputs["command"], "--stack", str(inputs["stack-name"]).replace("${{ matrix.stack }}", stack)]
    if inputs.get("diff"):
        arguments.append("--diff")
    if inputs.get("policyPacks"):
        arguments += ["--policy-pack", str(inputs["policyPacks"])]
    return arguments


def test_preview_job_comments_the_real_preview(engine: Engine, kube: Kube, tmp_path: Path) -> None:
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["preview"]
    stack = job["strategy"]["matrix"]["stack"][0]
    workspace, runner_temp = tmp_path / "workspace", tmp_path / "runner-temp"
    workspace.mkdir(), runner_temp.mkdir()
    copy_checkout(workspace)
    runner_python = tmp_path / "setup-python"
    subprocess.run([sys.executable, "-m", "venv", str(runner_python)], check=True)
    github_env = tmp_path / "github-env"
    github_env.touch()
    env = {
        **os.environ,
        "PATH": f"{runner_python / 'bin'}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_ENV": str(github_env),
        "KUBECONFIG_CONTENT": kube.kubeconfig.read_text(),
    }
    env.pop("VIRTUAL_ENV", None)
    pulumi_step = None
    for step in job["steps"]:
        if "run" in step:
            subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, check=True, timeout=1200)
        elif step["uses"].startswith("pulumi/actions"):
            pulumi_step = step
    assert pulumi_step is not None
    exported = dict(line.split("=", 1) for line in github_env.read_text().splitlines())
    assert Path(exported["KUBECONFIG"]).read_text().strip() == kube.kubeconfig.read_text().strip()

    backend = tmp_path / "state"
    backend.mkdir()
    # No interpreter chosen for plugins: the policy pack runs on the Python first on PATH, as on the runner.
    runner = dataclasses.replace(engine, kubeconfig=Path(exported["KUBECONFIG"]))
    project = Project(runner, workspace, backend, path=env["PATH"], python=None)
    project.stack_init(stack)
    inputs = pulumi_step["with"]
    preview = project.run(*_pulumi_arguments(inputs, stack))
    body = comment_body(inputs["command"], "pod-patterns", stack, preview.stdout)

    assert body.startswith(f"#### :tropical_drink: `preview` on pod-patterns/{stack}")
    assert "kubernetes:apps/v1:Deployment" in body or "kubernetes:apps/v1:StatefulSet" in body
    assert "tls:index/locallySignedCert:LocallySignedCert" in body
    assert "to create" in body
    assert "Policy Packs run:" in body, body
    assert "pod-patterns|local|policy" in body, body  # the policy pack ran on the preview
