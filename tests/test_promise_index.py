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
STANDINS = PROJECT_DIR / "tests" / "lib" / "standins" / "README.md"
REAL_ELASTICSEARCH = (
    "tests/real_elasticsearch/",
    "tests/behaviour/test_elasticsearch_settings.py",
    "tests/nodes/test_dev_stack.py",
    "tests/nodes/test_staging_stack.py",
    "tests/nodes/test_prod_stack.py",
)
"""Where tests run the real Elasticsearch (docs/elasticsearch-build.md): in the namespace harness, and the stacks on
the real nodes."""
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
        kinds = (
            [{"promise", "tests"}, {"promise", "tests", "standin_only"}] if "promise" in entry else [{"other", "why"}]
        )
        assert set(entry) in kinds, f"{document}: {entry}: a promise with tests, or other with why"
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


def standin_test_files() -> set[str]:
    """The test files the stand-ins README lists as running the Elasticsearch stand-in (its "used by" column, where
    a bare name or pattern stands for the file under the folder named before it)."""
    rows = [
        row
        for row in STANDINS.read_text().splitlines()
        if row.startswith("| `elasticsearch.py`") or row.startswith("| the same |")
    ]
    assert rows, f"{STANDINS.relative_to(PROJECT_DIR)} lists no test that runs the Elasticsearch stand-in"
    files: set[str] = set()
    for row in rows:
        used_by = row.split("|")[2]
        for pattern in re.findall(r"`([^`]+\.py)`", used_by):
            matched = {
                p.relative_to(PROJECT_DIR).as_posix() for p in (PROJECT_DIR / "tests").rglob(pattern.rsplit("/", 1)[-1])
            }
            assert matched, f"{STANDINS.relative_to(PROJECT_DIR)}: `{pattern}` names no test file"
            files |= matched
    return files


def test_a_promise_shown_on_the_elasticsearch_standin_is_shown_on_the_real_node_too() -> None:
    """Issue 25: the stand-in is our reading of Elasticsearch. A promise whose tests run it names a test on the real
    Elasticsearch as well, or says why only the stand-in can show it (`standin_only`)."""
    standin = standin_test_files()
    unproven = []
    for document, entry in entries():
        tests = [node_id.partition("::")[0] for node_id in entry.get("tests", [])]
        on_standin = any(path in standin for path in tests)
        on_real = any(path.startswith(REAL_ELASTICSEARCH) for path in tests)
        if on_standin and not on_real and not entry.get("standin_only"):
            unproven.append(f"{document}: {entry['promise']}")
        if "standin_only" in entry:
            assert on_standin, f"{document}: {entry['promise']}: standin_only, yet no test on the stand-in"
            assert not on_real, f"{document}: {entry['promise']}: standin_only, yet a test on the real node"
    assert unproven == [], f"name a test of {REAL_ELASTICSEARCH}, or say why not (standin_only)"


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
