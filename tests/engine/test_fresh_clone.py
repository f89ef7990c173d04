"""From a fresh clone, docs/deploying.md's commands work as written, with no step before them (issue: TypeScript and
Go programs, item 5): `scripts/pulumi stack init`, then the first `preview` makes the virtualenv Pulumi.yaml names
from exactly requirements.txt, as Pulumi's own Python host does, and `up`, `up --refresh` and `destroy` follow
against the test cluster. The virtualenv holds the program's runtime, this clone's library and no test tool.

Two words are added to the documented commands: `--yes` to those that change the stack (there is no terminal to
answer their prompt), and a namespace of the test's own, set after `stack init` (other engine tests deploy dev).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from podpatterns.kube import MANAGED_BY

from ..conftest import PROJECT_DIR
from ..lib.checkout import copy_checkout
from ..lib.kube import Kube, delete_namespaces, unique_suffix
from ..lib.pulumi_engine import COMMAND_TIMEOUT, Engine

FRESH_CLONE = re.compile(r"```sh\n# from a fresh clone[^\n]*\n(.*?)```", re.S)
"""docs/deploying.md's block of `scripts/pulumi` commands for a machine with no Pulumi installed."""
CHANGES_THE_STACK = {"up", "destroy"}
TEST_TOOLS = {"pytest", "ruff", "mypy", "sslyze", "checkov", "kubernetes-validate", "pulumi-policy", "yamllint"}


@dataclass
class Walkthrough:
    """The clone, and each documented command as run with its output."""

    root: Path
    namespace: str
    runs: list[subprocess.CompletedProcess[str]] = field(default_factory=list)
    workloads_after_up: list[str] = field(default_factory=list)


def documented_commands() -> list[list[str]]:
    found = FRESH_CLONE.search((PROJECT_DIR / "docs" / "deploying.md").read_text())
    assert found, "docs/deploying.md has no ```sh block starting '# from a fresh clone'"
    commands = [line.split("#")[0].split() for line in found[1].splitlines() if line.split("#")[0].strip()]
    assert commands, "docs/deploying.md's fresh-clone block is empty"
    assert all(words[0] == "scripts/pulumi" for words in commands), commands
    return commands


@pytest.fixture(scope="module")
def walkthrough(engine: Engine, kube: Kube, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walkthrough]:
    root = copy_checkout(tmp_path_factory.mktemp("fresh-clone") / "project")
    assert not (root / ".venv").exists()
    assert not (root / ".pulumi-state").exists()
    # A new user's shell: no Pulumi settings, the cluster's kubeconfig. The built CLI is reused from the cache.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    env |= {"KUBECONFIG": str(engine.kubeconfig), "NO_COLOR": "1"}
    walked = Walkthrough(root, f"fresh{unique_suffix()}")

    def run(words: list[str]) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            words, cwd=root, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
        )
        assert done.returncode == 0, f"{' '.join(words)}:\n{done.stdout}\n{done.stderr}"
        return done

    try:
        for words in documented_commands():
            extra = ["--yes"] if words[1] in CHANGES_THE_STACK else []
            walked.runs.append(run([*words, *extra, "--non-interactive"]))
            if words[1:3] == ["stack", "init"]:
                stack = words[3]
                run(["scripts/pulumi", "config", "set", "pod-patterns:namespace", walked.namespace, "--stack", stack])
            if words[1] == "up" and not walked.workloads_after_up:
                listed = kube.json("get", "deployments,statefulsets", "--namespace", walked.namespace)
                walked.workloads_after_up = [item["metadata"]["name"] for item in listed["items"]]
        yield walked
    finally:
        for words in documented_commands():
            if words[1:3] == ["stack", "init"]:
                subprocess.run(
                    ["scripts/pulumi", "destroy", "--yes", "--non-interactive", "--stack", words[3]], cwd=root,
                    env=env, capture_output=True, timeout=COMMAND_TIMEOUT, check=False,
                )  # fmt: skip
        delete_namespaces(kube, [walked.namespace])


def test_the_first_preview_makes_the_virtualenv_as_pulumis_host_does(walkthrough: Walkthrough) -> None:
    first_preview = next(done for done in walkthrough.runs if done.args[1] == "preview")
    shown = first_preview.stdout + first_preview.stderr  # the engine's ephemeral messages: stderr with --diff
    assert "Creating virtual environment..." in shown, shown
    assert re.search(r"Successfully installed .*pulumi-kubernetes-[\d.]+ .*pulumi-tls-[\d.]+", shown), shown
    assert (walkthrough.root / ".venv" / "bin" / "python").is_file()


def test_up_deploys_the_stack_and_destroy_removes_it(walkthrough: Walkthrough, kube: Kube) -> None:
    assert walkthrough.workloads_after_up == ["elasticsearch"]
    assert any(done.args[1] == "destroy" for done in walkthrough.runs)
    kinds = "deployments,services,configmaps,secrets,networkpolicies"
    selector = f"app.kubernetes.io/managed-by={MANAGED_BY}"
    left = kube.run("get", kinds, "--namespace", walkthrough.namespace, "--selector", selector, "--output", "name")
    assert not left.stdout.strip(), left.stdout


def test_the_program_imports_this_clones_library(walkthrough: Walkthrough) -> None:
    program = ast.parse((walkthrough.root / "__main__.py").read_text())
    imports = [ast.unparse(node) for node in program.body if isinstance(node, ast.Import | ast.ImportFrom)]
    assert imports, "__main__.py imports nothing"
    check = "\n".join([*imports, "import podpatterns", "print(podpatterns.__file__)"])
    python = walkthrough.root / ".venv" / "bin" / "python"
    result = subprocess.run([python, "-c", check], cwd=walkthrough.root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(walkthrough.root / "components")


def test_the_virtualenv_holds_the_runtime_only(walkthrough: Walkthrough) -> None:
    python = walkthrough.root / ".venv" / "bin" / "python"
    listing = subprocess.run(
        [python, "-m", "pip", "list", "--format", "freeze"], capture_output=True, text=True, check=True
    )
    installed = {line.split("==")[0].lower().replace("_", "-") for line in listing.stdout.split()}
    assert {"pulumi", "pulumi-kubernetes", "pulumi-tls", "pyyaml", "pod-patterns"} <= installed
    assert not installed & TEST_TOOLS
