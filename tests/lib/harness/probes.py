"""Probes as the kubelet runs them: `exec` inside the container, `tcpSocket` and `httpGet` against the
pod's IP from outside the pod (here: the cluster namespace), with the probe's timeoutSeconds.

Only the checks are the kubelet's; the harness probes as often as it likes (periods and
initialDelaySeconds are compressed so that tests do not wait for them).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence

from podpatterns.pod.model import Manifest

from .podspec import ContainerSpecError, port_number

Run = Callable[[Sequence[str], float], subprocess.CompletedProcess[str]]
"""argv, timeout -> its result."""

_CONNECT = "import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3])).close()"


def failure(probe: Manifest, container: Manifest, pod_ip: str, in_container: Run, in_cluster: Run) -> str | None:
    """None when the probe succeeds, else why it failed."""
    timeout = float(probe.get("timeoutSeconds", 1))
    if "exec" in probe:
        result = in_container(probe["exec"]["command"], timeout)
        return None if result.returncode == 0 else f"exec exited {result.returncode}: {_tail(result)}"
    if "tcpSocket" in probe:
        check = probe["tcpSocket"]
        port = port_number(container, check["port"])
        result = in_cluster(
            [sys.executable, "-c", _CONNECT, check.get("host", pod_ip), str(port), str(timeout)], timeout + 5
        )
        return None if result.returncode == 0 else f"tcp {port}: {_tail(result)}"
    if "httpGet" in probe:
        check = probe["httpGet"]
        port = port_number(container, check["port"])
        scheme = check.get("scheme", "HTTP").lower()
        url = f"{scheme}://{check.get('host', pod_ip)}:{port}{check.get('path', '/')}"
        headers = [f"--header={h['name']}: {h['value']}" for h in check.get("httpHeaders", [])]
        # The kubelet does not verify certificates of HTTPS probes.
        argv = ["curl", "--silent", "--insecure", "--output", "/dev/null", "--write-out", "%{http_code}", *headers]
        result = in_cluster([*argv, "--max-time", str(timeout), url], timeout + 5)
        code = int(result.stdout or 0)
        return None if 200 <= code < 400 else f"GET {url}: {code or _tail(result)}"
    raise ContainerSpecError(f"container '{container['name']}': probe {sorted(probe)} unsupported")


def _tail(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stdout + result.stderr).strip()[-300:]
