"""scripts/cluster itself: a second control plane in a directory of the test's own, beside the one the suite uses.

Starting twice is harmless, a busy port stops the start with a message naming it and leaves nothing behind, a
start under CPU load is whole, a program of the cluster that exits is named by `up` and by the tests' check, and
`down` leaves no process and no file.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..lib.kube import Kube, exited
from ..lib.own_cluster import scripts_cluster
from ..lib.support.processes import alive, processes_naming


@pytest.fixture
def directory(kube: Kube, tmp_path: Path) -> Iterator[Path]:
    """A cluster directory of the test's own (the programs are already built: the suite's cluster runs on them)."""
    path = tmp_path / "cluster"
    yield path
    scripts_cluster("down", path)


def test_up_twice_is_harmless_and_down_leaves_no_process_and_no_file(directory: Path) -> None:
    first = scripts_cluster("up", directory)
    assert first.returncode == 0, first.stderr
    pids = {p.name: p.read_text() for p in (directory / "pids").iterdir()}
    assert set(pids) == {
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kwok",
        "local-path-provisioner",
    }
    assert first.stdout.splitlines()[0] == f"KUBECONFIG={directory}/kubeconfig"
    second = scripts_cluster("up", directory)
    assert second.returncode == 0, second.stderr
    assert "already up" in second.stderr
    assert {p.name: p.read_text() for p in (directory / "pids").iterdir()} == pids
    assert processes_naming(directory)
    down = scripts_cluster("down", directory)
    assert down.returncode == 0, down.stderr
    assert processes_naming(directory) == []
    assert not directory.exists()
    assert [name for name, pid in pids.items() if alive(pid.strip())] == []


def test_a_busy_port_stops_the_start_naming_it_and_leaves_nothing(directory: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        start = scripts_cluster("up", directory, PODPATTERNS_CLUSTER_PORT=port)
    assert start.returncode != 0
    assert f"port {port} is busy" in start.stderr, start.stderr
    assert "PODPATTERNS_CLUSTER_PORT" in start.stderr
    assert processes_naming(directory) == []
    assert not directory.exists()


def test_under_cpu_load_up_starts_whole_and_a_program_that_exits_is_named_by_up_and_the_tests(
    directory: Path,
) -> None:
    hogs = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(os.cpu_count() or 2)]
    try:
        up = scripts_cluster("up", directory)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert up.returncode == 0, up.stderr
    assert exited(directory) == []
    killed: list[str] = []
    programs = ("kube-apiserver", "kube-scheduler", "kube-controller-manager", "kwok", "local-path-provisioner")
    for name in programs:  # etcd still runs
        pid = int((directory / "pids" / name).read_text())
        os.kill(pid, signal.SIGKILL)
        killed.append(name)
        while alive(str(pid)):  # init collects it within moments
            time.sleep(0.05)
        again = scripts_cluster("up", directory)
        assert again.returncode != 0, again.stderr
        assert f"cluster: {' '.join(sorted(killed))} exited" in again.stderr, again.stderr
        assert f"the end of {directory}/logs/{name}.log" in again.stderr
        assert "scripts/cluster down, then up" in again.stderr
        assert [process.split()[0] for process in exited(directory)] == sorted(killed)  # what the tests' check names
    os.kill(int((directory / "pids" / "etcd").read_text()), signal.SIGKILL)  # nothing runs: a left directory
    anew = scripts_cluster("up", directory)
    assert anew.returncode == 0, anew.stderr
    assert "no longer answers: removing it" in anew.stderr
    assert exited(directory) == []


def test_env_without_a_cluster_says_how_to_start_one(directory: Path) -> None:
    env = scripts_cluster("env", directory)
    assert env.returncode != 0
    assert "scripts/cluster up" in env.stderr
    assert env.stdout == ""
