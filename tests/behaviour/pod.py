"""A stand-in for a pod: its own network namespace (loopback only, shared by every process started in it)
and its own view of /etc (an overlay holding the files that volumes would mount, and extra host names).

Needs root (namespaces, mounts); see conftest.require_root. Processes are stopped by their own pids.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from .conftest import require_program, require_root

_SETUP = "ip link set lo up && mount -t overlay overlay -o lowerdir=/etc,upperdir={upper},workdir={work} /etc"


class Pod:
    """`Pod(tmp_path, etc_files={"/etc/exporter/ca/ca.crt": pem}, hosts=["name"])` as a context manager."""

    def __init__(self, workdir: Path, etc_files: Mapping[str, bytes] | None = None, hosts: Sequence[str] = ()) -> None:
        require_root("network and mount namespaces stand in for the pod")
        require_program("unshare", "util-linux")
        require_program("ip", "iproute2")
        self.curl = require_program("curl", "curl")
        self.upper, self.work = workdir / "etc-upper", workdir / "etc-work"
        self.upper.mkdir(parents=True)
        self.work.mkdir()
        for path, content in (etc_files or {}).items():
            relative = Path(path).relative_to("/etc")  # only /etc is overlaid
            (self.upper / relative).parent.mkdir(parents=True, exist_ok=True)
            (self.upper / relative).write_bytes(content)
        if hosts:
            extra = "".join(f"127.0.0.1 {name}\n" for name in hosts)
            (self.upper / "hosts").write_text(Path("/etc/hosts").read_text() + extra)
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Pod:
        script = _SETUP.format(upper=self.upper, work=self.work) + " && echo ready && exec sleep infinity"
        self.holder = subprocess.Popen(["unshare", "--net", "--mount", "sh", "-c", script], stdout=subprocess.PIPE)
        assert self.holder.stdout is not None
        assert self.holder.stdout.readline().strip() == b"ready", "the pod's namespaces could not be set up"
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        for process in [*self.processes, self.holder]:
            process.kill()
            process.wait()

    def _enter(self, argv: Sequence[str], cwd: Path | None = None) -> list[str]:
        # Entering a mount namespace moves to its root directory: --wd keeps the working directory.
        return ["nsenter", f"--target={self.holder.pid}", "--net", "--mount", f"--wd={cwd or Path.cwd()}", "--", *argv]

    def start(
        self, argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a process in the pod; its output is kept for `output()`."""
        process = subprocess.Popen(self._enter(argv, cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> str:
        """Stop one process; what it printed."""
        process.kill()
        out, _ = process.communicate()
        return out.decode(errors="replace")

    def http(self, method: str, url: str, *, insecure: bool = False) -> tuple[int, str]:
        """(status, body) of one request made inside the pod; status 0 when nothing answered.

        `insecure` skips certificate checks: only to see that a test server is up, never in a test's verdict."""
        options = ["--insecure"] if insecure else []
        result = subprocess.run(
            self._enter(
                [
                    self.curl,
                    *options,
                    "--silent",
                    "--max-time",
                    "5",
                    "--request",
                    method,
                    "--write-out",
                    "\n%{http_code}",
                    url,
                ]
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        body, _, code = result.stdout.rpartition("\n")
        return int(code or 0), body

    def wait_http(self, url: str, timeout: float = 20.0, *, insecure: bool = False) -> float:
        """Seconds until `url` answers 200 inside the pod; fails after `timeout`."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.http("GET", url, insecure=insecure)[0] == 200:
                return time.monotonic() - start
            time.sleep(0.2)
        raise AssertionError(f"{url} did not answer 200 within {timeout} s inside the pod")
