"""The promise index (tests/promises.yaml) stays true, so that every documented promise keeps a test.

Every sentence of README.md's Security section and of docs/patterns.md must hold a quote of the index: a
promise, with the tests that state it, or something else (advice, a cost, an explanation), with the reason.
So a new or reworded sentence fails here until it is sorted (and a new promise given its test); a quote
that matches no sentence, or more than one, fails; so does a test id that no longer names a test function,
or that names a golden comparison (goldens show change, not promises).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
INDEX = PROJECT_DIR / "tests" / "promises.yaml"
GOLDEN = re.compile(r"golden|snapshot|(?<![a-z])urns?\b", re.I)
"""In a test file's or function's name: a comparison with the golden renders, which does not count."""
ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs)\.$")


def section(document: str) -> str:
    """The text an index key names: `README.md#security` is that heading's section, a bare path the whole file."""
    path, _, heading = document.partition("#")
    text = (PROJECT_DIR / path).read_text()
    if not heading:
        return text
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M | re.I)
    assert match, f"{path} has no section '## {heading}'"
    return match[1]


def units(markdown: str) -> list[str]:
    """Paragraphs, list items and table body rows, each on one line. Left out: headings, code blocks, HTML
    comments, table headers and separators, and generated regions (`<!-- x:start -->` to `<!-- x:end -->`, which
    tests of their own keep equal to what the code makes)."""
    text = re.sub(r"<!-- ([\w-]+):start -->.*?<!-- \1:end -->", "", markdown, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"^```.*?^```[^\n]*$", "", text, flags=re.S | re.M)
    found: list[str] = []
    paragraph: list[str] = []
    lines = [line.strip() for line in text.splitlines()]
    separator = re.compile(r"\|[\s:|-]+\|")
    for index, line in enumerate(lines):
        item = re.match(r"([-*]|\d+\.) ", line)
        if not line or line.startswith(("#", "|")) or item:
            found += [" ".join(paragraph)] if paragraph else []
            paragraph = []
        if line.startswith("|"):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not separator.fullmatch(line) and not separator.fullmatch(following):
                found.append(line)
        elif line and not line.startswith("#"):
            paragraph.append(line[item.end() :] if item else line)
    return found + ([" ".join(paragraph)] if paragraph else [])


def sentences(markdown: str) -> list[str]:
    """Each unit cut after `.`, `!` or `?` followed by a space (not after e.g., i.e., etc., vs.)."""
    cut: list[str] = []
    for unit in units(markdown):
        start = 0
        for end in re.finditer(r"[.!?](?=\s+\S)", unit):
            if not ABBREVIATION.search(unit[start : end.end()]):
                cut.append(unit[start : end.end()].strip())
                start = end.end()
        cut.append(unit[start:].strip())
    return cut


def normal(text: str) -> str:
    return " ".join(text.split())


@cache
def index() -> dict[str, list[dict[str, Any]]]:
    loaded: dict[str, list[dict[str, Any]]] = yaml.safe_load(INDEX.read_text())
    return loaded


def entries() -> list[tuple[str, dict[str, Any]]]:
    return [(document, entry) for document, listed in index().items() for entry in listed]


@cache
def functions_in(path: str) -> frozenset[str]:
    """The names of the test functions a test file defines (at module level or in a Test class)."""
    tree = ast.parse((PROJECT_DIR / path).read_text())
    nodes = [*tree.body, *(n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body)]
    return frozenset(n.name for n in nodes if isinstance(n, ast.FunctionDef) and n.name.startswith("test_"))


def test_every_entry_is_a_promise_with_tests_or_says_why_it_is_none() -> None:
    assert set(index()) == {"README.md#security", "docs/patterns.md"}
    for document, entry in entries():
        kind = {"promise", "tests"} if "promise" in entry else {"other", "why"}
        assert set(entry) == kind, f"{document}: {entry}: a promise with tests, or other with why"
        assert entry.get("tests", True), f"{document}: {entry}"
        assert entry.get("why", True), f"{document}: {entry}"


@pytest.mark.parametrize("document", ["README.md#security", "docs/patterns.md"])
def test_every_sentence_is_indexed_and_every_quote_is_in_one_sentence(document: str) -> None:
    found = [normal(s) for s in sentences(section(document))]
    quotes = [normal(entry.get("promise") or entry["other"]) for entry in index()[document]]
    unmatched = [q for q in quotes if sum(q in s for s in found) != 1]
    assert unmatched == [], f"{document}: these quotes are not in exactly one sentence (reworded?)"
    unindexed = [s for s in found if not any(q in s for q in quotes)]
    assert unindexed == [], f"{document}: sort these sentences into tests/promises.yaml (a promise needs its tests)"
    assert sum("promise" in e for e in index()[document]) >= 25  # the audit found 30 to 60 per document


def test_every_test_named_exists_and_is_no_golden_comparison() -> None:
    for document, entry in entries():
        for node_id in entry.get("tests", []):
            path, _, name = node_id.partition("::")
            assert re.fullmatch(r"tests/([\w/]+/)?test_\w+\.py", path), node_id
            assert (PROJECT_DIR / path).is_file(), node_id
            assert name in functions_in(path), f"{document}: {node_id} names no test function"
            assert not GOLDEN.search(f"{path.rsplit('/', 1)[1]}::{name}"), f"a golden comparison: {node_id}"


def test_sentences_are_cut_where_a_reader_would() -> None:
    text = (
        "# Title\n\nOne, e.g. this. Two `x`.\nstill two!\n\n- item one. item two\n  continued\n\n"
        "| a | b |\n|---|---|\n| row | cell. Cell |\n\n```sh\nnot. text\n```\n<!-- t:start -->\nGone.\n<!-- t:end -->\n"
    )
    assert sentences(text) == [
        "One, e.g. this.",
        "Two `x`.",
        "still two!",
        "item one.",
        "item two continued",
        "| row | cell.",
        "Cell |",
    ]
