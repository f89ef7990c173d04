"""The data path: direct, every mode of the rendered ambassador, the tutorial nginx, haproxy, stunnel, hitch.

Each round starts every case in turn (interleaved, so drift and the neighbours' load spread over all of
them), measures keep-alive traffic with wrk, then full TLS 1.3 handshakes with `openssl s_time -new`.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import load, peers
from .processes import Server, serving
from .rendered import BACKEND_PORT, LISTEN_PORT, RenderedAmbassador, Variant, render

DIRECT = "direct plain HTTP to the backend"
DEFAULT = "ambassador (default: mode http, access log on)"
VARIANTS = (
    Variant(DEFAULT),
    Variant("ambassador, access log off", {"accessLog": False}),
    Variant("ambassador, mode stream", {"mode": "stream"}),
    Variant("ambassador, mode stream, access log off", {"mode": "stream", "accessLog": False}),
    Variant("ambassador, RSA-2048 key", {"keyAlgorithm": "RSA"}),
    Variant("ambassador, mTLS required", {"mtls": "required", "clients": ["bench"]}),
    Variant("ambassador, leaf+CA chain", chain_with_ca=True),
)
RESUMED = "ambassador (default), resumed sessions"
"""What ssl_session_cache buys: a returning client skips the key exchange and the signature."""
TUTORIAL = "nginx as tutorials write it (no upstream keepalive)"
HAPROXY = "haproxy (http mode, http-reuse always)"
HAPROXY_LOG = "haproxy like the ambassador (a log line per request, X-Forwarded-For and -Proto)"
STUNNEL = "stunnel (TLS at TCP level)"
HITCH = "hitch (TLS at TCP level)"
HANDSHAKES_ONLY = {"ambassador, RSA-2048 key", "ambassador, mTLS required", "ambassador, leaf+CA chain"}
"""Same data path as the default once connected (wrk cannot present a client certificate either)."""


@dataclass(frozen=True)
class Durations:
    warmup: float
    keep_alive: float
    handshakes: int


@dataclass
class Case:
    label: str
    port: int
    argv: list[str] | None
    """None: nothing in between (the direct path)."""
    log: Path
    keep_alive: bool = True
    handshakes: bool = True
    client_certificate: list[str] = field(default_factory=list)
    session_log: Path | None = None
    """An access log with $ssl_session_reused, to prove every handshake was a full one (or a resumed one)."""
    resume: bool = False
    """Measure resumed handshakes (a client that keeps its session) instead of full ones."""


@dataclass
class Samples:
    requests_per_second: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    us_per_request: list[float] = field(default_factory=list)
    handshakes_per_second: list[float] = field(default_factory=list)
    us_per_handshake: list[float] = field(default_factory=list)
    peak_rss_kib: list[int] = field(default_factory=list)
    sessions_verified: int = 0
    """Handshakes whose kind (full, or resumed) the access log confirmed."""


def build_cases(workdir: Path) -> list[Case]:
    """Render every ambassador variant and write the peers' configurations (same leaf certificate for all)."""
    rendered = [render(variant, workdir / f"ambassador-{index}") for index, variant in enumerate(VARIANTS)]
    cases = [Case(DIRECT, BACKEND_PORT, None, workdir / "direct.log", handshakes=False)]
    cases += [_ambassador_case(ambassador) for ambassador in rendered]
    resumed = dataclasses.replace(cases[1], label=RESUMED, keep_alive=False, resume=True)
    cases.insert(2, resumed)
    pem = rendered[0].server_pem
    peer_dir = workdir / "peers"
    peer_dir.mkdir()
    starters: list[tuple[str, Callable[[Path, int, Path], list[str]]]] = [
        (TUTORIAL, peers.tutorial_argv),
        (HAPROXY, peers.haproxy_argv),
        (HAPROXY_LOG, peers.haproxy_log_argv),
        (STUNNEL, peers.stunnel_argv),
        (HITCH, peers.hitch_argv),
    ]
    for offset, (label, argv) in enumerate(starters):
        port = 8443 + offset
        cases.append(Case(label, port, argv(peer_dir, port, pem), peer_dir / f"{port}.log"))
    return cases


