"""The README stays true: its quick start and its configuration reference."""

from __future__ import annotations

import re
from pathlib import Path

from podpatterns.pod.pod_security import violations
from podpatterns.reference.settings_table import markdown
from podpatterns.render import run_with_mocks

from .conftest import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text()


def test_configuration_reference_is_generated_from_the_settings() -> None:
    match = re.search(
        r"<!-- configuration-reference:start -->\n(.*)\n<!-- configuration-reference:end -->", README, re.S
    )
    assert match, "configuration reference markers missing"
    assert match[1] == markdown(), "regenerate with: python -m podpatterns.reference.settings_table"


def test_quick_start_has_exactly_two_commands_that_exist() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    commands = block.strip().splitlines()
    assert commands == ["scripts/render dev", "scripts/test"]
    for command in commands:
        script = PROJECT_DIR / command.split()[0]
        assert script.exists()
        assert script.stat().st_mode & 0o111, f"{script} is not executable"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT_DIR / ".ci" / "run").read_text()
    assert "scripts/test" in ci
    assert "CI=true" in ci
    assert "pytest" in Path(PROJECT_DIR / "scripts" / "test").read_text()


def test_the_library_example_deploys_offline_and_passes_pod_security() -> None:
    # The example merges a debug container into every pod; unsafe, it would raise PodSecurityError.
    section = README.split("## Using the library in your own Pulumi program", 1)[1].split("\n## ", 1)[0]
    program = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    recording = run_with_mocks(lambda: exec(program, {}), project="shop", stack="dev")
    (statefulset,) = [r.inputs for r in recording.registrations if r.type == "kubernetes:apps/v1:StatefulSet"]
    pod = statefulset["spec"]["template"]["spec"]
    assert "debug" in [c["name"] for c in pod["containers"]]
    assert violations(pod, level="restricted") == []
    assert "endpoint" in recording.outputs


def test_the_offline_test_example_is_the_file_ci_runs() -> None:
    match = re.search(
        r"<!-- offline-test-example:start -->\n```python\n(.*?)```\n<!-- offline-test-example:end -->", README, re.S
    )
    assert match, "offline test example markers missing"
    assert match[1] == (PROJECT_DIR / "tests" / "examples" / "test_offline_example.py").read_text()
