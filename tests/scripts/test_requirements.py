"""requirements.txt is what Pulumi's pip toolchain installs (Pulumi.yaml: toolchain pip, virtualenv .venv): a fresh
virtual environment made from exactly that file, as Pulumi makes it, runs the program's imports, and holds none of
the test tools (scripts/render installs the same). Needs PyPI, as `pulumi install` does.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import PROJECT_DIR

TEST_TOOLS = {"pytest", "ruff", "mypy", "sslyze", "checkov", "kubernetes-validate", "pulumi-policy", "yamllint"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's tracked files, with a .venv made the way Pulumi's pip toolchain makes it."""
    root = tmp_path_factory.mktemp("pulumi-install") / "project"
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_DIR, check=True, capture_output=True, text=True)
    for name in filter(None, listing.stdout.split("\0")):
        if (PROJECT_DIR / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_DIR / name, root / name)
    subprocess.run([sys.executable, "-m", "venv", root / ".venv"], check=True)
    # As pulumi install runs it, less the byte-compiling of every module, which nothing here depends on.
    pip_install = [root / ".venv" / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-compile"]
    result = subprocess.run(
        [*pip_install, "--requirement", "requirements.txt"], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return root


def test_pulumi_yaml_names_the_pip_toolchain_and_the_venv_made_here() -> None:
    options = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["runtime"]["options"]
    assert options == {"toolchain": "pip", "virtualenv": ".venv"}
    assert (PROJECT_DIR / "requirements.txt").is_file()


@pytest.mark.slow  # a venv installed from PyPI
def test_the_program_imports_in_a_venv_made_from_requirements_txt(project: Path) -> None:
    program = ast.parse((project / "__main__.py").read_text())
    imports = [ast.unparse(node) for node in program.body if isinstance(node, ast.Import | ast.ImportFrom)]
    assert imports, "__main__.py imports nothing"
    check = "\n".join([*imports, "import podpatterns", "print(podpatterns.__file__)"])
    result = subprocess.run(
        [project / ".venv" / "bin" / "python", "-c", check], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(project / "components")  # this checkout's library


@pytest.mark.slow
def test_the_venv_holds_the_runtime_only(project: Path) -> None:
    listing = subprocess.run(
        [project / ".venv" / "bin" / "python", "-m", "pip", "list", "--format", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {line.split("==")[0].lower().replace("_", "-") for line in listing.stdout.split()}
    assert {"pulumi", "pulumi-kubernetes", "pulumi-tls", "pyyaml", "pulumi-pod-patterns"} <= installed
    assert not installed & TEST_TOOLS
