"""bench/run [proxies|elasticsearch|footprint|program|all] [--quick] [--rounds N]: see bench/__init__.py."""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from pathlib import Path

from . import elasticsearch, footprint, profile, program, proxies, report
from .primitives import primitives_report
from .processes import serving
from .rendered import BACKEND_PORT


def _progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def _chosen(label: str, only: list[str]) -> bool:
    return not only or any(word in label for word in only)


def run_proxies(options: argparse.Namespace, workdir: Path) -> str:
    durations = proxies.Durations(warmup=1, keep_alive=options.seconds, handshakes=int(options.seconds))
    workdir.mkdir()
    cases = [c for c in proxies.build_cases(workdir) if c.label == proxies.DIRECT or _chosen(c.label, options.only)]
    argv, log = proxies.backend(workdir)
    with serving("backend", argv, BACKEND_PORT, log):
        results = proxies.run_rounds(cases, options.rounds, durations, _progress)
    primitives = primitives_report(1 if options.quick else 2)
    return report.proxies_report(cases, results, options.rounds, durations) + "\n\n" + primitives


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description="Benchmark of the pod patterns (not a test).")
    parser.add_argument(
        "what", nargs="?", default="all", choices=("all", "proxies", "elasticsearch", "footprint", "program", "profile")
    )
    parser.add_argument("--quick", action="store_true", help="one round of 2 s runs (a smoke run, noisy)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=float, default=5, help="length of each measured run (default 5)")
    parser.add_argument(
        "--only", action="append", default=[], help="only the cases whose label contains this (repeatable)"
    )
    parser.add_argument("--out", type=Path, default=Path("out/bench.md"), help="also write the report here")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds, options.seconds = 1, 2
    sections = [report.machine()]
    with tempfile.TemporaryDirectory(prefix="pod-patterns-bench-") as temporary:
        workdir = Path(temporary)
        workdir.chmod(0o755)  # the ambassador's user reads its volumes from here
        if options.what in ("all", "proxies"):
            sections.append(run_proxies(options, workdir / "proxies"))
        if options.what in ("all", "elasticsearch"):
            results = elasticsearch.run(workdir / "elasticsearch", options.rounds, options.seconds, _progress)
            sections.append(report.elasticsearch_report(results, options.rounds, options.seconds))
        if options.what == "profile":
            chosen = functools.partial(_chosen, only=options.only)
            sections.append(profile.profile_report(workdir / "profile", options.seconds, chosen, _progress))
        if options.what in ("all", "footprint"):
            durations = footprint.Durations(idle=10 if not options.quick else 3, load=options.seconds)
            sections.append(footprint.footprint_report(workdir / "footprint", durations))
    if options.what in ("all", "program"):
        sections.append(program.program_report())
    sections.append(report.load_line("after"))
    text = "\n\n".join(sections) + "\n"
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
