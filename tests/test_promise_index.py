"""The promise index (tests/promises.yaml) stays true, so that every documented promise keeps a test.

Every sentence of the indexed documents (docs/security.md, docs/patterns.md and each pattern page's section
"When to use it, and what it costs") must hold a quote of the index: a promise, with the tests that state it, or
something else (advice, a cost, an explanation), with the reason.
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

from .lib.markdown import units

PROJECT_DIR = Path(__file__).resolve().parent.parent
INDEX = PROJECT_DIR / "tests" / "promises.yaml"
GOLDEN = re.compile(r"golden|snapshot|(?<![a-z])urns?\b", re.I)
"""In a test file's or function's name: a comparison with the golden renders, which does not count."""
ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs)\.$")
WHEN_TO_USE = "When to use it, and what it costs"
DOCUMENTS = (
    "docs/security.md",
    "docs/patterns.md",
    *(
        f"docs/patterns/{p}.md#{WHEN_TO_USE}"
        for p in ("tls-ambassador", "sysctl-init", "vault-secrets-init", "prometheus-adapter")
    ),
)
"""The documents whose every sentence is indexed: a page, or a page and one of its `##` headings."""
PROMISES_AT_LEAST = 101
"""The promises indexed when the README's Security and docs/patterns.md moved to their pages (issue 27): none may go."""


def section(document: str) -> str:
    """The text an index key names: `docs/x.md#Heading` is that `##` heading's section, a bare path the whole file."""
    path, _, heading = document.partition("#")
    text = (PROJECT_DIR / path).read_text()
    if not heading:
        return text
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M | re.I)
    assert match, f"{path} has no section '## {heading}'"
    return match[1]


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
    assert list(index()) == list(DOCUMENTS)
    for document, entry in entries():
        kind = {"promise", "tests"} if "promise" in entry else {"other", "why"}
        assert set(entry) == kind, f"{document}: {entry}: a promise with tests, or other with why"
        assert entry.get("tests", True), f"{document}: {entry}"
        assert entry.get("why", True), f"{document}: {entry}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_sentence_is_indexed_and_every_quote_is_in_one_sentence(document: str) -> None:
    found = [normal(s) for s in sentences(section(document))]
    quotes = [normal(entry.get("promise") or entry["other"]) for entry in index()[document]]
    unmatched = [q for q in quotes if sum(q in s for s in found) != 1]
    assert unmatched == [], f"{document}: these quotes are not in exactly one sentence (reworded?)"
    unindexed = [s for s in found if not any(q in s for q in quotes)]
    assert unindexed == [], f"{document}: sort these sentences into tests/promises.yaml (a promise needs its tests)"
    assert any("promise" in e for e in index()[document]), f"{document}: no promise indexed"


def test_no_promise_was_lost_on_the_way() -> None:
    promises = [entry for _, entry in entries() if "promise" in entry]
    assert len(promises) >= PROMISES_AT_LEAST, f"{len(promises)} promises indexed: which sentence lost its entry?"


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
