"""The docs stay true: the generated configuration reference is current, and every link leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from podpatterns.reference import configuration, elasticsearch_settings

from .conftest import PROJECT_DIR

DOCS = sorted((PROJECT_DIR / "docs").glob("*.md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def test_configuration_reference_per_stack_is_current() -> None:
    text = (PROJECT_DIR / "docs" / "configuration.md").read_text()
    assert text == configuration.markdown(PROJECT_DIR), "regenerate with: scripts/update-reference"


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
        assert f"(docs/{doc.name})" in readme, f"README does not link docs/{doc.name}"


def test_anchors_are_made_as_github_makes_them() -> None:
    headings = "## SysctlInit: `vm.max_map_count`, privileged init\n## Same\n```sh\n# not a heading\n```\n## Same\n"
    assert github_anchors(headings) == {"sysctlinit-vmmax_map_count-privileged-init", "same", "same-1"}
