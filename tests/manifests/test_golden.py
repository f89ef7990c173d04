"""Golden manifests: each stack's render is kept under tests/lib/golden, so reviewers see the Kubernetes diff.

Update after an intended change: scripts/update-golden
"""

from __future__ import annotations

import pytest
from podpatterns.pod.model import Manifest
from podpatterns.render import file_name, to_yaml

from ..conftest import STACKS
from ..lib.snapshots import GOLDEN


@pytest.mark.parametrize("stack", STACKS)
def test_golden_manifests_are_current(stack: str, rendered: dict[str, list[Manifest]]) -> None:
    expected = {p.name: p.read_text() for p in sorted((GOLDEN / stack).glob("*.yaml"))}
    actual = {file_name(m): to_yaml(m) for m in rendered[stack]}
    assert sorted(actual) == sorted(expected), "objects added or removed: run scripts/update-golden"
    stale = [name for name in actual if actual[name] != expected[name]]
    assert not stale, f"golden manifests are stale: {stale}; review the diff of scripts/update-golden"
