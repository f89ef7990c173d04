"""Where a proxy's CPU goes under keep-alive load: `perf record -e cpu-clock` (a software clock: virtual
machines often have no hardware counters) on its processes while wrk runs, then the share of samples per
binary or library (kernel, libssl, libcrypto, libc, the proxy itself) and its heaviest symbols.

`bench/run profile [--only WORD]`: the default ambassador and haproxy, one after the other, same load as the
data-path table (wrk -t1 -c32 on CPU 1, backend and proxy on CPU 0).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import load
from .processes import serving
from .proxies import DEFAULT, HAPROXY, Case, backend, build_cases
from .rendered import BACKEND_PORT

PROFILED = (DEFAULT, HAPROXY)
TOP_SYMBOLS = 12
KERNEL = "[kernel.kallsyms]"


@dataclass(frozen=True)
class Profile:
    label: str
    requests_per_second: float
    samples: int
    by_object: list[tuple[str, float]]
    """(binary or library, percent of samples), largest first."""
    by_symbol: list[tuple[str, str, float]]
    """(binary or library, symbol, percent of samples), largest first."""
    user_symbols: list[tuple[str, str, float]]
    """The same outside the kernel: the proxy's own code and its libraries."""


def _report(data: Path, sort: str) -> list[list[str]]:
    """perf report rows (at least 0.1% of the samples) split on two or more spaces, without its comments."""
    argv = ["perf", "report", "-i", str(data), "--stdio", "--no-children", "--sort", sort, "--percent-limit", "0.1"]
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines() if line.strip() and line[0] != "#"]


def _percent(cell: str) -> float:
    return float(cell.rstrip("%"))


def profile_case(case: Case, seconds: float, workdir: Path) -> Profile:
    if case.argv is None:
        raise ValueError(f"{case.label}: nothing to profile (no proxy)")
    data = workdir / f"{case.port}.perf"
    with serving(case.label, case.argv, case.port, case.log) as server:
        url = f"https://127.0.0.1:{case.port}/"
        load.wrk(url, 1)
        pids = ",".join(map(str, server.pids()))
        perf = subprocess.Popen(
            ["perf", "record", "-q", "-e", "cpu-clock", "-F", "4999", "-p", pids, "-o", str(data)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            result = load.wrk(url, seconds)
        finally:
            perf.send_signal(2)
            perf.wait(timeout=30)
    objects = [(row[1], _percent(row[0])) for row in _report(data, "dso") if len(row) >= 2]
    symbols = [(row[1], row[2], _percent(row[0])) for row in _report(data, "dso,sym") if len(row) >= 3]
    user = [row for row in symbols if row[0] != KERNEL][:TOP_SYMBOLS]
    return Profile(case.label, result.requests_per_second, _sample_count(data), objects, symbols[:TOP_SYMBOLS], user)


def _sample_count(data: Path) -> int:
    argv = ["perf", "report", "-i", str(data), "--stdio", "--sort", "dso"]
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    found = re.search(r"^# Samples: (\d+)([KM]?)", text, re.M)  # perf writes 11K for 11,000
    return int(found[1]) * {"": 1, "K": 1000, "M": 1000000}[found[2]] if found else 0


def profile_report(
    workdir: Path, seconds: float, chosen: Callable[[str], bool], progress: Callable[[str], None]
) -> str:
    if shutil.which("perf") is None:
        return "### Where the CPU goes\nperf not found (Debian: linux-perf): not profiled."
    workdir.mkdir()
    cases = [c for c in build_cases(workdir) if c.label in PROFILED and chosen(c.label)]
    profiles = []
    argv, log = backend(workdir)
    with serving("backend", argv, BACKEND_PORT, log):
        for case in cases:
            progress(f"profiling {case.label}")
            profiles.append(profile_case(case, seconds, workdir))
    lines = [
        "### Where the CPU goes",
        f"`perf record -e cpu-clock -F 4999` on the proxy's processes during `wrk -t1 -c32 -d{seconds:g}s` "
        "(keep-alive, as the data-path table); shares of the samples.",
    ]
    for found in profiles:
        lines += [
            "",
            f"**{found.label}**: {found.requests_per_second:,.0f} req/s while sampled, {found.samples} samples.",
        ]
        lines += ["", "| binary or library | share |", "|---|---|"]
        lines += [f"| {name} | {share:.1f}% |" for name, share in found.by_object]
        for title, rows in (("heaviest symbols", found.by_symbol), ("outside the kernel", found.user_symbols)):
            lines += ["", f"| {title}: binary or library | symbol | share |", "|---|---|---|"]
            lines += [f"| {name} | `{symbol}` | {share:.1f}% |" for name, symbol, share in rows]
    return "\n".join(lines)
