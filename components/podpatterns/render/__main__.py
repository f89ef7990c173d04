"""python -m podpatterns.render --stack STACK --out DIR [--project DIR]

Runs the project's program for STACK in-process under Pulumi's mocks and writes every
Kubernetes object it would create into DIR, one file per object; prints a summary.
Exit status 2 and nothing written when the stack's settings are invalid.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..podmodel import PodConflictError
from ..settings import SettingsError
from .manifests import kubernetes_objects, write_manifests
from .offline import run_offline
from .summary import summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m podpatterns.render", description=__doc__.split("\n\n")[1])
    parser.add_argument("--stack", required=True, help="stack name: reads <stackConfigDir>/Pulumi.<stack>.yaml")
    parser.add_argument("--out", required=True, type=Path, help="directory for the YAML files (replaced)")
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project directory (default: .)")
    options = parser.parse_args(argv)
    try:
        recording = run_offline(options.project, options.stack)
    except (SettingsError, PodConflictError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    objects = kubernetes_objects(recording)
    write_manifests(objects, options.out)
    print(summary(recording, objects))
    print(f"Wrote {len(objects)} objects to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
