"""Tailer container names: `tail-<file>`, so a log collector's container label says which file a line is from."""

from __future__ import annotations

import re

PREFIX = "tail-"
MAX_LENGTH = 63
_NOT_IN_NAME = re.compile(r"[^a-z0-9]+")


def container_name(file: str) -> str:
    """`tail-<file>`, lowercased, every run of other characters one '-'; may be too long (see `name_problem`)."""
    return PREFIX + _NOT_IN_NAME.sub("-", file.lower()).strip("-")


def name_problem(files: tuple[str, ...]) -> str | None:
    """Why `files` cannot each get a distinct valid container name, or None."""
    names = [container_name(file) for file in files]
    for file, name in zip(files, names, strict=True):
        if len(name) > MAX_LENGTH:
            return f"{file!r} is too long: its container name {name} must fit {MAX_LENGTH} characters"
    if len(set(names)) != len(names):
        return f"{list(files)} give duplicate container names {names}: rename a file"
    return None
