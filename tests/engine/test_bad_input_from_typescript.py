"""Bad arguments from a TypeScript program get the message a Python program gets for the same arguments, naming the
argument by its path, before anything is registered (the component provider refuses them; tests/package covers the
provider alone). A program of the test's own on the generated SDK, previewed with the real engine, no cluster."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
import yaml
from podpatterns import TlsAmbassador
from podpatterns.render import run_with_mocks
from podpatterns.settings import SettingsError
from podpatterns.settings.inputs import MUST_NOT_BE_SECRET

from ..conftest import PROJECT_DIR
from ..lib.prerequisites import require_program
from ..lib.pulumi_engine import Engine, Project

pytestmark = pytest.mark.tools  # npm

EXAMPLE = PROJECT_DIR / "examples" / "typescript"
PROGRAM = """import * as pulumi from "@pulumi/pulumi";
import * as podpatterns from "@pulumi/podpatterns";

const target = {
    name: "web", namespace: "shop", labels: { app: "web" }, appContainer: "web", appPort: 8443, serviceName: "web",
};
// Each case passes what the SDK's types would refuse at compile time: as a JavaScript caller or an `any` could.
const cases: { [name: string]: any } = {
    type: { target, upstreamPort: "eighty" },
    unknown: { target: { ...target, colour: "blue" }, upstreamPort: 8080 },
    secret: { target, upstreamPort: 8080, validityHours: pulumi.secret(720) },
    missing: { upstreamPort: 8080 },
};
new podpatterns.TlsAmbassador("web-tls", cases[new pulumi.Config().require("case")]);
"""
TARGET = {"name": "web", "namespace": "shop", "labels": {"app": "web"}, "app_container": "web", "app_port": 8443,
          "service_name": "web"}  # fmt: skip


@pytest.fixture(scope="module")
def program(built_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The program, its SDK generated and its dependencies installed (`pulumi install`), a stack initialised."""
    require_program("npm", "nodejs")
    directory = tmp_path_factory.mktemp("bad-input") / "program"
    directory.mkdir()
    for name in ("package.json", "package-lock.json", "tsconfig.json"):
        shutil.copy2(EXAMPLE / name, directory / name)
    (directory / "index.ts").write_text(PROGRAM)
    settings = {"name": "bad-input", "runtime": "nodejs", "packages": {"podpatterns": str(PROJECT_DIR / "components")}}
    (directory / "Pulumi.yaml").write_text(yaml.safe_dump(settings))
    backend = directory.parent / "state"
    backend.mkdir()
    project = Project(built_engine, directory, backend)
    project.run("install")
    project.stack_init("test")
    return project


def refused(project: Project, case: str) -> str:
    done = project.run("preview", "--stack", "test", "--config", f"case={case}", check=False)
    assert done.returncode != 0
    return done.stdout + done.stderr


def python_message(args: Callable[[], dict[str, Any]]) -> str:
    """What a Python program gets for the arguments `args()` makes (in the program: they may hold Outputs)."""

    def build() -> None:
        TlsAmbassador("web-tls", args())

    with pytest.raises(SettingsError) as raised:
        run_with_mocks(build, project="test", stack="test")
    return str(raised.value)


@pytest.mark.parametrize(
    ("case", "python_args"),
    [
        ("type", {"target": TARGET, "upstream_port": "eighty"}),
        ("unknown", {"target": {**TARGET, "colour": "blue"}, "upstream_port": 8080}),
    ],
)
def test_a_refused_argument_gets_pythons_message(program: Project, case: str, python_args: dict[str, Any]) -> None:
    message = python_message(lambda: python_args)
    assert message.startswith("TlsAmbassador 'web-tls' arguments: ")
    output = refused(program, case)
    assert f"podpatterns:index:TlsAmbassador resource 'web-tls' has a problem: {message}" in output
    assert "Traceback" not in output
    assert "Unexpected <class" not in output


def test_a_secret_where_a_plain_value_is_required_is_refused_by_its_python_path(program: Project) -> None:
    """A Python program's Outputs are refused as not known yet; through the engine, a secret is named as such."""
    output = refused(program, "secret")
    assert f"TlsAmbassador 'web-tls' arguments: validity_hours: {MUST_NOT_BE_SECRET}" in output
    secret = python_message(
        lambda: {"target": TARGET, "upstream_port": 8080, "validity_hours": pulumi.Output.secret(720)}
    )
    assert secret.startswith("TlsAmbassador 'web-tls' arguments: validity_hours: must be known")


def test_a_missing_required_argument_is_refused_by_the_sdk(program: Project) -> None:
    assert "Missing required property 'target'" in refused(program, "missing")
    assert "target: is required" in python_message(lambda: {"upstream_port": 8080})
