"""The docs stay true: the generated references are current, every link leads somewhere, every page opens with a
link to the reference, and nothing is said twice across the README and docs/."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from podpatterns.reference import configuration, elasticsearch_settings
from podpatterns.reference.settings_table import markdown as every_key

from .conftest import PROJECT_DIR
from .lib.markdown import located_units

DOCS = sorted((PROJECT_DIR / "docs").rglob("*.md"))
GENERATED = {PROJECT_DIR / "docs" / name for name in ("components.md", "configuration.md", "elasticsearch-settings.md")}
"""Written by scripts/update-reference from the code (tests keep them current): the reference, not its readers."""
WRITTEN = [PROJECT_DIR / "README.md", *(doc for doc in DOCS if doc not in GENERATED)]
REPEAT_AT_LEAST = 80
"""Characters a normalised paragraph needs before its repetition counts (shorter ones are table cells, "advice")."""
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def test_configuration_reference_per_stack_is_current() -> None:
    text = (PROJECT_DIR / "docs" / "configuration.md").read_text()
    assert text == configuration.markdown(PROJECT_DIR), "regenerate with: scripts/update-reference"


def test_the_settings_reference_is_in_one_place_the_configuration_page() -> None:
    table = every_key()
    assert table in (PROJECT_DIR / "docs" / "configuration.md").read_text()
    holders = [doc.relative_to(PROJECT_DIR) for doc in WRITTEN if table.splitlines()[2] in doc.read_text()]
    assert holders == [], f"a copy of the configuration reference in {holders}: link docs/configuration.md instead"


def test_elasticsearch_settings_reference_is_current() -> None:
    text = (PROJECT_DIR / "docs" / "elasticsearch-settings.md").read_text()
    assert text == elasticsearch_settings.markdown(), "regenerate with: scripts/update-reference"


def test_configuration_reference_shows_each_stacks_effective_values() -> None:
    text = configuration.markdown(PROJECT_DIR)
    per_stack = text.split("## Every key")[0]
    rows = {line.split(" | ")[0]: line for line in per_stack.splitlines() if line.startswith("| `pod-patterns:")}
    # key | default | dev | prod | staging: bold where the stack differs from the default.
    assert rows["| `pod-patterns:elasticsearch.nodes`"].endswith("| `1` | `1` | **`3`** | `1` |")
    assert rows["| `pod-patterns:elasticsearch.workload`"].endswith(
        '| `"StatefulSet"` | **`"Deployment"`** | `"StatefulSet"` | `"StatefulSet"` |'
    )
    assert rows["| `pod-patterns:sysctl.mode`"].endswith('| `"none"` | `"none"` | **`"init"`** | `"none"` |')
    assert rows["| `pod-patterns:elasticsearch.storageClass`"].endswith('|  |  | **`"fast-ssd"`** |  |')
    clients = rows["| `pod-patterns:network.clients`"]
    assert '**`[{"namespace": "ingest", "podLabels": ["app.kubernetes.io/name=ingest"]}' in clients
    # The full reference follows, with every key's allowed values.
    assert "## Every key\n\n| key | default | allowed | meaning |" in text


def test_a_stack_change_shows_in_the_per_stack_reference(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text((PROJECT_DIR / "Pulumi.yaml").read_text())
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.qa.yaml").write_text("config:\n  pod-patterns:elasticsearch:\n    nodes: 5\n")
    text = configuration.markdown(tmp_path)
    assert "| key | default | qa |" in text
    assert "| `pod-patterns:elasticsearch.nodes` | `1` | **`5`** |" in text


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces to hyphens."""
    anchors: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", re.sub(r"```.*?```", "", markdown, flags=re.S), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        candidate, n = slug, 0
        while candidate in anchors:
            n += 1
            candidate = f"{slug}-{n}"
        anchors.add(candidate)
    return anchors


@pytest.mark.parametrize("document", [PROJECT_DIR / "README.md", *DOCS], ids=lambda p: p.name)
def test_every_relative_link_and_anchor_resolves(document: Path) -> None:
    text = document.read_text()
    links = [link for link in LINK.findall(text) if not re.match(r"[a-z]+:", link)]
    assert links
    for link in links:
        path, _, anchor = link.partition("#")
        target = (document.parent / path).resolve() if path else document
        assert target.exists(), f"{document.name}: {link} leads nowhere"
        if anchor:
            assert anchor in github_anchors(target.read_text()), f"{document.name}: no heading for {link}"


