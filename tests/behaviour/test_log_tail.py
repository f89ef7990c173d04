"""LogTailSidecar's rendered command on Debian's real busybox `sh` and `tail`: rotation, truncation, shutdown."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from podpatterns.logtail.contribution import log_tail_contribution
from podpatterns.logtail.settings import LogTailSidecarSettings
from podpatterns.pod.model import Manifest

from ..lib.busybox_image import busybox_path

POLL_TIMEOUT = 30.0
"""How long to wait for an event (a line, an exit) before calling it lost: busybox tail -F polls once a second."""


def rendered_containers(directory: Path, files: tuple[str, ...]) -> list[Manifest]:
    settings = LogTailSidecarSettings(volume="logs", directory=str(directory), files=files, mode="classic")
    return list(log_tail_contribution(settings, source="test").containers)


class Tailer:
    """One tailer container's command, run as the image would run it, its stdout captured to a file."""

    def __init__(self, container: Manifest, path: str, out: Path) -> None:
        self.out, self.err = out, out.with_suffix(".stderr")
        with out.open("wb") as stdout, self.err.open("wb") as stderr:
            # A session of its own: its process group is the container, killed whole at the end as a pod's PID
            # namespace is (the script's `tail` child would outlive a kill of the shell alone).
            self.process = subprocess.Popen(
                container["command"], stdout=stdout, stderr=stderr, env={"PATH": path}, start_new_session=True
            )

    def lines(self) -> list[str]:
        return self.out.read_text().splitlines()

    def wait_for(self, line: str) -> None:
        self._wait(lambda: line in self.lines(), f"{line!r} never reached stdout")

    def wait_for_error(self, text: str) -> None:
        self._wait(lambda: text in self.err.read_text(), f"{text!r} never reached stderr")

    def _wait(self, happened: Callable[[], bool], lost: str) -> None:
        deadline = time.monotonic() + POLL_TIMEOUT
        while not happened():
            assert time.monotonic() < deadline, f"{lost}; stdout {self.lines()}, stderr {self.err.read_text()!r}"
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM, then the exit status once the tailer has exited by itself (a kill would be negative)."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=POLL_TIMEOUT)


@pytest.fixture
def image_path(tmp_path: Path) -> str:
    return busybox_path(tmp_path / "bin")


@pytest.fixture
def tailers() -> Iterator[list[Tailer]]:
    started: list[Tailer] = []
    yield started
    for tailer in started:
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(tailer.process.pid, signal.SIGKILL)
        tailer.process.wait()


def append(path: Path, *lines: str) -> None:
    with path.open("a") as file:
        file.writelines(line + "\n" for line in lines)


def test_every_line_once_in_order_through_rotation_truncation_and_shutdown(
    tmp_path: Path, image_path: str, tailers: list[Tailer]
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "app.log"
    append(log, *(f"startup {n}" for n in range(12)))  # before the tailer starts; more than tail's default 10
    (container,) = rendered_containers(logs, ("app.log",))
    assert container["command"][-1] == str(log)
    tailer = Tailer(container, image_path, tmp_path / "stdout")
    tailers.append(tailer)
    tailer.wait_for("startup 11")

    # Rotation as log4j2 does it: the last lines go to the old file, then rename, recreate, keep writing.
    append(log, "before rotation 1", "before rotation 2")
    log.rename(logs / "app.log.1")
    append(log, "after rotation 1", "after rotation 2")
    tailer.wait_for("after rotation 2")

    # Truncation in place (copytruncate); tail can only notice it once it has read what came before.
    log.write_text("")
    append(log, "after truncation 1")
    tailer.wait_for("after truncation 1")

    # Shutdown: the app's last line, then SIGTERM (native sidecars get it once the app has exited).
    append(log, "shutdown")
    assert tailer.stop() == 0  # the trap's exit after its last polls: not held until the grace period's kill

    expected = [
        *(f"startup {n}" for n in range(12)),
        "before rotation 1",
        "before rotation 2",
        "after rotation 1",
        "after rotation 2",
        "after truncation 1",
        "shutdown",
    ]
    assert tailer.lines() == expected  # "shutdown", written just before SIGTERM, too


def test_one_container_per_file_keeps_each_line_with_its_file(
    tmp_path: Path, image_path: str, tailers: list[Tailer]
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    files = ("access.log", "error.log")
    containers = rendered_containers(logs, files)
    assert [c["name"] for c in containers] == ["tail-access-log", "tail-error-log"]
    for container in containers:
        tailers.append(Tailer(container, image_path, tmp_path / container["name"]))
    for n in range(3):
        for file in files:
            append(logs / file, f"{file} line {n}")
    for tailer, file in zip(tailers, files, strict=True):
        tailer.wait_for(f"{file} line 2")
        assert tailer.stop() == 0
        # No `==> file <==` headers: the container (named after the file) is the line's origin.
        assert tailer.lines() == [f"{file} line {n}" for n in range(3)]


def test_a_file_that_appears_later_is_read_from_its_first_line(
    tmp_path: Path, image_path: str, tailers: list[Tailer]
) -> None:
    # A native sidecar starts before the app: the log does not exist yet.
    logs = tmp_path / "logs"
    logs.mkdir()
    (container,) = rendered_containers(logs, ("late.log",))
    tailer = Tailer(container, image_path, tmp_path / "stdout")
    tailers.append(tailer)
    tailer.wait_for_error(f"can't open '{logs / 'late.log'}'")  # tail runs, and has found no file yet
    assert os.path.exists(logs / "late.log") is False
    append(logs / "late.log", "first", "second")
    tailer.wait_for("second")
    assert tailer.stop() == 0
    assert tailer.lines() == ["first", "second"]
