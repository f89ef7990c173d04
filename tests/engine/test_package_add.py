"""`pulumi package add` of this repository's component package into a fresh TypeScript and a fresh Go program, as the
README tells users: the SDK generated into sdks/podpatterns, linked, the dependencies installed, and it imports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from ..conftest import PROJECT_DIR
from ..lib.prerequisites import require_program
from ..lib.pulumi_engine import Engine, Project

pytestmark = pytest.mark.tools  # npm and Go

COMPONENTS = str(PROJECT_DIR / "components")
GO_MODULE = "example.com/pulumi-podpatterns/sdk/go"
GO_PROGRAM = """package main

import (
	"example.com/pulumi-podpatterns/sdk/go/podpatterns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := podpatterns.NewSysctlInit(ctx, "sysctl", &podpatterns.SysctlInitArgs{})
		return err
	})
}
"""


def fresh(engine: Engine, directory: Path, runtime: str) -> Project:
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text(yaml.safe_dump({"name": f"fresh-{runtime}", "runtime": runtime}))
    backend = directory.parent / "state"
    backend.mkdir()
    return Project(engine, directory, backend)


def test_package_add_links_the_sdk_into_a_typescript_program(built_engine: Engine, tmp_path: Path) -> None:
    node = require_program("node", "nodejs")
    require_program("npm", "nodejs")
    project = fresh(built_engine, tmp_path / "program", "nodejs")
    pulumi_sdk = json.loads((PROJECT_DIR / "examples" / "typescript" / "package.json").read_text())["dependencies"]
    manifest = {"name": "fresh", "private": True, "dependencies": {"@pulumi/pulumi": pulumi_sdk["@pulumi/pulumi"]}}
    (project.directory / "package.json").write_text(json.dumps(manifest))

    done = project.run("package", "add", COMPONENTS)
    assert 'import * as podpatterns from "@pulumi/podpatterns";' in done.stdout
    assert yaml.safe_load((project.directory / "Pulumi.yaml").read_text())["packages"] == {"podpatterns": COMPONENTS}
    linked = json.loads((project.directory / "package.json").read_text())
    assert linked["dependencies"]["@pulumi/podpatterns"] == "file:sdks/podpatterns"
    # Installed and built by its postinstall: node loads the components' classes.
    loaded = subprocess.run(
        [node, "-e", "const p = require('@pulumi/podpatterns'); console.log(typeof p.TlsAmbassador)"],
        cwd=project.directory, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert loaded.stdout.strip() == "function", loaded.stderr


def test_package_add_links_the_sdk_into_a_go_program(built_engine: Engine, tmp_path: Path) -> None:
    go = require_program("go", "golang-go")
    project = fresh(built_engine, tmp_path / "program", "go")
    pulumi_sdk = next(
        line.split()[-2:] for line in (PROJECT_DIR / "examples" / "go" / "go.mod").read_text().splitlines()
        if line.strip().startswith("github.com/pulumi/pulumi/sdk/v3 ")
    )  # fmt: skip
    go_mod = f"module example.com/fresh\n\ngo 1.26.6\n\nrequire {' '.join(pulumi_sdk)}\n"
    (project.directory / "go.mod").write_text(go_mod)
    (project.directory / "main.go").write_text(GO_PROGRAM)

    done = project.run("package", "add", COMPONENTS)
    assert f'import "{GO_MODULE}/podpatterns"' in done.stdout
    assert f"replace {GO_MODULE} => ./sdks/podpatterns" in (project.directory / "go.mod").read_text()
    built = subprocess.run(
        [go, "build", "-o", str(tmp_path / "program.bin"), "."],
        cwd=project.directory, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
