"""The mutation gate: break one documented promise at a time and check that a test fails.

Each mutation of `mutations.yaml` replaces one exact snippet of the library (it must occur exactly
once in its file) and names the tests that must then fail. The gate copies the tree into a temporary
directory without the golden renders (a golden diff catches change, not wrongness), runs the named
tests unmutated once (they must pass there), then each mutant in its own copy; the checkout itself is
never edited, so a killed run leaves no mutated source behind. It fails when a mutant survives
(unless allowlisted with the reason), when a snippet no longer matches (naming the mutation: the code
moved, update its entry), or when the unmutated tests fail.

    python -m tests.lib.mutants.gate [--jobs N] [--only NAME ...] [--list]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[3]
MUTATIONS_FILE = Path(__file__).resolve().parent / "mutations.yaml"
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv*", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "out", "golden"
)
"""Not copied: version control, environments, caches, renders, and the golden snapshots."""
MUTANT_TIMEOUT_SECONDS = 600
"""A mutant that hangs its tests (a loop that never ends) counts as killed after this long."""


class GateError(Exception):
    """The gate cannot judge: a stale snippet, a bad entry, or tests failing on the unmutated code."""


@dataclass(frozen=True)
class Mutation:
    """One small edit that breaks one promise, and the fast tests that must notice."""

    name: str
    promise: str
    """The documented promise it breaks, and where it is documented."""
    file: str
    """Relative to the project directory."""
    find: str
    """An exact snippet occurring exactly once in `file`."""
    replace: str
    tests: tuple[str, ...]
    """pytest arguments: files or node ids, relative to the project directory."""
    survives: str = ""
    """Allowlisted survivor: why no test can kill it (empty: it must be killed)."""

    def mutated(self, root: Path) -> str:
        """The text of `file` under `root` with the mutation; raises GateError naming it when the snippet is stale."""
        path = root / self.file
        if not path.is_file():
            raise GateError(
                f"mutation '{self.name}': no file {self.file}; update tests/lib/mutants/{MUTATIONS_FILE.name}"
            )
        text = path.read_text()
        count = text.count(self.find)
        if count != 1:
            where = "does not occur" if count == 0 else f"occurs {count} times"
            raise GateError(
                f"mutation '{self.name}': its snippet {where} in {self.file} (the code changed: point the entry "
                f"in {MUTATIONS_FILE.relative_to(PROJECT_DIR)} at the new code of the same promise)\n"
                f"  snippet: {self.find!r}"
            )
        return text.replace(self.find, self.replace)


_FIELDS = {"name", "promise", "file", "find", "replace", "tests", "survives"}


def load_mutations(path: Path = MUTATIONS_FILE) -> list[Mutation]:
    """The mutations of `path`; raises GateError naming the entry and the key on a malformed one."""
    entries = yaml.safe_load(path.read_text())
    if not isinstance(entries, list):
        raise GateError(f"{path}: a list of mutations expected")
    mutations: list[Mutation] = []
    for index, entry in enumerate(entries):
        label = f"{path.name} entry {index + 1}" + (f" ('{entry.get('name')}')" if isinstance(entry, dict) else "")
        if not isinstance(entry, dict):
            raise GateError(f"{label}: a mapping expected")
        unknown = set(entry) - _FIELDS
        missing = _FIELDS - {"survives"} - set(entry)
        if unknown or missing:
            raise GateError(f"{label}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
        if entry["find"] == entry["replace"] or not entry["tests"]:
            raise GateError(f"{label}: replace must differ from find, and tests must name at least one test")
        mutations.append(
            Mutation(
                name=str(entry["name"]),
                promise=str(entry["promise"]),
                file=str(entry["file"]),
                find=str(entry["find"]),
                replace=str(entry["replace"]),
                tests=tuple(str(t) for t in entry["tests"]),
                survives=str(entry.get("survives") or ""),
            )
        )
    names = [m.name for m in mutations]
    if duplicated := sorted({n for n in names if names.count(n) > 1}):
        raise GateError(f"{path.name}: mutation names used twice: {duplicated}")
    return mutations


def copy_tree(source: Path, destination: Path) -> Path:
    """The project as the tests need it, without the golden renders."""
    shutil.copytree(source, destination, ignore=LEFT_OUT, symlinks=True)
    return destination


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    killed: bool
    seconds: float
    detail: str
    """The first failing test, or pytest's last line."""
    ran: bool = True
    """False when every test skipped (root or a program missing, on a laptop; under CI tests never skip)."""


