"""SysctlInit's rendered script on Debian's real busybox `sh`, against a stand-in for /proc/sys."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from podpatterns.sysctl.contribution import sysctl_contribution
from podpatterns.sysctl.settings import SysctlInitSettings

from ..lib.busybox_image import busybox_path
from ..lib.prerequisites import require_program

WANTED = 262144


def rendered_command(*sysctls: str) -> list[str]:
    (init,) = sysctl_contribution(SysctlInitSettings(sysctls=sysctls), source="test").init_containers
    command: list[str] = init["command"]
    return command


def stand_in(root: Path, values: dict[str, str]) -> Path:
    """/proc/sys as files: vm.max_map_count is root/vm/max_map_count."""
    for name, value in values.items():
        path = root.joinpath(*name.split("."))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + "\n")
    return root


def run(
    command: list[str], root: Path, path: str, *, user: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": path, "SYSCTL_ROOT": str(root)}
    return subprocess.run([*(user or []), *command], env=env, capture_output=True, text=True, timeout=5, check=False)


@pytest.fixture
def image_path(tmp_path: Path) -> str:
    return busybox_path(tmp_path / "bin")


def test_a_lower_value_is_raised(tmp_path: Path, image_path: str) -> None:
    root = stand_in(tmp_path / "sys", {"vm.max_map_count": "65530"})
    result = run(rendered_command(f"vm.max_map_count={WANTED}"), root, image_path)
    assert result.returncode == 0, result.stderr
    assert (root / "vm" / "max_map_count").read_text().strip() == str(WANTED)
    assert "vm.max_map_count raised from 65530 to 262144" in result.stdout


def test_a_higher_value_is_never_lowered(tmp_path: Path, image_path: str) -> None:
    root = stand_in(tmp_path / "sys", {"vm.max_map_count": "1048576", "fs.file-max": "10"})
    result = run(rendered_command(f"vm.max_map_count={WANTED}", "fs.file-max=100"), root, image_path)
    assert result.returncode == 0, result.stderr
    assert (root / "vm" / "max_map_count").read_text() == "1048576\n"  # untouched, byte for byte
    assert (root / "fs" / "file-max").read_text().strip() == "100"
    assert "vm.max_map_count is 1048576, at least 262144: unchanged" in result.stdout


def test_garbage_is_refused_with_a_clear_message(tmp_path: Path, image_path: str) -> None:
    root = stand_in(tmp_path / "sys", {"vm.max_map_count": "lots"})
    result = run(rendered_command(f"vm.max_map_count={WANTED}"), root, image_path)
    assert result.returncode != 0
    assert "holds 'lots', not a whole number: refusing to change it" in result.stderr
    assert (root / "vm" / "max_map_count").read_text() == "lots\n"


def test_a_missing_sysctl_is_a_clear_error(tmp_path: Path, image_path: str) -> None:
    root = stand_in(tmp_path / "sys", {})
    result = run(rendered_command(f"vm.max_map_count={WANTED}"), root, image_path)
    assert result.returncode != 0
    assert "cannot read vm.max_map_count" in result.stderr


def test_an_unwritable_value_is_a_clear_error() -> None:
    # As in an unprivileged container: /proc/sys readable, not writable. Root ignores file modes, so as
    # root the script runs as nobody (setpriv) against root-owned files; otherwise the file is read-only.
    base = Path(os.environ.get("TMPDIR", "/tmp")) / f"sysctl-{os.getpid()}-{time.monotonic_ns()}"
    root = stand_in(base / "sys", {"vm.max_map_count": "65530"})
    image_path = busybox_path(base / "bin")
    user: list[str] = []
    if os.geteuid() == 0:
        setpriv = require_program("setpriv", "util-linux")
        user = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        for directory in (base, base / "bin", base / "sys", base / "sys" / "vm"):
            directory.chmod(0o755)
    else:
        (root / "vm" / "max_map_count").chmod(0o444)
    try:
        result = run(rendered_command(f"vm.max_map_count={WANTED}"), root, image_path, user=user)
    finally:
        shutil.rmtree(base)
    assert result.returncode != 0
    assert "cannot raise vm.max_map_count from 65530 to 262144" in result.stderr
    assert "the container must be privileged" in result.stderr


def test_acts_once_and_exits_by_itself(tmp_path: Path, image_path: str) -> None:
    """Short-lived: one pass over its arguments, then exit 0, however often it runs (no wait, no retry loop).
    How long it takes is a benchmark's business, not a test's."""
    command = rendered_command(f"vm.max_map_count={WANTED}")
    for attempt in range(3):
        root = stand_in(tmp_path / f"sys-{attempt}", {"vm.max_map_count": "65530"})
        result = run(command, root, image_path)
        assert result.returncode == 0
        assert result.stdout.splitlines() == [f"sysctl-init: vm.max_map_count raised from 65530 to {WANTED}"]
