"""Processes a test started that outlive the test session (seen: a `tail -F` still running after `.ci/run` ended).

Each pytest process marks its environment with a token of its own (SESSION_VARIABLE); every process a test starts
inherits it, however it was started (subprocess, a shell's `&`, a daemon's double fork). After every test the
processes carrying the token are noted with the test they first appeared in; once the session's fixtures are
torn down, any still alive is a leak: `LeakWatch.leaked` names it with its command line and that test, and `kill`
stops it so that the machine is left clean. A process started with an environment of its own (`env=` without
the caller's) carries no token and is not seen.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SESSION_VARIABLE = "PODPATTERNS_TEST_SESSION"
EXIT_WAIT = 10.0
"""Seconds a process killed by its fixture's teardown may still take to be gone."""


def _marked(token: bytes) -> dict[int, str]:
    """The live processes (not zombies) whose environment carries the token: pid and command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if token not in (entry / "environ").read_bytes():
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # gone meanwhile, or not ours to read
        found[int(entry.name)] = command
    return found


@dataclass
class LeakWatch:
    """The processes started under this pytest process's token, with the test each was first seen after."""

    value: str = field(default_factory=lambda: uuid.uuid4().hex)
    first_seen: dict[int, str] = field(default_factory=dict)

    @property
    def token(self) -> bytes:
        """The environment entry every marked process carries."""
        return f"{SESSION_VARIABLE}={self.value}".encode()

    def start(self) -> None:
        """Marks this process's environment, so that every process started from now on inherits the token."""
        os.environ[SESSION_VARIABLE] = self.value

    def note(self, test: str) -> None:
        """Records the marked processes alive after `test` that were not seen before."""
        for pid in _marked(self.token):
            self.first_seen.setdefault(pid, test)

    def leaked(self, wait: float = EXIT_WAIT) -> list[str]:
        """The marked processes still alive, after up to `wait` seconds for those already stopping."""
        deadline = time.monotonic() + wait
        while (alive := _marked(self.token)) and time.monotonic() < deadline:
            time.sleep(0.2)
        return [
            f"pid {pid}: {command} (first seen after {self.first_seen.get(pid, 'the last test')})"
            for pid, command in sorted(alive.items())
        ]

    def kill(self) -> None:
        for pid in _marked(self.token):
            with contextlib.suppress(ProcessLookupError):  # gone meanwhile
                os.kill(pid, signal.SIGKILL)
