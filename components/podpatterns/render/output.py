"""The render's output directory: render replaces and removes only the files it wrote there itself.

Each render leaves an index (INDEX) in the directory naming the files it wrote. The next render replaces
those, removes those it no longer writes, and touches nothing else: a user's own files, a `Pulumi.yaml`
or stack files in the same directory stay as they are. A non-empty directory without an index was not
made by a render: it is refused unless `force`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

INDEX = ".render-index"
"""The index file in the output directory: one relative path a line, after the comment lines."""

_HEADER = (
    "# Written by python -m podpatterns.render: the files it wrote in this directory, one a line.\n"
    "# The next render replaces or removes these, and only these; do not edit.\n"
)


class OutputDirectoryError(Exception):
    """The output directory holds files that render did not write and would have to overwrite."""


def previous_render(out: Path, *, force: bool = False) -> set[str]:
    """The files the previous render wrote into `out` (none for a new or empty directory).

    Raises OutputDirectoryError for a non-empty directory without an index, unless `force` (default False).
    """
    if out.exists() and not out.is_dir():
        raise OutputDirectoryError(f"{out} is not a directory: give a directory for --out")
    index = out / INDEX
    if index.is_file():
        return _read_index(index)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputDirectoryError(
            f"{out} is not empty and no render wrote it (it has no {INDEX}): render writes into a new or empty "
            "directory, or one it wrote before. Give another --out, or --force to write into it anyway (files of "
            "the same names are replaced, no other file is touched)"
        )
    return set()


def write_render(out: Path, files: Mapping[str, str], *, force: bool = False) -> list[Path]:
    """Write `files` (relative path -> text) into `out`, remove the previous render's files that are not among
    them, and record them in the index. Checks everything before writing anything: raises OutputDirectoryError
    when a file would replace one that no render wrote, unless `force` (default False)."""
    previous = previous_render(out, force=force)
    foreign = sorted(name for name in files if name not in previous and (out / name).exists())
    if foreign and not force:
        raise OutputDirectoryError(
            f"{out} holds files that no render wrote and this one would replace: {', '.join(foreign)}. "
            "Move them, give another --out, or --force to replace them"
        )
    out.mkdir(parents=True, exist_ok=True)
    # Listed before they are written: an interrupted render still knows every file it may have left.
    _write_index(out, previous | set(files))
    written = []
    for name, text in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    for name in sorted(previous - set(files)):
        _remove_with_empty_parents(out, name)
    _write_index(out, set(files))
    return written


def _read_index(index: Path) -> set[str]:
    names = set()
    for number, line in enumerate(index.read_text().splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        path = PurePosixPath(line)
        if path.is_absolute() or ".." in path.parts or line != str(path):
            raise OutputDirectoryError(f"{index}:{number}: {line!r} is not a plain relative path of a written file")
        names.add(line)
    return names


def _write_index(out: Path, names: set[str]) -> None:
    (out / INDEX).write_text(_HEADER + "".join(f"{name}\n" for name in sorted(names)))


def _remove_with_empty_parents(out: Path, name: str) -> None:
    path = out / name
    if path.is_file():
        path.unlink()
    directory = path.parent
    while directory != out and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
