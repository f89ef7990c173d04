"""Secret and ConfigMap volumes as directories, the way the kubelet projects them (files 0444)."""

from __future__ import annotations

from pathlib import Path


def write_volume(path: Path, files: dict[str, str]) -> Path:
    """`files` (name to content) in a new directory `path` that any user may read."""
    path.mkdir(mode=0o755, parents=True)
    for name, content in files.items():
        (path / name).write_text(content)
        (path / name).chmod(0o444)
    return path
