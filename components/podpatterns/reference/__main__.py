"""Regenerate everything derived from the settings and the components: `python -m podpatterns.reference`.

`args`: the argument TypedDicts (`components/podpatterns/*/args.py`, typed_args.py). `docs`: the package schema
snapshot (components/schema.json), the component reference (docs/components.md), the configuration reference per
stack (docs/configuration.md) and the settings elasticsearch.config may name (docs/elasticsearch-settings.md).
Without an argument, both: the arguments first, then the rest in a new process, because the schema is inferred
from the modules as rewritten. Run it from the project directory
(scripts/update-reference does); tests fail when any output is stale.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .. import package
from . import components, configuration, elasticsearch_settings, typed_args


def write_args() -> None:
    for path in typed_args.write_modules():
        print(f"rewrote {path}")


def write_docs(project: Path) -> None:
    (project / "components/schema.json").write_text(json.dumps(package.schema(), indent=2) + "\n")
    (project / "docs").mkdir(exist_ok=True)
    (project / "docs/components.md").write_text(components.markdown())
    (project / "docs/configuration.md").write_text(configuration.markdown(project))
    (project / "docs/elasticsearch-settings.md").write_text(elasticsearch_settings.markdown())


def main(argv: list[str]) -> None:
    what = argv[0] if argv else "all"
    if what not in ("all", "args", "docs"):
        raise SystemExit(f"python -m podpatterns.reference: unknown {what!r}; allowed: args, docs, or nothing (both)")
    if what in ("all", "args"):
        write_args()
    if what == "all":
        subprocess.run([sys.executable, "-m", "podpatterns.reference", "docs"], check=True)
    if what == "docs":
        write_docs(Path.cwd())


if __name__ == "__main__":
    main(sys.argv[1:])
