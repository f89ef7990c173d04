"""Markdown for docs/performance.md: the machine and its load, medians with min-max, the goals' verdicts."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Sequence

from . import elasticsearch as es
from .proxies import (
    DEFAULT,
    DIRECT,
    HAPROXY,
    HAPROXY_LOG,
    HITCH,
    RESUMED,
    STUNNEL,
    TUTORIAL,
    Case,
    Durations,
    Samples,
)

NOT_MEASURED = "n/a"


def _cpu_model() -> str:
    for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def load_line(when: str) -> str:
    one, five, fifteen = os.getloadavg()
    return f"Load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)."


def machine() -> str:
    return f"Machine: {_cpu_model()}, {os.cpu_count()} CPUs, Linux {platform.release()}. " + load_line("before")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float], digits: int = 0) -> str:
    """Median (min-max) when there is more than one sample."""
    text = f"{median(values):,.{digits}f}"
    if len(values) > 1:
        text += f" ({min(values):,.{digits}f}-{max(values):,.{digits}f})"
    return text


def _cell(values: Sequence[float], digits: int = 0) -> str:
    return spread(values, digits) if values else NOT_MEASURED


def proxies_report(cases: list[Case], results: dict[str, Samples], rounds: int, durations: Durations) -> str:
    direct = median(results[DIRECT].requests_per_second)
    keep_alive = [
        "| keep-alive path | req/s | ratio to direct | p50 ms | p99 ms | proxy CPU µs/request | proxy peak RSS MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in (c for c in cases if c.keep_alive):
        samples = results[case.label]
        ratio = median(samples.requests_per_second) / direct
        rss = [kib / 1024 for kib in samples.peak_rss_kib]
        keep_alive.append(
            f"| {case.label} | {_cell(samples.requests_per_second)} | {ratio:.2f} | {_cell(samples.p50_ms, 2)} "
            f"| {_cell(samples.p99_ms, 2)} | {_cell(samples.us_per_request, 1)} | {_cell(rss, 1)} |"
        )
    handshakes = [
        "| TLS 1.3 handshake + one GET | handshakes/s | proxy CPU µs/handshake | proxy peak RSS MiB "
        "| as such in the access log |",
        "|---|---|---|---|---|",
    ]
    for case in (c for c in cases if c.handshakes):
        samples = results[case.label]
        rss = [kib / 1024 for kib in samples.peak_rss_kib]
        verified = str(samples.sessions_verified) if case.session_log else f"{NOT_MEASURED} (no log)"
        handshakes.append(
            f"| {case.label} | {_cell(samples.handshakes_per_second)} | {_cell(samples.us_per_handshake)} "
            f"| {_cell(rss, 1)} | {verified} |"
        )
    method = (
        f"{rounds} interleaved round(s); keep-alive: `wrk -t1 -c32 -d{durations.keep_alive:g}s` after a "
        f"{durations.warmup:g} s warm-up; handshakes: `openssl s_time -new -tls1_3 -www / -time "
        f"{durations.handshakes}` (`-reuse` for resumed sessions); backend and proxy on CPU 0, client on CPU 1. "
        "Medians (min-max). Proxy CPU: utime + stime of all its processes (/proc/PID/stat); peak RSS: the sum "
        "of their VmHWM."
    )
    return "\n".join(["### Data path", method, "", *keep_alive, "", *handshakes, "", *goals(results)])


def goals(results: dict[str, Samples]) -> list[str]:
    """The issue's goals, each met or missed by how much (those whose cases were run). Requests per second
    swing with the machine's other load; CPU per request, counted for the proxy alone, much less."""

    def rps(label: str) -> float:
        return median(results[label].requests_per_second)

    def cpu(label: str) -> float:
        return median(results[label].us_per_request)

    def handshake(label: str) -> float:
        return median(results[label].us_per_handshake)

    lines = ["Goals:"]
    if DEFAULT in results:
        for peer, factor in ((HAPROXY, 1.0), (HAPROXY_LOG, 1.0), (STUNNEL, 1.0), (TUTORIAL, 2.5)):
            if peer in results:
                lines += [
                    _verdict(f"default req/s >= {factor:g}x {peer}", rps(DEFAULT), rps(peer) * factor, higher=True),
                    _verdict(f"default CPU/request <= {peer}", cpu(DEFAULT), cpu(peer), higher=False),
                    _verdict(f"default CPU/handshake <= {peer}", handshake(DEFAULT), handshake(peer), higher=False),
                ]
    ours = [label for label in results if label.startswith("ambassador") and label != RESUMED]
    if HITCH in results and ours:
        leanest = min((label for label in ours if results[label].us_per_request), key=cpu)
        lines += [
            _verdict(f"leanest mode ({leanest}) req/s >= {HITCH}", rps(leanest), rps(HITCH), higher=True),
            _verdict(f"leanest mode ({leanest}) CPU/request <= {HITCH}", cpu(leanest), cpu(HITCH), higher=False),
        ]
        cheapest = min(ours, key=handshake)
        goal = f"cheapest handshake ({cheapest}) CPU <= {HITCH}"
        lines.append(_verdict(goal, handshake(cheapest), handshake(HITCH), higher=False))
    return lines


