"""The README stays short and true: its quick start, its library example and its components table."""

from __future__ import annotations

import re
from pathlib import Path

from podpatterns.pod.pod_security import violations
from podpatterns.render import run_with_mocks

from .conftest import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text()
LONGEST = 250
"""Lines the README may have (issue 27): what it is, the pod, two commands, deploying, one example, the components,
the docs. Everything else has its page under docs/."""
COMPONENTS = (
    "ElasticsearchApp",
    "TlsAmbassador",
    "PrometheusAdapter",
    "LogTailSidecar",
    "SysctlInit",
    "VaultSecretsInit",
)


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= LONGEST, f"README.md has {len(README.splitlines())} lines: move a part to docs/"


def test_every_component_links_its_arguments_and_its_page() -> None:
    section = README.split("## Components", 1)[1].split("\n## ", 1)[0]
    anchors = re.findall(r"\]\(docs/components\.md#(\w+)\)", section)
    assert set(anchors) >= {name.lower() for name in COMPONENTS}
    for name in COMPONENTS:
        (row,) = [line for line in section.splitlines() if line.startswith(f"| `{name}` |")]
        assert f"(docs/components.md#{name.lower()})" in row
        assert re.search(r"\(docs/patterns/[\w-]+\.md\)", row), f"{name}: no link to its page"


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