def test_the_readme_links_every_doc() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    for doc in DOCS:
        name = doc.relative_to(PROJECT_DIR).as_posix()
        assert f"({name})" in readme or f"({name}#" in readme, f"README does not link {name}"


@pytest.mark.parametrize("document", [d for d in DOCS if d not in GENERATED], ids=lambda p: p.name)
def test_every_page_opens_with_a_link_to_the_reference(document: Path) -> None:
    (_, opening), *_ = located_units(document.read_text())
    assert re.search(r"\]\((\.\./)*components\.md[#)]", opening), (
        f"{document.relative_to(PROJECT_DIR)}: its first paragraph must link the component reference (components.md)"
    )


def normalised(text: str) -> str:
    """A paragraph as a reader compares it: markup and link targets dropped, case and spacing folded."""
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return " ".join(re.sub(r"[*_`\[\]]", "", text).lower().split())


def repeated_paragraphs(documents: dict[str, str]) -> list[str]:
    """Each paragraph, list item or table row of REPEAT_AT_LEAST characters or more that appears in two places."""
    places: dict[str, list[str]] = defaultdict(list)
    for name, text in documents.items():
        for line, unit in located_units(text):
            if len(key := normalised(unit)) >= REPEAT_AT_LEAST:
                places[key].append(f"{name}:{line}")
    return [f"{' and '.join(where)}: {key[:100]}" for key, where in places.items() if len(where) > 1]


def test_nothing_is_said_twice_across_the_readme_and_the_docs() -> None:
    documents = {doc.relative_to(PROJECT_DIR).as_posix(): doc.read_text() for doc in WRITTEN}
    assert repeated_paragraphs(documents) == [], "say it in one place and link there"


def test_a_repeated_paragraph_is_found_and_both_places_named() -> None:
    said = "The ambassador terminates TLS on the application's port, and the application moves to 127.0.0.1."
    found = repeated_paragraphs(
        {
            "README.md": f"# A\n\nIntro.\n\n{said}\n",
            "docs/b.md": f"# B\n\n- **{said.upper()}**\n",
            "docs/c.md": "Other.",
        }
    )
    assert found == [f"README.md:5 and docs/b.md:3: {normalised(said)[:100]}"]
    assert repeated_paragraphs({"a.md": "Short, said twice.\n", "b.md": "Short, said twice.\n"}) == []


def test_anchors_are_made_as_github_makes_them() -> None:
    headings = "## SysctlInit: `vm.max_map_count`, privileged init\n## Same\n```sh\n# not a heading\n```\n## Same\n"
    assert github_anchors(headings) == {"sysctlinit-vmmax_map_count-privileged-init", "same", "same-1"}


def test_the_offline_test_example_is_the_file_ci_runs() -> None:
    library = (PROJECT_DIR / "docs" / "library.md").read_text()
    match = re.search(
        r"<!-- offline-test-example:start -->\n```python\n(.*?)```\n<!-- offline-test-example:end -->", library, re.S
    )
    assert match, "docs/library.md: offline test example markers missing"
    assert match[1] == (PROJECT_DIR / "tests" / "examples" / "test_offline_example.py").read_text()


def test_the_vault_troubleshooting_table_quotes_what_the_real_vault_tests_saw() -> None:
    """Each message the table quotes (docs/troubleshooting.md) is one a test of tests/vault asserts HashiCorp Vault
    says: the table is what real Vault says, not what we guessed (issue 26)."""
    text = (PROJECT_DIR / "docs" / "troubleshooting.md").read_text()
    table = text.split("What HashiCorp Vault 1.18's agent and server say", 1)[1].split("\n\n", 2)[1]
    asserted = "\n".join(path.read_text() for path in (PROJECT_DIR / "tests" / "vault").glob("test_*.py"))
    asserted = asserted.replace('\\\\"', '"')  # the agent's log quotes '"' as '\"'
    quoted = [re.findall(r"`([^`]+)`", row.split("|")[1]) for row in table.splitlines()[2:]]
    assert len(quoted) >= 10, table
    unseen = [
        message
        for messages in quoted
        for message in messages[:1]  # the message; later quotes in the cell name where it appears
        if any(len(part) > 3 and part not in asserted for part in re.split(r"<[^>]+>", message))
    ]
    assert unseen == [], "quoted in docs/troubleshooting.md, asserted by no test of tests/vault"