def elasticsearch_report(results: dict[tuple[str, str], es.Samples], rounds: int, seconds: float) -> str:
    """Both paths to the real node side by side, and the issue's goals for the ambassador: at least 0.95x the
    direct bulk throughput (judged on docs/s, and on documents per CPU second, which other load moves less), at
    most 1 ms more search p99."""
    rows = [
        "| workload | path | docs/s (bulk), searches/s | ratio to direct | p50 ms | p99 ms | node CPU ms/request "
        "| ambassador CPU µs/request | requests |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (workload, label), samples in results.items():
        scale = es.DOCS_PER_BULK if workload == es.BULK else 1
        shown = [value * scale for value in samples.requests_per_second]
        ratio = median(samples.requests_per_second) / median(results[workload, es.DIRECT].requests_per_second)
        rows.append(
            f"| {workload} | {label} | {_cell(shown)} | {ratio:.2f} | {_cell(samples.p50_ms, 2)} "
            f"| {_cell(samples.p99_ms, 2)} | {_cell(samples.node_ms_per_request, 2)} "
            f"| {_cell(samples.ambassador_us_per_request)} | {samples.requests:,} |"
        )
    method = (
        f"{rounds} interleaved round(s) of {seconds:g} s runs, each after a {es.WARMUP_SECONDS:g} s warm-up, after "
        f"one unrecorded round. Bulk: `wrk -t1 -c{es.BULK_CONNECTIONS} --latency` POSTing {es.DOCS_PER_BULK} "
        'documents per `_bulk`, every response checked (200 and `"errors":false`). Search: `wrk '
        f"-t1 -c{es.SEARCH_CONNECTIONS} --latency` GET `{es.SEARCH_PATH}` over {es.SEED_DOCS:,} documents. One "
        f"node ({es.HEAP}) and the ambassador on CPU 0, wrk on CPU 1. Medians (min-max); CPU: utime + stime of "
        "each one's processes over the run."
    )

    def rate(workload: str, label: str) -> float:
        return median(results[workload, label].requests_per_second)

    def p99(label: str) -> float:
        return median(results[es.SEARCH, label].p99_ms)

    def docs_per_cpu_second(label: str) -> float:
        """What one core would index if the node and the ambassador had it to themselves: robust to the load of
        other processes, which moves docs/s."""
        bulk = results[es.BULK, label]
        ambassador_ms = median(bulk.ambassador_us_per_request) / 1000 if bulk.ambassador_us_per_request else 0.0
        return es.DOCS_PER_BULK * 1000 / (median(bulk.node_ms_per_request) + ambassador_ms)

    goals = [
        "Goals:",
        _verdict(
            "ambassador bulk docs/s >= 0.95x direct",
            rate(es.BULK, DEFAULT) * es.DOCS_PER_BULK,
            rate(es.BULK, es.DIRECT) * es.DOCS_PER_BULK * 0.95,
            higher=True,
        ),
        _verdict(
            "ambassador bulk docs per CPU second (node + ambassador) >= 0.95x direct",
            docs_per_cpu_second(DEFAULT),
            docs_per_cpu_second(es.DIRECT) * 0.95,
            higher=True,
        ),
        _verdict("ambassador search p99 <= direct + 1 ms", p99(DEFAULT), p99(es.DIRECT) + 1, higher=False),
    ]
    return "\n".join(["### The real Elasticsearch behind the ambassador", method, "", *rows, "", *goals])


def _verdict(goal: str, value: float, bound: float, *, higher: bool) -> str:
    """`higher`: whether a higher value is the better one."""
    met = value >= bound if higher else value <= bound
    gap = abs(value - bound) / bound * 100
    verdict = f"met, {gap:.0f}% ahead" if met else f"MISSED by {gap:.0f}%"
    return f"- {goal}: {verdict} ({value:,.1f} vs {bound:,.1f})"
