"""python -m podpatterns.render --stack STACK --out DIR [--force] [--project DIR] [--urns FILE [--allow-replacements]]

Runs the project's program for STACK in-process under Pulumi's mocks and writes every
Kubernetes object it would create into DIR, one file per object, and a Mermaid diagram of
each pod into DIR/diagrams; prints a summary.
Exit status 2 and nothing written when the stack's settings are invalid.
DIR is new, empty, or one a render wrote: its index (.render-index) names the files the
previous render wrote, and only those are replaced or removed. Any other non-empty DIR is
refused (exit status 4, nothing written) unless --force; no file that a render did not write
is ever removed.
With --urns, also writes every resource's URN to FILE; when FILE already lists a URN that
no resource keeps (directly or through an alias), `pulumi up` would delete that resource:
exit status 3, the alias that would keep it, and nothing written, unless --allow-replacements.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..pod.model import PodConflictError
from ..settings import SettingsError
from .diagram import pod_diagrams
from .manifests import diagram_files, kubernetes_objects, manifest_files
from .offline import Recording, run_offline
from .output import OutputDirectoryError, previous_render, write_render
from .replacements import match_snapshot, read_snapshot, replacement_advice, snapshot_text
from .summary import summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m podpatterns.render", description=__doc__.split("\n\n")[1])
    parser.add_argument("--stack", required=True, help="stack name: reads <stackConfigDir>/Pulumi.<stack>.yaml")
    parser.add_argument("--out", required=True, type=Path, help="directory for the YAML files")
    parser.add_argument(
        "--force", action="store_true", help="write into a non-empty DIR that no render wrote (same names replaced)"
    )
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project directory (default: .)")
    parser.add_argument("--urns", type=Path, help="URN snapshot to check against and rewrite")
    parser.add_argument(
        "--allow-replacements", action="store_true", help="rewrite --urns even if live resources would be deleted"
    )
    options = parser.parse_args(argv)
    try:
        return _render(options)
    except (SettingsError, PodConflictError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OutputDirectoryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 4


def _render(options: argparse.Namespace) -> int:
    previous_render(options.out, force=options.force)  # refused at once, before the work
    recording = run_offline(options.project, options.stack)
    if options.urns and not options.allow_replacements and _would_delete(recording, options.urns):
        return 3
    objects = kubernetes_objects(recording)
    diagrams = diagram_files(pod_diagrams(objects, recording.pods))
    write_render(options.out, {**manifest_files(objects), **diagrams}, force=options.force)
    if options.urns:
        options.urns.write_text(snapshot_text(recording))
    print(summary(recording, objects))
    print(f"Wrote {len(objects)} objects to {options.out}")
    print("Pod diagrams (Mermaid): " + " ".join(str(options.out / name) for name in sorted(diagrams)))
    return 0


def _would_delete(recording: Recording, snapshot: Path) -> bool:
    if not snapshot.exists():
        return False
    matching = match_snapshot(read_snapshot(snapshot.read_text()), recording)
    if matching.removed:
        print(f"error: {replacement_advice(matching, str(snapshot))}", file=sys.stderr)
    return bool(matching.removed)


if __name__ == "__main__":
    sys.exit(main())