def _ambassador_case(ambassador: RenderedAmbassador) -> Case:
    label = ambassador.variant.label
    logging = ambassador.variant.tls.get("accessLog", True)
    return Case(
        label,
        LISTEN_PORT,
        ambassador.argv,
        ambassador.access_log,
        keep_alive=label not in HANDSHAKES_ONLY,
        client_certificate=ambassador.client_certificate,
        session_log=ambassador.access_log if logging else None,
    )


def _count_sessions(log: Path, offset: int) -> tuple[int, int]:
    """(full, resumed) TLS 1.3 sessions logged after `offset` in an ambassador access log
    ($ssl_protocol $ssl_session_reused: "." or "r")."""
    with log.open("rb") as file:
        file.seek(offset)
        text = file.read().decode(errors="replace")
    return len(re.findall(r" TLSv1\.3 \. ", text)), len(re.findall(r" TLSv1\.3 r ", text))


def _keep_alive(case: Case, server: Server | None, durations: Durations, samples: Samples) -> None:
    url = f"{'http' if server is None else 'https'}://127.0.0.1:{case.port}/"
    load.wrk(url, durations.warmup)
    before = server.cpu_seconds() if server else 0.0
    result = load.wrk(url, durations.keep_alive)
    samples.requests_per_second.append(result.requests_per_second)
    samples.p50_ms.append(result.p50_ms)
    samples.p99_ms.append(result.p99_ms)
    if server:
        samples.us_per_request.append((server.cpu_seconds() - before) * 1e6 / result.requests)


def _handshakes(case: Case, server: Server, durations: Durations, samples: Samples) -> None:
    offset = _settled_size(case.session_log) if case.session_log else 0
    before = server.cpu_seconds()
    port, seconds, body = case.port, durations.handshakes, peers.BODY_BYTES
    handshakes = load.s_time(port, seconds, body, case.client_certificate, resume=case.resume)
    samples.us_per_handshake.append((server.cpu_seconds() - before) * 1e6 / handshakes.handshakes)
    samples.handshakes_per_second.append(handshakes.handshakes_per_second)
    if case.session_log:
        samples.sessions_verified += _verify_sessions(case, case.session_log, offset, handshakes.handshakes)


def _settled_size(log: Path) -> int:
    """The log's size once the lines of earlier traffic have been flushed (nginx flushes every second)."""
    size, unchanged_since = log.stat().st_size, time.monotonic()
    while time.monotonic() - unchanged_since < 1.2:
        time.sleep(0.2)
        if (now := log.stat().st_size) != size:
            size, unchanged_since = now, time.monotonic()
    return size


def _verify_sessions(case: Case, log: Path, offset: int, handshakes: int) -> int:
    """Check in the log that every handshake was full (or, resuming, all but the first were resumed)."""
    deadline = time.monotonic() + 3  # the ambassador flushes its log buffer every second
    while sum(counted := _count_sessions(log, offset)) < handshakes and time.monotonic() < deadline:
        time.sleep(0.2)
    full, resumed = counted
    expected, unexpected = (resumed, full - 1) if case.resume else (full, resumed)
    if unexpected > 0 or expected < handshakes - int(case.resume):
        raise RuntimeError(f"{case.label}: {full} full and {resumed} resumed sessions logged")
    return expected


def _measure(case: Case, server: Server | None, durations: Durations, samples: Samples) -> None:
    if case.keep_alive:
        _keep_alive(case, server, durations, samples)
    if server is not None:
        if case.handshakes:
            _handshakes(case, server, durations, samples)
        samples.peak_rss_kib.append(server.peak_rss_kib())


def run_rounds(
    cases: list[Case], rounds: int, durations: Durations, progress: Callable[[str], None]
) -> dict[str, Samples]:
    results = {case.label: Samples() for case in cases}
    for round_number in range(1, rounds + 1):
        start = (round_number - 1) * len(cases) // rounds  # each round begins elsewhere: no case is always first
        for case in cases[start:] + cases[:start]:
            progress(f"round {round_number}/{rounds}: {case.label}")
            if case.argv is None:
                _measure(case, None, durations, results[case.label])
                continue
            with serving(case.label, case.argv, case.port, case.log) as server:
                _measure(case, server, durations, results[case.label])
    return results


def backend(workdir: Path) -> tuple[list[str], Path]:
    directory = workdir / "backend"
    directory.mkdir()
    return peers.backend_argv(directory), directory / "backend.log"
