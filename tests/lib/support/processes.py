"""The processes a script started, found by what their command lines name: for tests that a `down` leaves none."""

from __future__ import annotations

from pathlib import Path


def processes_naming(directory: Path) -> list[str]:
    """Every process whose command line mentions the directory (each started program names a file in it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if entry.name.isdigit() and str(directory) in command:
            found.append(f"{entry.name}: {command}")
    return found


def alive(pid: str) -> bool:
    """Whether the process runs: gone, or a zombie (dead, its exit status not yet collected by init), is not."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def descendants(pid: int) -> list[int]:
    """The process's children, theirs, and so on (whatever process group they moved to)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if entry.name.isdigit():
            parents.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        children = parents.get(queue.pop(), [])
        found += children
        queue += children
    return found
