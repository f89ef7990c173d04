"""The load generators on the client CPU: wrk for keep-alive traffic, `openssl s_time -new` for full handshakes."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

from .processes import CLIENT_CPU, pinned

CONNECTIONS = 32


@dataclass(frozen=True)
class KeepAliveResult:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class HandshakeResult:
    handshakes: int
    handshakes_per_second: float


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> KeepAliveResult:
    """wrk --latency's summary; raises when any response was not 2xx/3xx or a socket failed."""
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw failures:\n{output}")
    requests = int(re.search(r"^\s*(\d+) requests in", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"^Requests/sec:\s*([\d.]+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    return KeepAliveResult(requests, rate, _milliseconds(latency["50"]), _milliseconds(latency["99"]))


def wrk_output(url: str, seconds: float, connections: int = CONNECTIONS, script: Sequence[str] = ()) -> str:
    """What `wrk -t1 -c<connections> --latency` prints, run on the client CPU: keep-alive connections (default 32)
    from one thread; `script`, when given, is the Lua file (`-s`) followed by its arguments."""
    lua = ["-s", script[0]] if script else []
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", *lua, url]
    if script[1:]:
        argv += ["--", *script[1:]]
    result = subprocess.run(pinned(CLIENT_CPU, argv), capture_output=True, text=True, check=True)
    return result.stdout


def wrk(url: str, seconds: float) -> KeepAliveResult:
    """`wrk -t1 -c32` on the client CPU: 32 keep-alive connections from one thread, GET `url`."""
    return parse_wrk(wrk_output(url, seconds))


def parse_s_time(output: str, wall_seconds: float, body_bytes: int) -> HandshakeResult:
    """s_time's count of connections; each must have read at least the response body."""
    match = re.search(r"^(\d+) connections in \d+ real seconds, (\d+) bytes read per connection", output, re.M)
    if not match or int(match.group(1)) == 0 or int(match.group(2)) < body_bytes:
        raise RuntimeError(f"openssl s_time made no connection or read no response:\n{output}")
    count = int(match.group(1))
    # s_time's own seconds are whole numbers: the rate uses the measured wall time.
    return HandshakeResult(count, count / wall_seconds)


_GET_WITH_HOST = "/ HTTP/1.0\r\nHost: bench\r\nX-Bench: s_time"
"""s_time sends `GET <this> HTTP/1.0`: this adds a Host header, without which a proxy setting `Host $host`
sends the app an empty Host, which it refuses (400)."""


def s_time(
    port: int, seconds: int, body_bytes: int, client_certificate: Sequence[str] = (), *, resume: bool = False
) -> HandshakeResult:
    """TLS 1.3 handshakes, each followed by one GET / (HTTP/1.0): full ones (`-new`: a session is never
    resumed) or, with `resume`, resumed ones (`-reuse`: one full handshake, then its session every time)."""
    sessions = "-reuse" if resume else "-new"
    argv = ["openssl", "s_time", "-connect", f"127.0.0.1:{port}", sessions, "-tls1_3", "-www", _GET_WITH_HOST]
    argv += [*client_certificate, "-time", str(seconds)]
    start = time.monotonic()
    result = subprocess.run(pinned(CLIENT_CPU, argv), capture_output=True, text=True, check=True)
    return parse_s_time(result.stdout, time.monotonic() - start, body_bytes)
