"""Pinned processes and what they cost: CPU time (utime + stime) and peak resident memory (VmHWM) of a
process and all its descendants, read from /proc."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVER_CPU = "0"
"""Backend and proxy share CPU 0, as an ambassador shares its pod's node with the app."""
CLIENT_CPU = "1"
"""The load generator runs alone on CPU 1."""
_TICK_SECONDS = 1 / os.sysconf("SC_CLK_TCK")


def pinned(cpu: str, argv: Sequence[str]) -> list[str]:
    return ["taskset", "-c", cpu, *argv]


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (nginx workers, hitch children, ...)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue.extend(int(child) for child in (task / "children").read_text().split())
            except FileNotFoundError:
                continue
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of `pids`, in seconds."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total * _TICK_SECONDS


def peak_rss_kib(pids: Sequence[int]) -> int:
    """Sum of the processes' VmHWM: an upper bound of the container's peak (shared pages count once per process)."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total


@dataclass
class Server:
    """A started server: its process tree is measured as one."""

    name: str
    process: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        return descendants(self.process.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pids())

    def peak_rss_kib(self) -> int:
        return peak_rss_kib(self.pids())


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{shlex.join(map(str, process.args))} exited: {log.read_text()[-2000:]}")  # type: ignore[arg-type]
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s; log: {log.read_text()[-2000:]}")


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """SIGTERM to the process's group (started with start_new_session), SIGKILL after `timeout` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()


@contextmanager
def serving(name: str, argv: Sequence[str], port: int | None, log: Path) -> Iterator[Server]:
    """Start `argv` on the server CPU, wait until it listens on `port` (if any), stop it (its whole group)
    on exit; its output goes to `log`."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            pinned(SERVER_CPU, argv), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        if port is not None:
            wait_for_port(port, process, log)
        yield Server(name, process)
    finally:
        stop_process_group(process)
