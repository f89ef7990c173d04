"""The Python package as users install it (issue: TypeScript and Go programs, item 6): the wheel and sdist built from a
fresh copy of the checkout by `python -m build`, clean for PyPI (`twine check --strict`), carrying the templates, the
Elasticsearch settings data, `py.typed` and the component package's schema; installed (not editable, not the
checkout) into a fresh virtualenv by the Python language host from a program's requirements.txt, whose `pulumi
preview` through the real CLI against the test cluster plans the patterns' resources.
"""

from __future__ import annotations

import email
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from podpatterns.package import VERSION

from ..conftest import PROJECT_DIR
from ..lib.checkout import copy_checkout
from ..lib.pulumi_engine import Engine, Project

PACKAGE_DATA = ("templates", "elasticsearch/data")
"""Directories of components/podpatterns whose files are not Python but are read at run time."""
PROVIDER_SDKS = ("pulumi-kubernetes", "pulumi-tls")
"""Pinned in the program's requirements as in the checkout's: the engine runs the plugin version an SDK asks for."""


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and the sdist, built as a release is, from a fresh copy of the checkout."""
    source = copy_checkout(tmp_path_factory.mktemp("wheel") / "source")
    out = source.parent / "dist"
    build = [sys.executable, "-m", "build", "--outdir", str(out), str(source)]
    done = subprocess.run(build, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def wheel_of(dist: Path) -> Path:
    (wheel,) = dist.glob("*.whl")
    return wheel


def test_twine_finds_both_distributions_fit_for_pypi(dist: Path) -> None:
    files = sorted(str(path) for path in dist.iterdir())
    assert len(files) == 2, files
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_the_wheel_carries_the_package_data_and_py_typed(dist: Path) -> None:
    names = set(zipfile.ZipFile(wheel_of(dist)).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", *(f"components/podpatterns/{directory}" for directory in PACKAGE_DATA)],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert tracked
    assert {name.removeprefix("components/") for name in tracked} <= names
    assert "podpatterns/py.typed" in names
    assert not [name for name in names if name.startswith(("tests/", "components/"))]


def test_the_metadata_is_the_projects(dist: Path) -> None:
    wheel = zipfile.ZipFile(wheel_of(dist))
    (metadata_name,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    metadata = email.message_from_bytes(wheel.read(metadata_name))
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    assert metadata["Name"] == project["name"]
    assert metadata["Version"] == project["version"] == VERSION
    assert metadata["Requires-Python"] == project["requires-python"]
    assert metadata["License-Expression"] == project["license"]
    assert "Typing :: Typed" in metadata.get_all("Classifier", [])
    runtime = sorted(r for r in metadata.get_all("Requires-Dist", []) if "extra ==" not in r)
    assert len(runtime) == len(project["dependencies"])
    # Pulumi's Python host takes an installed distribution named pulumi-* (or pulumi_*) without a pulumi-plugin.json
    # for a provider's SDK and asks for its plugin; this library needs none (sdk/python/cmd/pulumi-language-python:
    # isPulumiPackage, determinePackageDependency).
    assert not metadata["Name"].startswith(("pulumi-", "pulumi_")), metadata["Name"]


@pytest.fixture(scope="module")
def installed_program(dist: Path, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """examples/python-webapp whose requirements.txt names the built wheel (not the checkout) and the provider SDKs,
    with no virtualenv yet: the language host makes it."""
    root = tmp_path_factory.mktemp("wheel-program")
    directory = root / "program"
    shutil.copytree(PROJECT_DIR / "examples" / "python-webapp", directory)
    requirements = (PROJECT_DIR / "requirements.txt").read_text().splitlines()
    pins = [line for line in requirements if line.startswith(PROVIDER_SDKS)]
    assert len(pins) == len(PROVIDER_SDKS), pins
    (directory / "requirements.txt").write_text("\n".join([str(wheel_of(dist)), *pins]) + "\n")
    (root / "state").mkdir()
    return Project(engine, directory, root / "state", python=None)


def test_a_program_previews_on_the_installed_wheel(installed_program: Project) -> None:
    installed_program.run("install")
    python = installed_program.directory / ".venv" / "bin" / "python"
    where = subprocess.run(
        [python, "-c", "import podpatterns, sys; print(podpatterns.__file__)"], capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    assert "/site-packages/podpatterns/" in where, where
    installed_program.stack_init("dev")
    preview = installed_program.run("preview", "--stack", "dev", "--json").stdout
    planned = {step["newState"]["type"] for step in json.loads(preview)["steps"] if "newState" in step}
    assert {"podpatterns:index:TlsAmbassador", "podpatterns:index:LogTailSidecar", "kubernetes:apps/v1:Deployment"} <= (
        planned
    ), planned


def test_the_installed_package_serves_the_schema_of_the_checkout(installed_program: Project) -> None:
    python = installed_program.directory / ".venv" / "bin" / "python"
    schema = subprocess.run(
        [python, "-c", "import json; from podpatterns import package; print(json.dumps(package.schema()))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert json.loads(schema) == json.loads((PROJECT_DIR / "components" / "schema.json").read_text())
