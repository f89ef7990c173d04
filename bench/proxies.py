"""The data path: direct, every mode of the rendered ambassador, the tutorial nginx, haproxy, stunnel, hitch.

Each round starts every case in turn (interleaved, so drift and the neighbours' load spread over all of
them), measures keep-alive traffic with wrk, then full TLS 1.3 handshakes with `openssl s_time -new`.
"""

from __future__ import annotations

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
TUTORIAL = "nginx as tutorials write it (no upstream keepalive)"
HAPROXY = "haproxy (http mode, http-reuse always)"
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
    """An access log with $ssl_session_reused, to prove every handshake was a full one."""


@dataclass
class Samples:
    requests_per_second: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    us_per_request: list[float] = field(default_factory=list)
    handshakes_per_second: list[float] = field(default_factory=list)
    us_per_handshake: list[float] = field(default_factory=list)
    peak_rss_kib: list[int] = field(default_factory=list)
    full_handshakes_verified: int = 0


def build_cases(workdir: Path) -> list[Case]:
    """Render every ambassador variant and write the peers' configurations (same leaf certificate for all)."""
    rendered = [render(variant, workdir / f"ambassador-{index}") for index, variant in enumerate(VARIANTS)]
    cases = [Case(DIRECT, BACKEND_PORT, None, workdir / "direct.log", handshakes=False)]
    cases += [_ambassador_case(ambassador) for ambassador in rendered]
    pem = rendered[0].server_pem
    peer_dir = workdir / "peers"
    peer_dir.mkdir()
    starters: list[tuple[str, Callable[[Path, int, Path], list[str]]]] = [
        (TUTORIAL, peers.tutorial_argv),
        (HAPROXY, peers.haproxy_argv),
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


def _measure(case: Case, server: Server | None, durations: Durations, samples: Samples) -> None:
    scheme = "http" if server is None else "https"
    url = f"{scheme}://127.0.0.1:{case.port}/"
    if case.keep_alive:
        load.wrk(url, durations.warmup)
        before = server.cpu_seconds() if server else 0.0
        result = load.wrk(url, durations.keep_alive)
        samples.requests_per_second.append(result.requests_per_second)
        samples.p50_ms.append(result.p50_ms)
        samples.p99_ms.append(result.p99_ms)
        if server:
            samples.us_per_request.append((server.cpu_seconds() - before) * 1e6 / result.requests)
    if case.handshakes and server:
        offset = case.session_log.stat().st_size if case.session_log else 0
        before = server.cpu_seconds()
        handshakes = load.s_time(case.port, durations.handshakes, peers.BODY_BYTES, case.client_certificate)
        samples.us_per_handshake.append((server.cpu_seconds() - before) * 1e6 / handshakes.handshakes)
        samples.handshakes_per_second.append(handshakes.handshakes_per_second)
        if case.session_log:
            deadline = time.monotonic() + 3  # the ambassador flushes its log buffer every second
            while (counted := _count_sessions(case.session_log, offset))[0] < handshakes.handshakes:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            full, resumed = counted
            if resumed or full < handshakes.handshakes:
                raise RuntimeError(f"{case.label}: {resumed} resumed sessions and {full} full ones logged")
            samples.full_handshakes_verified += full
    if server:
        samples.peak_rss_kib.append(server.peak_rss_kib())


def run_rounds(
    cases: list[Case], rounds: int, durations: Durations, progress: Callable[[str], None]
) -> dict[str, Samples]:
    results = {case.label: Samples() for case in cases}
    for round_number in range(1, rounds + 1):
        for case in cases:
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
