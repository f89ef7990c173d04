"""scripts/cluster itself: a second control plane in a directory of the test's own, beside the one the suite uses.

Starting twice is harmless, a busy port stops the start with a message naming it and leaves nothing behind, and
`down` leaves no process and no file.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube
from ..lib.support.processes import alive, processes_naming

SCRIPT = PROJECT_DIR / "scripts" / "cluster"


def cluster(command: str, directory: Path, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "PODPATTERNS_CLUSTER_PORT"}
    environment = {**inherited, "PODPATTERNS_CLUSTER_DIR": str(directory), **env}
    return subprocess.run([SCRIPT, command], env=environment, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def directory(kube: Kube, tmp_path: Path) -> Iterator[Path]:
    """A cluster directory of the test's own (the programs are already built: the suite's cluster runs on them)."""
    path = tmp_path / "cluster"
    yield path
    cluster("down", path)


def test_up_twice_is_harmless_and_down_leaves_no_process_and_no_file(directory: Path) -> None:
    first = cluster("up", directory)
    assert first.returncode == 0, first.stderr
    pids = {p.name: p.read_text() for p in (directory / "pids").iterdir()}
    assert set(pids) == {"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}
    assert first.stdout.splitlines()[0] == f"KUBECONFIG={directory}/kubeconfig"
    second = cluster("up", directory)
    assert second.returncode == 0, second.stderr
    assert "already up" in second.stderr
    assert {p.name: p.read_text() for p in (directory / "pids").iterdir()} == pids
    assert processes_naming(directory)
    down = cluster("down", directory)
    assert down.returncode == 0, down.stderr
    assert processes_naming(directory) == []
    assert not directory.exists()
    assert [name for name, pid in pids.items() if alive(pid.strip())] == []


def test_a_busy_port_stops_the_start_naming_it_and_leaves_nothing(directory: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        start = cluster("up", directory, PODPATTERNS_CLUSTER_PORT=port)
    assert start.returncode != 0
    assert f"port {port} is busy" in start.stderr, start.stderr
    assert "PODPATTERNS_CLUSTER_PORT" in start.stderr
    assert processes_naming(directory) == []
    assert not directory.exists()


def test_env_without_a_cluster_says_how_to_start_one(directory: Path) -> None:
    env = cluster("env", directory)
    assert env.returncode != 0
    assert "scripts/cluster up" in env.stderr
    assert env.stdout == ""
