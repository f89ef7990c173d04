"""The API server or etcd away mid-update (issue: faults): `pulumi up` of dev on a control plane of the test's own,
whose API server or etcd is stopped (SIGSTOP: it holds its connections and answers nothing) for AWAY_SECONDS once
the namespace exists. The update either waits it out or fails naming what it could not do; a failed update leaves
a preview that shows changes (nothing half-made unnoticed); the next `up` converges to the offline render."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube
from ..lib.own_cluster import scripts_cluster
from ..lib.pulumi_engine import COMMAND_TIMEOUT, STACK_ENTRIES, Engine, copy_project
from .live import deployed_objects, kubernetes_urn_keys, rendered_keys

STACK = "dev"
AWAY_SECONDS = 25.0
START_SECONDS = 300.0
"""How long `up` may take to make the namespace (the program and the providers start first)."""


@pytest.fixture
def own_cluster(kube: Kube, tmp_path: Path) -> Iterator[Path]:
    """A control plane of the test's own (stopping the suite's would fail other tests): its directory."""
    directory = tmp_path / "cluster"
    started = scripts_cluster("up", directory)
    assert started.returncode == 0, started.stderr
    yield directory
    scripts_cluster("down", directory)


@pytest.mark.parametrize("program", ["kube-apiserver", "etcd"])
def test_up_with_the_control_plane_away_waits_or_fails_clearly_and_the_next_up_converges(
    program: str, built_engine: Engine, kube: Kube, own_cluster: Path, tmp_path: Path
) -> None:
    engine = Engine(built_engine.bin_dir, built_engine.home, own_cluster / "kubeconfig")
    own = Kube(kube.kubectl, own_cluster / "kubeconfig")
    project = copy_project(engine, PROJECT_DIR, tmp_path / "project", STACK_ENTRIES)
    project.stack_init(STACK)
    expected = rendered_keys(deployed_objects(project.directory, STACK))
    (namespace,) = {ns for kind, ns, _ in expected if kind == "Deployment"}
    command = [str(engine.bin_dir / "pulumi"), "up", "--stack", STACK, "--yes", "--skip-preview", "--non-interactive"]
    up = subprocess.Popen(
        command, cwd=project.directory, env=project.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    pid = int((own_cluster / "pids" / program).read_text())
    try:
        deadline = time.monotonic() + START_SECONDS
        while own.run("get", "namespace", namespace, check=False).returncode != 0:
            assert up.poll() is None, f"up ended before the namespace was made:\n{up.communicate()[0]}"
            assert time.monotonic() < deadline, f"no namespace {namespace} after {START_SECONDS:.0f} s"
            time.sleep(0.1)
        os.kill(pid, signal.SIGSTOP)
        try:
            back = time.monotonic() + AWAY_SECONDS
            while time.monotonic() < back and up.poll() is None:  # the fault's length, not a wait for a condition
                time.sleep(0.5)
        finally:
            os.kill(pid, signal.SIGCONT)
        output, _ = up.communicate(timeout=COMMAND_TIMEOUT)
    finally:
        if up.poll() is None:
            up.kill()
            up.communicate()

    if up.returncode != 0:
        assert "error:" in output, output
        noticed = project.run("preview", "--stack", STACK, "--expect-no-changes", check=False)
        assert noticed.returncode != 0, f"a failed up left nothing for preview to show:\n{output}"
    project.run("up", "--stack", STACK, "--yes", "--skip-preview")
    assert kubernetes_urn_keys(project.export(STACK)) == expected
    clean = project.run("preview", "--stack", STACK, "--expect-no-changes", check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    errors = [line.strip() for line in output.splitlines() if "error:" in line]
    print(
        f"\n{program} away {AWAY_SECONDS:.0f} s: the first up {'failed' if up.returncode else 'waited it out'}", *errors
    )
