"""The URN check: a renamed resource without an alias would be deleted; with one it is kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest
from podpatterns import ElasticsearchApp, ElasticsearchAppArgs
from podpatterns.render import Recording, run_with_mocks
from podpatterns.render.__main__ import main as render_main
from podpatterns.render.replacements import match_snapshot, read_snapshot, replacement_advice, snapshot_text

from ..conftest import PROJECT_DIR


class Web(pulumi.ComponentResource):
    """A component with one child named after it, like every component of the library."""

    def __init__(
        self,
        name: str,
        child_role: str = "config",
        child_type: str = "test:index:Config",
        child_aliases: list[pulumi.Alias] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("test:index:Web", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, aliases=child_aliases)
        pulumi.ComponentResource(child_type, f"{name}-{child_role}", None, child)
        pulumi.ComponentResource("test:index:Service", f"{name}-service", None, pulumi.ResourceOptions(parent=self))


def record(program: Callable[[], object]) -> Recording:
    return run_with_mocks(lambda: program() and None, project="shop", stack="prod")


BEFORE = snapshot_text(record(lambda: Web("web")))


def test_urns_follow_the_engine() -> None:
    assert read_snapshot(BEFORE) == [
        "urn:pulumi:prod::shop::test:index:Web$test:index:Config::web-config",
        "urn:pulumi:prod::shop::test:index:Web$test:index:Service::web-service",
        "urn:pulumi:prod::shop::test:index:Web::web",
    ]


def test_a_renamed_child_without_alias_would_be_deleted_and_the_advice_names_the_alias() -> None:
    matching = match_snapshot(read_snapshot(BEFORE), record(lambda: Web("web", child_role="settings")))
    assert matching.removed == ["urn:pulumi:prod::shop::test:index:Web$test:index:Config::web-config"]
    assert matching.added == ["urn:pulumi:prod::shop::test:index:Web$test:index:Config::web-settings"]
    advice = replacement_advice(matching, "urns.txt")
    assert "pulumi up would delete 1 live resource(s) listed in urns.txt" in advice
    assert "now: urn:pulumi:prod::shop::test:index:Web$test:index:Config::web-settings" in advice
    assert 'ResourceOptions(aliases=[pulumi.Alias(name="web-config")])' in advice
    assert "scripts/update-golden --allow-replacements" in advice


def test_a_renamed_child_with_alias_is_kept() -> None:
    renamed = record(lambda: Web("web", child_role="settings", child_aliases=[pulumi.Alias(name="web-config")]))
    matching = match_snapshot(read_snapshot(BEFORE), renamed)
    assert matching.removed == []
    assert matching.through_alias == {
        "urn:pulumi:prod::shop::test:index:Web$test:index:Config::web-settings": (
            "urn:pulumi:prod::shop::test:index:Web$test:index:Config::web-config"
        )
    }


def test_a_new_type_needs_an_alias_of_the_old_type() -> None:
    retyped = lambda aliases: record(lambda: Web("web", child_type="test:index:Settings", child_aliases=aliases))  # noqa: E731
    without = match_snapshot(read_snapshot(BEFORE), retyped(None))
    assert 'pulumi.Alias(type_="test:index:Config")' in replacement_advice(without, "urns.txt")
    assert match_snapshot(read_snapshot(BEFORE), retyped([pulumi.Alias(type_="test:index:Config")])).removed == []


def test_an_alias_to_something_else_does_not_keep_it() -> None:
    wrong = record(lambda: Web("web", child_role="settings", child_aliases=[pulumi.Alias(name="web-conf")]))
    assert len(match_snapshot(read_snapshot(BEFORE), wrong).removed) == 1


def test_children_follow_an_alias_of_their_parent() -> None:
    renamed = lambda opts: record(lambda: Web("shop", opts=opts))  # noqa: E731
    assert len(match_snapshot(read_snapshot(BEFORE), renamed(None)).removed) == 3
    kept = match_snapshot(read_snapshot(BEFORE), renamed(pulumi.ResourceOptions(aliases=[pulumi.Alias(name="web")])))
    assert kept.removed == []
    assert len(kept.through_alias) == 3


def elasticsearch(name: str, opts: pulumi.ResourceOptions | None = None) -> Recording:
    args: ElasticsearchAppArgs = {"elasticsearch": {"nodes": 3}, "tls": {"mtls": "required", "clients": ["ingest"]}}
    return record(lambda: ElasticsearchApp(name, args, opts))


def test_renaming_elasticsearch_app_needs_one_alias_for_its_whole_tree() -> None:
    before = read_snapshot(snapshot_text(elasticsearch("search")))
    assert len(before) > 15
    assert (
        "urn:pulumi:prod::shop::podpatterns:index:ElasticsearchApp$podpatterns:index:TlsAmbassador$tls:index/"
        "privateKey:PrivateKey::search-tls-client-ingest-key" in before
    )  # three levels: alias inherited twice
    assert len(match_snapshot(before, elasticsearch("search-v2")).removed) == len(before)
    alias = pulumi.ResourceOptions(aliases=[pulumi.Alias(name="search")])
    matching = match_snapshot(before, elasticsearch("search-v2", alias))
    assert matching.removed == []
    assert matching.added == []


def test_update_golden_refuses_to_drop_a_urn_unless_told(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = tmp_path / "urns.txt"
    gone = "urn:pulumi:dev::pod-patterns::podpatterns:index:ElasticsearchApp$kubernetes:core/v1:Service::es-old\n"
    snapshot.write_text(gone)
    arguments = [
        "--stack",
        "dev",
        "--out",
        str(tmp_path / "out"),
        "--project",
        str(PROJECT_DIR),
        "--urns",
        str(snapshot),
    ]
    assert render_main(arguments) == 3
    assert f"pulumi up would delete 1 live resource(s) listed in {snapshot}" in capsys.readouterr().err
    assert snapshot.read_text() == gone
    assert not (tmp_path / "out").exists()
    assert render_main([*arguments, "--allow-replacements"]) == 0
    assert gone not in snapshot.read_text()
    assert "::elasticsearch-client\n" in snapshot.read_text()
