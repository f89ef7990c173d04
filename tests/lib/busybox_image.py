"""A stand-in for the busybox image's filesystem: a PATH directory where every applet links to Debian's busybox."""

from __future__ import annotations

from pathlib import Path

from .prerequisites import require_program

APPLETS = ("sh", "tail", "sleep", "kill", "cat", "tr", "echo", "[")


def busybox_path(directory: Path) -> str:
    """A PATH holding only busybox applets, as in the image, so no coreutils program is picked up by mistake."""
    busybox = require_program("busybox", "busybox")
    directory.mkdir(parents=True, exist_ok=True)
    for applet in APPLETS:
        (directory / applet).symlink_to(busybox)
    return str(directory)
