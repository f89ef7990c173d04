"""toolchain/share-kube-versions: the wrappers built after the control plane (CoreDNS, the volume provisioner) compile
the modules they share with it at its versions. Go's build cache reuses a compiled package only when it and everything
below it are the same versions: so shared, client-go, gRPC and x/net compile once (docs/performance.md)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.prerequisites import require_program

pytestmark = pytest.mark.tools  # Go and the module proxy
TOOLCHAIN = PROJECT_DIR / "toolchain"
NEWER_X_TIME = "v0.16.0"
"""A golang.org/x/time newer than the control plane's."""


def go(module: Path, *args: str, mod: str = "readonly") -> subprocess.CompletedProcess[str]:
    require_program("go", "golang-go")
    env = {**os.environ, "GOWORK": "off", "GOFLAGS": f"-mod={mod}"}
    return subprocess.run(["go", *args], cwd=module, env=env, capture_output=True, text=True, check=False)


def built_modules(module: Path, *packages: str) -> dict[str, str]:
    """The modules whose packages a build of `packages` compiles, with the version built (a replacement's)."""
    template = "{{with .Module}}{{.Path}} {{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}{{end}}"
    listed = go(module, "list", "-deps", "-f", template, *packages)
    assert listed.returncode == 0, listed.stderr
    return dict(line.split() for line in listed.stdout.splitlines() if len(line.split()) == 2)  # not the main module


@pytest.fixture(scope="module")
def control_plane() -> dict[str, str]:
    return built_modules(TOOLCHAIN / "kube", "tool")


@pytest.mark.parametrize(("wrapper", "package"), [("coredns", "."), ("provisioner", "tool")])
def test_the_wrappers_build_every_module_they_share_with_the_control_plane_at_its_version(
    control_plane: dict[str, str], wrapper: str, package: str
) -> None:
    ours = built_modules(TOOLCHAIN / wrapper, package)
    shared = ours.keys() & control_plane.keys()
    assert {"k8s.io/client-go", "k8s.io/apimachinery", "golang.org/x/net", "google.golang.org/protobuf"} <= shared
    assert {module: (ours[module], control_plane[module]) for module in shared if ours[module] != control_plane[module]
            } == {}  # fmt: skip


def probe_wrapper(tmp_path: Path, x_time: str) -> Path:
    """A wrapper module of the test's own whose main uses golang.org/x/time at `x_time`."""
    module = tmp_path / "probe"
    module.mkdir()
    (module / "go.mod").write_text(f"module podpatterns.local/probe\n\ngo 1.26\n\nrequire golang.org/x/time {x_time}\n")
    (module / "main.go").write_text(
        'package main\n\nimport "golang.org/x/time/rate"\n\nvar _ = rate.Inf\n\nfunc main() {}\n'
    )
    tidied = go(module, "mod", "tidy", mod="mod")
    assert tidied.returncode == 0, tidied.stderr
    return module


def share(module: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TOOLCHAIN / "share-kube-versions", "."], cwd=module, capture_output=True, text=True, check=False
    )


def test_an_older_shared_module_is_raised_to_the_control_planes_version(
    control_plane: dict[str, str], tmp_path: Path
) -> None:
    module = probe_wrapper(tmp_path, "v0.3.0")
    shared = share(module)
    assert shared.returncode == 0, shared.stderr
    assert built_modules(module, ".")["golang.org/x/time"] == control_plane["golang.org/x/time"]
    assert go(module, "build", "-o", os.devnull, ".").returncode == 0


def test_a_newer_one_than_the_control_planes_fails_and_is_named(control_plane: dict[str, str], tmp_path: Path) -> None:
    theirs = control_plane["golang.org/x/time"]
    assert theirs != NEWER_X_TIME, f"toolchain/kube builds golang.org/x/time {theirs}: raise NEWER_X_TIME above it"
    module = probe_wrapper(tmp_path, NEWER_X_TIME)
    shared = share(module)
    assert shared.returncode == 1
    assert "share-kube-versions: probe needs newer versions than toolchain/kube builds" in shared.stderr
    assert f"golang.org/x/time {NEWER_X_TIME} {theirs}" in shared.stderr