def run_tests(root: Path, tests: Sequence[str], *, stop_at_first_failure: bool) -> subprocess.CompletedProcess[str]:
    """pytest in `root`, importing the library from `root` (not from the checkout's editable install)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root / "components"), str(root)]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--numprocesses", "0", "-o", "addopts="]
    command += ["-x"] if stop_at_first_failure else []
    return subprocess.run(
        [*command, "--", *tests],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=MUTANT_TIMEOUT_SECONDS,
        check=False,
    )


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line
    lines = output.strip().splitlines()
    return lines[-1] if lines else "(no output)"


def run_mutant(mutation: Mutation, worker_root: Path) -> Outcome:
    """Apply `mutation` in the worker's copy, run its tests, restore the file."""
    path = worker_root / mutation.file
    original = path.read_bytes()
    started = time.monotonic()
    try:
        path.write_text(mutation.mutated(worker_root))
        try:
            result = run_tests(worker_root, mutation.tests, stop_at_first_failure=True)
        except subprocess.TimeoutExpired:
            return Outcome(mutation, True, time.monotonic() - started, f"timed out after {MUTANT_TIMEOUT_SECONDS} s")
    finally:
        path.write_bytes(original)
    output = result.stdout + result.stderr
    # 1: tests failed; 2: collection failed (the mutant broke an import). 4 and 5 mean a bad selection.
    if result.returncode in (4, 5):
        raise GateError(f"mutation '{mutation.name}': pytest could not run {list(mutation.tests)}:\n{output[-2000:]}")
    killed = result.returncode in (1, 2)
    seconds = time.monotonic() - started
    if not killed and re.search(r"\d+ skipped", output) and not re.search(r"\d+ passed", output):
        return Outcome(mutation, False, seconds, "every test skipped here: " + _first_failure(output), ran=False)
    return Outcome(mutation, killed, seconds, _first_failure(output) if killed else "all passed")


def check_baseline(root: Path, mutations: Sequence[Mutation]) -> None:
    """The selected tests pass on the unmutated copy (without goldens), or no kill would mean anything."""
    tests = list(dict.fromkeys(t for m in mutations for t in m.tests))
    result = run_tests(root, tests, stop_at_first_failure=False)
    if result.returncode != 0:
        output = result.stdout + result.stderr
        raise GateError(f"the mutants' tests fail on the unmutated code (without goldens):\n{output[-4000:]}")


def run_gate(mutations: Sequence[Mutation], jobs: int) -> list[Outcome]:
    """Every mutant, `jobs` at a time, each worker in its own copy of the tree."""
    for mutation in mutations:  # every snippet first: a stale one fails before minutes of tests
        mutation.mutated(PROJECT_DIR)
    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch:
        roots = [copy_tree(PROJECT_DIR, Path(scratch) / f"worker-{i}") for i in range(jobs)]
        check_baseline(roots[0], mutations)
        free = list(roots)
        outcomes: list[Outcome] = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            pending: dict[concurrent.futures.Future[Outcome], Path] = {}
            queue = list(mutations)
            while queue or pending:
                while queue and free:
                    root = free.pop()
                    pending[pool.submit(run_mutant, queue.pop(0), root)] = root
                done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    free.append(pending.pop(future))
                    outcome = future.result()
                    outcomes.append(outcome)
                    _print_outcome(outcome)
        return outcomes


def _print_outcome(outcome: Outcome) -> None:
    verdict = "killed  " if outcome.killed else ("allowed " if outcome.mutation.survives else "SURVIVED")
    verdict = verdict if outcome.ran else "not run "
    print(f"{verdict} {outcome.mutation.name} ({outcome.seconds:.0f} s): {outcome.detail}", flush=True)


def verdict(outcomes: Sequence[Outcome]) -> tuple[int, list[str]]:
    """The exit status and the summary lines: 1 when a mutant survives without a reason, or an allowlisted
    one is killed (its reason is stale)."""
    killed = sum(o.killed for o in outcomes)
    lines = [f"mutation score: {killed}/{len(outcomes)} killed ({100 * killed / max(len(outcomes), 1):.0f}%)"]
    failed = False
    for outcome in sorted(outcomes, key=lambda o: o.mutation.name):
        mutation = outcome.mutation
        if not outcome.ran:
            lines.append(f"  not judged here {mutation.name}: {outcome.detail}")
        elif not outcome.killed and mutation.survives:
            lines.append(f"  allowlisted survivor {mutation.name}: {mutation.survives}")
        elif not outcome.killed:
            failed = True
            lines.append(f"  SURVIVED {mutation.name}: no test of {list(mutation.tests)} noticed; {mutation.promise}")
        elif mutation.survives:
            failed = True
            lines.append(f"  {mutation.name} is allowlisted as a survivor but was killed: remove its 'survives'")
    return (1 if failed else 0), lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants run at once (default: CPUs)")
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and their promises, run nothing")
    options = parser.parse_args(argv)
    started = time.monotonic()
    try:
        mutations = load_mutations()
        if unknown := sorted(set(options.only) - {m.name for m in mutations}):
            raise GateError(f"--only: no mutation named {unknown}")
        selected = [m for m in mutations if not options.only or m.name in options.only]
        if options.list:
            for mutation in selected:
                print(f"{mutation.name}: {mutation.promise}")
            return 0
        outcomes = run_gate(selected, max(1, options.jobs))
    except GateError as error:
        print(f"scripts/mutants: {error}", file=sys.stderr)
        return 3
    status, lines = verdict(outcomes)
    print("\n".join(lines))
    print(f"mutation gate: {len(outcomes)} mutants in {time.monotonic() - started:.0f} s with {options.jobs} jobs")
    return status


if __name__ == "__main__":
    sys.exit(main())
