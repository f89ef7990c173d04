"""Markdown read as a reader does: paragraphs, list items and table rows, each with the line it starts on."""

from __future__ import annotations

import re

SEPARATOR = re.compile(r"\|[\s:|-]+\|")
"""A table's header rule: `|---|:--:|`."""


def _blank_keeping_lines(match: re.Match[str]) -> str:
    return "\n" * match[0].count("\n")


def located_units(markdown: str) -> list[tuple[int, str]]:
    """Paragraphs, list items and table body rows, each on one line, with the 1-based line it starts on.

    Left out: headings, code blocks, HTML comments, table headers and separators, and generated regions
    (`<!-- x:start -->` to `<!-- x:end -->`, which tests of their own keep equal to what the code makes).
    """
    text = re.sub(r"<!-- ([\w-]+):start -->.*?<!-- \1:end -->", _blank_keeping_lines, markdown, flags=re.S)
    text = re.sub(r"<!--.*?-->", _blank_keeping_lines, text, flags=re.S)
    text = re.sub(r"^```.*?^```[^\n]*$", _blank_keeping_lines, text, flags=re.S | re.M)
    found: list[tuple[int, str]] = []
    paragraph: list[str] = []
    start = 0
    lines = [line.strip() for line in text.splitlines()]

    def close() -> None:
        if paragraph:
            found.append((start, " ".join(paragraph)))
            paragraph.clear()

    for index, line in enumerate(lines):
        item = re.match(r"([-*]|\d+\.) ", line)
        if not line or line.startswith(("#", "|")) or item:
            close()
        if line.startswith("|"):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not SEPARATOR.fullmatch(line) and not SEPARATOR.fullmatch(following):
                found.append((index + 1, line))
        elif line and not line.startswith("#"):
            if not paragraph:
                start = index + 1
            paragraph.append(line[item.end() :] if item else line)
    close()
    return found


def units(markdown: str) -> list[str]:
    """The text of `located_units`, in order."""
    return [text for _, text in located_units(markdown)]
