"""What the sidecars cost a pod: peak resident memory (VmHWM) and CPU of the ambassador (the rendered nginx),
the exporter (Debian's prometheus-elasticsearch-exporter, the pod's flags) and the log tailer (the rendered
script on busybox), idle and under load. The declared requests and limits follow from these figures."""

from __future__ import annotations

import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from podpatterns.elasticsearch.exporter import exporter_args
from podpatterns.logtail.contribution import tail_command
from podpatterns.metrics.settings import CLUSTER_COLLECTORS, EXPORTER_PORT

from tests.lib.busybox_image import busybox_path

from . import load, peers, proxies
from .processes import Server, serving
from .rendered import BACKEND_PORT, LISTEN_PORT, Variant, render

LOG_LINE = (
    '{"@timestamp":"2026-11-24T16:00:00.000Z", "log.level": "INFO", "message":"[search-dev-0] added {{search-dev-1}'
    '{3kT9mQyHRsKc2V0yYlL5dA}}, term: 7, version: 4711, reason: ApplyCommitRequest", "ecs.version": "1.2.0"}\n'
)
"""One Elasticsearch JSON log line (about 230 bytes)."""


@dataclass(frozen=True)
class Footprint:
    container: str
    idle_rss_mib: float
    idle_millicores: float
    load: str
    """What the load was."""
    load_rss_mib: float
    load_millicores: float
    """CPU used while loaded, in thousandths of a core."""
    cost: str
    """CPU per unit of work."""


@dataclass(frozen=True)
class Durations:
    idle: float
    load: float


def _idle(server: Server, seconds: float) -> tuple[float, float]:
    before = server.cpu_seconds()
    time.sleep(seconds)
    return server.peak_rss_kib() / 1024, (server.cpu_seconds() - before) / seconds * 1000


class _Meter:
    """CPU used by a server from now on: total seconds and millicores."""

    def __init__(self, server: Server) -> None:
        self.server, self.cpu, self.start = server, server.cpu_seconds(), time.monotonic()

    def seconds(self) -> float:
        return self.server.cpu_seconds() - self.cpu

    def millicores(self) -> float:
        return self.seconds() / (time.monotonic() - self.start) * 1000


def ambassador(workdir: Path, durations: Durations) -> Footprint:
    """The default ambassador: idle, then saturated by keep-alive traffic, then by full handshakes."""
    rendered = render(Variant(proxies.DEFAULT), workdir / "ambassador")
    argv, log = proxies.backend(workdir)
    with (
        serving("backend", argv, BACKEND_PORT, log),
        serving("ambassador", rendered.argv, LISTEN_PORT, rendered.access_log) as nginx,
    ):
        idle_rss, idle_cpu = _idle(nginx, durations.idle)
        meter = _Meter(nginx)
        requests = load.wrk(f"https://127.0.0.1:{LISTEN_PORT}/", durations.load)
        keep_alive = meter.millicores(), meter.seconds() * 1e6 / requests.requests
        meter = _Meter(nginx)
        handshakes = load.s_time(LISTEN_PORT, round(durations.load), peers.BODY_BYTES)
        full = meter.millicores(), meter.seconds() * 1e6 / handshakes.handshakes
        return Footprint(
            "tls-ambassador (nginx, rendered default)",
            idle_rss,
            idle_cpu,
            f"{requests.requests_per_second:,.0f} req/s keep-alive, then {handshakes.handshakes_per_second:,.0f} "
            "full handshakes/s",
            nginx.peak_rss_kib() / 1024,
            max(keep_alive[0], full[0]),
            f"{keep_alive[1]:.0f} µs/request, {full[1]:.0f} µs/handshake",
        )


def exporter(workdir: Path, durations: Durations) -> Footprint:
    """The exporter with the pod's flags and every cluster-wide collector (as in a one-node stack), against the
    Elasticsearch stand-in, scraped back to back."""
    standin_port = 19201
    standin = [sys.executable, "-m", "tests.lib.standins.elasticsearch", "--port", str(standin_port)]
    args = exporter_args(uri=f"http://127.0.0.1:{standin_port}", ca_file=None, collectors=CLUSTER_COLLECTORS)
    url = f"http://127.0.0.1:{EXPORTER_PORT}/metrics"
    argv = ["prometheus-elasticsearch-exporter", *args]
    with (
        serving("standin", standin, standin_port, workdir / "standin.log"),
        serving("exporter", argv, EXPORTER_PORT, workdir / "exporter.log") as process,
    ):
        urllib.request.urlopen(url, timeout=10).read()
        idle_rss, idle_cpu = _idle(process, durations.idle)
        meter, scrapes = _Meter(process), 0
        while time.monotonic() - meter.start < durations.load:
            urllib.request.urlopen(url, timeout=10).read()
            scrapes += 1
        return Footprint(
            "metrics-exporter (every cluster-wide collector)",
            idle_rss,
            idle_cpu,
            f"{scrapes / durations.load:.0f} scrapes/s (back to back)",
            process.peak_rss_kib() / 1024,
            meter.millicores(),
            f"{meter.seconds() / scrapes * 1000:.1f} ms/scrape",
        )


def log_tailer(workdir: Path, durations: Durations, lines_per_second: int = 10_000) -> Footprint:
    """The rendered tailer script on busybox, following a file the app appends to at a steady rate."""
    log_file = workdir / "elasticsearch.log"
    log_file.write_text(LOG_LINE)
    argv = ["env", f"PATH={busybox_path(workdir / 'busybox')}", *tail_command(str(log_file))]
    out = workdir / "tailer.out"
    with serving("tailer", argv, None, out) as tailer:
        time.sleep(1.5)  # tail -F polls once a second: it has printed the first line
        idle_rss, idle_cpu = _idle(tailer, durations.idle)
        meter, written = _Meter(tailer), 0
        with log_file.open("a") as app_log:
            while (elapsed := time.monotonic() - meter.start) < durations.load:
                due = int(elapsed * lines_per_second) - written
                app_log.write(LOG_LINE * due)
                app_log.flush()
                written += due
                time.sleep(0.01)
        time.sleep(1.5)  # its last poll
        copied = out.read_text().count("\n") - 1
        if copied < written:
            raise RuntimeError(f"the tailer printed {copied} of the {written} lines written")
        return Footprint(
            "log tailer (busybox tail -F, rendered script)",
            idle_rss,
            idle_cpu,
            f"{lines_per_second:,} lines/s ({lines_per_second * len(LOG_LINE) / 1024:,.0f} KiB/s)",
            tailer.peak_rss_kib() / 1024,
            meter.millicores(),
            f"{meter.seconds() / written * 1e6:.1f} µs/line",
        )


def footprint_report(workdir: Path, durations: Durations) -> str:
    workdir.mkdir()
    rows = [
        ambassador(workdir, durations),
        exporter(workdir, durations),
        log_tailer(workdir, durations),
    ]
    lines = [
        "### Footprint",
        f"Idle: {durations.idle:g} s after start; load: {durations.load:g} s. RSS: the sum of the container's "
        "processes' VmHWM (peak); CPU in millicores (1000 = one core busy).",
        "",
        "| container | idle peak RSS MiB | idle CPU m | load | peak RSS MiB, loaded | CPU m, loaded | CPU per unit |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.container} | {r.idle_rss_mib:.1f} | {r.idle_millicores:.1f} | {r.load} | {r.load_rss_mib:.1f} "
        f"| {r.load_millicores:.0f} | {r.cost} |"
        for r in rows
    ]
    return "\n".join(lines)
