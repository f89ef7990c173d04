"""The leaked-process check (tests/lib/leaks.py): a process a test starts and leaves behind is named with the test
it appeared after and killed; one that exits, or is stopping when the session ends, is not a leak."""

from __future__ import annotations

import os
import subprocess
import time

from .lib.leaks import SESSION_VARIABLE, LeakWatch


def started_under(watch: LeakWatch, script: str) -> None:
    """Runs `script` in a shell carrying the watch's token (the session's own token is left as it is)."""
    subprocess.run(["sh", "-c", script], env={**os.environ, SESSION_VARIABLE: watch.value}, check=True)


def test_a_daemonised_process_left_behind_is_named_with_its_test_and_killed() -> None:
    watch = LeakWatch()
    started_under(watch, "sleep 300 >/dev/null 2>&1 &")  # the shell exits at once: its child is an orphan
    watch.note("tests/example.py::test_leaves_a_sleep")
    expected = "sleep 300 (first seen after tests/example.py::test_leaves_a_sleep)"
    # The shell's forked child shows as `sh -c ...` until it has exec'd sleep (seen on a busy machine): waited for.
    deadline = time.monotonic() + 10
    while not (leaks := watch.leaked(wait=0))[0].endswith(expected) and time.monotonic() < deadline:
        time.sleep(0.1)
    (leak,) = leaks
    assert leak.endswith(expected), leak
    watch.kill()
    assert watch.leaked(wait=5) == []


def test_processes_that_exited_or_are_stopping_are_not_leaks() -> None:
    watch = LeakWatch()
    started_under(watch, "true")
    started_under(watch, "(sleep 1; exit 0) >/dev/null 2>&1 &")
    assert watch.leaked(wait=10) == []


def test_a_process_of_another_session_is_not_counted() -> None:
    mine, other = LeakWatch(), LeakWatch()
    started_under(other, "sleep 300 >/dev/null 2>&1 &")
    try:
        assert mine.leaked(wait=0) == []
        assert len(other.leaked(wait=0)) == 1
    finally:
        other.kill()
