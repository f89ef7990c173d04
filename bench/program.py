"""Program speed: the library's import time, each stack evaluated offline, and ten apps against one.

`python -m bench.program` measures in a fresh interpreter and prints JSON; `program_report` runs it and
writes the Markdown. Under mocks, as `scripts/render` runs a stack: no engine, no provider plugins.
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from podpatterns import ElasticsearchApp
from podpatterns.elasticsearch.settings import load_stack_settings
from podpatterns.render import run_offline, run_with_mocks
from podpatterns.render.offline import stack_config

from tests.lib.support.variants import PROJECT_DIR

REPEATS = 3


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _apps_program(count: int) -> Callable[[], None]:
    """A program deploying `count` copies of the stack's app, each in its own namespace."""

    def program() -> None:
        settings = dataclasses.asdict(load_stack_settings())
        for index in range(count):
            args: Any = {**settings, "namespace": f"{settings['namespace']}-{index}"}
            args["elasticsearch"] = {**settings["elasticsearch"], "name": f"es{index}"}
            ElasticsearchApp(f"es{index}", args)

    return program


STACKS = sorted(
    p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (PROJECT_DIR / "stacks").glob("Pulumi.*.yaml")
)


def measure_stack(stack: str) -> dict[str, float]:
    """In a fresh interpreter: the first evaluation pays the lazy imports of the Kubernetes kinds it registers."""
    first = _seconds(lambda: run_offline(PROJECT_DIR, stack))
    again = statistics.median(_seconds(lambda: run_offline(PROJECT_DIR, stack)) for _ in range(REPEATS))
    return {"first": first, "again": again}


def measure_apps() -> dict[str, float]:
    """One prod app, then ten, then twenty in one program, after a warm-up evaluation."""
    project, config, secrets = stack_config(PROJECT_DIR, "prod")

    def apps(count: int) -> float:
        program = _apps_program(count)
        return _seconds(
            lambda: run_with_mocks(program, project=project, stack="prod", config=config, secret_keys=secrets)
        )

    apps(1)
    one = statistics.median(apps(1) for _ in range(REPEATS))
    ten = statistics.median(apps(10) for _ in range(REPEATS))
    twenty = statistics.median(apps(20) for _ in range(REPEATS))
    return {"one": one, "ten": ten, "twenty": twenty}


_IMPORT = (
    "import sys, time; start = time.perf_counter(); import podpatterns.render; seconds = time.perf_counter() - start; "
    "print(seconds, *sorted(name for name in sys.modules if name.startswith('pulumi_kubernetes')))"
)


def _import() -> tuple[float, list[str], list[tuple[str, float]]]:
    """Seconds to import the library (with the offline render), the pulumi_kubernetes modules that loads,
    and the slowest top-level imports in it (`python -X importtime`, cumulative ms)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _IMPORT], capture_output=True, text=True, check=True
    )
    seconds, *kubernetes = result.stdout.split()
    rows = re.findall(r"^import time:\s+\d+ \|\s+(\d+) \|\s+(\S+)$", result.stderr, re.MULTILINE)
    packages = {name: int(cumulative) / 1000 for cumulative, name in rows if "." not in name}  # top-level packages
    del packages["podpatterns"]
    slowest = sorted(packages.items(), key=lambda row: -row[1])[:6]
    return float(seconds), kubernetes, slowest


def program_report() -> str:
    imports = [_import() for _ in range(REPEATS)]
    import_ms = statistics.median(seconds for seconds, _, _ in imports) * 1000
    kubernetes = ", ".join(imports[0][1]) or "none (each kind's module is imported when first registered)"
    lines = [
        "### Program speed",
        f"Medians of {REPEATS} fresh interpreters; evaluation under mocks, as `scripts/render` runs a stack.",
        "",
        f"- `import podpatterns.render` (the library and its offline render): {import_ms:.0f} ms; pulumi_kubernetes "
        f"modules it loads: {kubernetes}.",
        "- the heaviest packages under it (`python -X importtime`, cumulative, with its overhead): "
        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in imports[0][2])
        + ".",
        "",
        "| stack | first evaluation s (pays the lazy imports) | next evaluations s |",
        "|---|---|---|",
    ]
    for stack in STACKS:
        runs = [_fresh(stack) for _ in range(REPEATS)]
        first, again = (statistics.median(run[key] for run in runs) for key in ("first", "again"))
        lines.append(f"| {stack} | {first:.2f} | {again:.2f} |")
    apps = [_fresh("--apps") for _ in range(REPEATS)]
    one, ten, twenty = (statistics.median(run[key] for run in apps) for key in ("one", "ten", "twenty"))
    lines += [
        "",
        f"Prod apps in one program: one {one:.2f} s, ten {ten:.2f} s ({ten / one:.1f}x one), twenty {twenty:.2f} s "
        f"({twenty / ten:.1f}x ten).",
    ]
    return "\n".join(lines)


def _fresh(argument: str) -> dict[str, float]:
    argv = [sys.executable, "-m", "bench.program", argument]
    result: dict[str, float] = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
    return result


if __name__ == "__main__":
    print(json.dumps(measure_apps() if sys.argv[1] == "--apps" else measure_stack(sys.argv[1])))
