"""Where the golden snapshots are: tests/lib/golden/<stack>/, one YAML file per object, urns.txt and diagrams/
(scripts/update-golden writes them)."""

from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
