"""Linux namespaces standing in for a pod: its own network (joined to a client by a veth pair) and,
per container, its own mounts. Needs root. Everything is torn down on exit, even when a test fails.
"""

from __future__ import annotations

import itertools
import os
import shlex
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_counter = itertools.count()


@dataclass(frozen=True)
class Mount:
    """A bind mount of `source` at `target`, or a tmpfs at `target` when `source` is None."""

    target: str
    source: Path | None = None
    read_only: bool = False

    def shell(self) -> str:
        target = shlex.quote(self.target)
        if self.source is None:
            return f"mkdir -p {target} && mount -t tmpfs -o mode=1777 tmpfs {target}"
        bind = f"mkdir -p {target} && mount --bind {shlex.quote(str(self.source))} {target}"
        return bind + (f" && mount -o remount,bind,ro {target}" if self.read_only else "")


@dataclass
class PodNetwork:
    """A pod network namespace and a client ("cluster") namespace joined by a veth pair."""

    pod: str
    client: str
    pod_ip: str
    client_ip: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def command(
        self, namespace: str, argv: Sequence[str], mounts: Sequence[Mount] = (), user: int | None = None
    ) -> list[str]:
        """`argv` in `namespace`, in a new mount namespace with `mounts` applied in order, as `user`."""
        if not mounts and user is None:
            return ["ip", "netns", "exec", namespace, *argv]
        steps = [m.shell() for m in mounts]
        run_as = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] if user is not None else []
        steps.append("exec " + shlex.join([*run_as, *argv]))
        script = " && ".join(steps)
        return ["ip", "netns", "exec", namespace, "unshare", "--mount", "--propagation", "private", "sh", "-c", script]

    def run(self, namespace: str, argv: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(namespace, argv), capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]

    def start(
        self,
        namespace: str,
        argv: Sequence[str],
        *,
        mounts: Sequence[Mount] = (),
        user: int | None = None,
        log: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start `argv`; its stdout and stderr go through a pipe, as a container's do, into `log`."""
        read_end, write_end = os.pipe()
        if user is not None:
            os.fchown(write_end, user, user)  # as runc does: the container's user may reopen /dev/stdout
        process = subprocess.Popen(
            self.command(namespace, argv, mounts, user),
            stdout=write_end,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        os.close(write_end)
        stream = os.fdopen(read_end, "rb")
        threading.Thread(target=_copy_lines, args=(stream, log), daemon=True).start()
        self.processes.append(process)
        return process

    def wait_for_port(self, namespace: str, host: str, port: int, timeout: float = 10) -> None:
        """Until something accepts TCP connections on host:port inside `namespace`."""
        probe = f"import socket; socket.create_connection(({host!r}, {port}), 0.5).close()"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.run(namespace, ["python3", "-c", probe]).returncode == 0:
                return
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args!r} exited with {process.returncode} before listening")
            time.sleep(0.1)
        raise TimeoutError(f"nothing listens on {host}:{port} in {namespace} after {timeout}s")


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 5) -> None:
    """SIGTERM to the process's group (started with start_new_session), SIGKILL after `timeout` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()


def _copy_lines(stream: IO[bytes], log: Path | None) -> None:
    with stream, log.open("ab") if log else open(os.devnull, "wb") as out:
        for line in stream:
            out.write(line)
            out.flush()


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextmanager
def pod_network() -> Iterator[PodNetwork]:
    """A fresh pod and client namespace pair; its processes are killed and namespaces deleted on exit."""
    call = next(_counter)
    name = f"pp{os.getpid()}x{call}"
    index = (os.getpid() * 64 + call) % 16384  # one /30 of 10.213.0.0/16 per pod network
    prefix = f"10.213.{index // 64}"
    pod_ip, client_ip = f"{prefix}.{index % 64 * 4 + 1}", f"{prefix}.{index % 64 * 4 + 2}"
    network = PodNetwork(pod=f"{name}-pod", client=f"{name}-cli", pod_ip=pod_ip, client_ip=client_ip)
    try:
        _ip("netns", "add", network.pod)
        _ip("netns", "add", network.client)
        _ip(
            "link", "add", f"{name}a", "netns", network.pod, "type", "veth", "peer", f"{name}b", "netns", network.client
        )
        for namespace, device, address in ((network.pod, f"{name}a", pod_ip), (network.client, f"{name}b", client_ip)):
            _ip("-n", namespace, "link", "set", "lo", "up")
            _ip("-n", namespace, "addr", "add", f"{address}/30", "dev", device)
            _ip("-n", namespace, "link", "set", device, "up")
        yield network
    finally:
        for process in network.processes:
            stop_process_group(process)
        for namespace in (network.pod, network.client):
            subprocess.run(["ip", "netns", "delete", namespace], capture_output=True, check=False)
