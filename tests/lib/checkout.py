"""The checkout as a fresh clone of it has it: for tests that run the project's own commands where no earlier run
left anything (no .venv, no state, no build output)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def copy_checkout(destination: Path) -> Path:
    """Copies the repository's files into `destination`: the tracked ones and new ones not ignored, as they are in the
    working tree (what a clone of the change, or actions/checkout, gives). Returns `destination`."""
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    names = subprocess.run(listing, cwd=PROJECT_DIR, check=True, capture_output=True).stdout.decode().split("\0")
    for name in names:
        if name and (PROJECT_DIR / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_DIR / name, destination / name)
    return destination
