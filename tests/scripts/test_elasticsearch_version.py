"""One Elasticsearch version: the stacks' image tag, the library's default, the stand-in's answer and the list of
settings stack files are checked against are the release the tests run (toolchain/elasticsearch/pom.xml, built by
scripts/elasticsearch). Moving one without the others fails here."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from podpatterns.elasticsearch.settings import ElasticsearchSettings, registry

from ..lib.standins import elasticsearch as standin

ROOT = Path(__file__).resolve().parents[2]
POM = ROOT / "toolchain" / "elasticsearch" / "pom.xml"
SETTINGS_LISTS = ROOT / "components" / "podpatterns" / "elasticsearch" / "data"
STACKS = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))


def built_version() -> str:
    """`elasticsearch.version` of the Maven project the tests' Elasticsearch is built from."""
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    found = ElementTree.parse(POM).getroot().find("m:properties/m:elasticsearch.version", namespace)
    assert found is not None, f"{POM}: no properties/elasticsearch.version"
    assert found.text, f"{POM}: properties/elasticsearch.version is empty"
    return found.text


def test_the_tested_version_is_an_exact_release() -> None:
    major, minor, patch = (int(part) for part in built_version().split("."))
    assert (major, minor) == (8, 19)
    assert patch >= 21


@pytest.mark.parametrize("stack_file", STACKS, ids=lambda path: path.name)
def test_every_stack_runs_the_tested_version(stack_file: Path) -> None:
    config = yaml.safe_load(stack_file.read_text())["config"]
    assert config["pod-patterns:elasticsearch"]["version"] == built_version(), (
        f"{stack_file.name} pins Elasticsearch {config['pod-patterns:elasticsearch']['version']} but the tests run "
        f"{built_version()} ({POM.relative_to(ROOT)}): move both together"
    )


def test_the_default_and_the_standin_are_the_tested_version() -> None:
    assert ElasticsearchSettings.__dataclass_fields__["version"].default == built_version()
    assert built_version() == standin.VERSION


def test_the_settings_list_is_the_tested_versions() -> None:
    lists = sorted(SETTINGS_LISTS.glob("settings-*.json"))
    assert [path.name for path in lists] == [f"settings-{built_version()}.json"], (
        f"the settings list is not Elasticsearch {built_version()}'s: run scripts/update-elasticsearch-settings"
    )
    assert json.loads(lists[0].read_text())["version"] == built_version()  # as the server's jars said
    assert built_version() == registry.VERSION
