"""python -m podpatterns.render.diff --base DIR --head DIR [--base-label TEXT] [--head-label TEXT]

Markdown for a pull request's job summary: per stack, every change Kubernetes cannot make in place, labelled
"REPLACE (downtime)" (render/replace_only.py), the unified diff between two offline renders
(`DIR/<stack>/`: manifests, `urns.txt`, `diagrams/`), as `scripts/manifest-diff` lays them out, and
each added or changed pod diagram drawn as it now is. A stack
whose render failed has `DIR/<stack>.error` (the render's stderr) instead, shown as such.
Exit status 1 when a stack failed to render on the head side (the base side may be too old to render).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .output import INDEX
from .replace_only import replacements

MAX_LINES_PER_STACK = 400
"""Longer diffs are cut there (GitHub keeps at most 1 MiB of summary per step); the full one is local."""


@dataclass(frozen=True)
class StackDiff:
    stack: str
    added: list[str]
    removed: list[str]
    changed: list[str]
    lines: list[str]
    """The unified diff of every changed file, in file order."""
    new_diagrams: dict[str, str] = field(default_factory=dict)
    """Pod diagrams added or changed, as they are now: shown as pictures too."""
    base_error: str = ""
    head_error: str = ""
    replacements: list[str] = field(default_factory=list)
    """Objects `pulumi up` would delete and recreate, one line each, labelled REPLACE (downtime)."""


def stacks(base: Path, head: Path) -> list[str]:
    """Every stack rendered (or attempted) on either side."""
    names = {p.name for side in (base, head) if side.is_dir() for p in side.iterdir() if p.is_dir()}
    names |= {p.stem for side in (base, head) for p in side.glob("*.error")}
    return sorted(names)


def _files(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    files = (p for p in sorted(directory.rglob("*")) if p.is_file() and p.name != INDEX)  # the index repeats the names
    return {str(p.relative_to(directory)): p.read_text() for p in files}


def _error(side: Path, stack: str) -> str:
    error = side / f"{stack}.error"
    return error.read_text().strip() if error.exists() else ""


def compare(base: Path, head: Path, stack: str) -> StackDiff:
    """The diff of one stack's renders; none when a side failed to render (its error says why)."""
    base_error, head_error = _error(base, stack), _error(head, stack)
    if base_error or head_error:
        return StackDiff(stack, [], [], [], [], base_error=base_error, head_error=head_error)
    old, new = _files(base / stack), _files(head / stack)
    changed = [name for name in sorted(old.keys() & new.keys()) if old[name] != new[name]]
    lines: list[str] = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name, ""), new.get(name, "")
        if before != after:
            lines += difflib.unified_diff(
                before.splitlines(),
                after.splitlines(),
                f"a/{stack}/{name}" if name in old else "/dev/null",
                f"b/{stack}/{name}" if name in new else "/dev/null",
                lineterm="",
            )
    return StackDiff(
        stack=stack,
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=changed,
        lines=lines,
        new_diagrams={name: new[name] for name in sorted(new) if name.endswith(".mmd") and new[name] != old.get(name)},
        replacements=replacements(old, new),
    )


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so the diff cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str, language: str = "") -> list[str]:
    fence = _fence(text)
    return [f"{fence}{language}", text, fence]


def _headline(diff: StackDiff) -> str:
    failed = [side for side, error in (("head", diff.head_error), ("base", diff.base_error)) if error]
    if failed:
        return f"not compared, the {' and the '.join(failed)} failed to render"
    counts = [f"{len(files)} {what}" for what, files in (("added", diff.added), ("removed", diff.removed)) if files]
    counts += [f"{len(diff.changed)} changed"] if diff.changed else []
    return ", ".join(counts) if counts else "no change"


def _stack_section(diff: StackDiff) -> list[str]:
    lines = [f"### {diff.stack}: {_headline(diff)}", ""]
    lines += [f"- **{line}**" for line in diff.replacements] + ([""] if diff.replacements else [])
    for side, error in (("head", diff.head_error), ("base", diff.base_error)):
        if error:
            tail = "\n".join(error.splitlines()[-20:])  # the message, or a traceback's end
            lines += [f"The {side} render's error:", "", *_code(tail), ""]
    if diff.lines:
        shown = diff.lines[:MAX_LINES_PER_STACK]
        lines += _code("\n".join(shown), "diff")
        if len(diff.lines) > len(shown):
            lines.append(f"... {len(diff.lines) - len(shown)} more lines: run `scripts/manifest-diff` locally.")
        lines.append("")
    for name, diagram in diff.new_diagrams.items():  # GitHub draws Mermaid blocks in job summaries
        lines += [f"<details><summary>{name}, as it is now</summary>", "", *_code(diagram.rstrip("\n"), "mermaid")]
        lines += ["", "</details>", ""]
    return lines


def markdown(base: Path, head: Path, base_label: str = "base", head_label: str = "head") -> str:
    """The whole summary: a heading, then one section per stack."""
    lines = [
        f"## Manifest diff: {base_label} → {head_label}",
        "",
        "The offline render of every stack (`python -m podpatterns.render`): Kubernetes objects, URNs "
        "(a removed URN is a resource `pulumi up` would delete) and pod diagrams.",
        "",
    ]
    for stack in stacks(base, head):
        lines += _stack_section(compare(base, head, stack))
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m podpatterns.render.diff", description=__doc__.split("\n\n")[1])
    parser.add_argument("--base", required=True, type=Path, help="renders of the base: DIR/<stack>/")
    parser.add_argument("--head", required=True, type=Path, help="renders of the change: DIR/<stack>/")
    parser.add_argument("--base-label", default="base", help="how the heading names the base")
    parser.add_argument("--head-label", default="head", help="how the heading names the change")
    options = parser.parse_args(argv)
    sys.stdout.write(markdown(options.base, options.head, options.base_label, options.head_label))
    return 1 if any(options.head.glob("*.error")) else 0


if __name__ == "__main__":
    sys.exit(main())
