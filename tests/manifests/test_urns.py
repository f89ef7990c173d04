"""URN snapshots: a refactor that would make `pulumi up` delete and recreate live resources fails here.

Each stack's URNs are kept in tests/lib/golden/<stack>/urns.txt (written by scripts/update-golden,
which refuses to drop a URN that no resource keeps through an alias).
"""

from __future__ import annotations

import pytest
from podpatterns.render import Recording
from podpatterns.render.replacements import match_snapshot, read_snapshot, replacement_advice, snapshot_text

from ..conftest import STACKS
from ..lib.snapshots import GOLDEN


@pytest.mark.parametrize("stack", STACKS)
def test_no_live_resource_would_be_deleted(stack: str, recordings: dict[str, Recording]) -> None:
    snapshot = GOLDEN / stack / "urns.txt"
    matching = match_snapshot(read_snapshot(snapshot.read_text()), recordings[stack])
    assert not matching.removed, replacement_advice(matching, str(snapshot))


@pytest.mark.parametrize("stack", STACKS)
def test_urn_snapshot_is_current(stack: str, recordings: dict[str, Recording]) -> None:
    expected = (GOLDEN / stack / "urns.txt").read_text()
    assert snapshot_text(recordings[stack]) == expected, "URNs added, or kept by an alias: run scripts/update-golden"


def test_snapshot_holds_every_resource_with_the_engines_urns(recordings: dict[str, Recording]) -> None:
    urns = read_snapshot((GOLDEN / "prod" / "urns.txt").read_text())
    assert len(urns) == len(recordings["prod"].registrations) == len(set(urns))
    # The engine's form: the whole chain of parent types, and no root stack type.
    assert (
        "urn:pulumi:prod::pod-patterns::podpatterns:index:ElasticsearchApp$podpatterns:index:TlsAmbassador"
        "$tls:index/privateKey:PrivateKey::elasticsearch-tls-server-key"
    ) in urns
    assert "urn:pulumi:prod::pod-patterns::podpatterns:index:ElasticsearchApp::elasticsearch" in urns
    assert not [urn for urn in urns if "pulumi:pulumi:Stack" in urn]
