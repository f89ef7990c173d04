"""The list of Elasticsearch's settings that stack files are checked against (elasticsearch/settings/registry.py)
agrees with the real Elasticsearch it was listed from: a node takes the settings the list accepts (a plain key, an
affix, a group and a list setting, a thread pool's, a keystore entry) and refuses, with its own "unknown setting",
the ones the list refuses; and the list committed is what the extractor lists from the jars today. One node boots;
the two refusals end while the node starts (needs root, Maven and Java 17
to build the home; skips without, except under CI)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from podpatterns.elasticsearch.settings.registry import VERSION, registry
from podpatterns.elasticsearch.settings.user_config import check_config

from ..lib.elasticsearch_node import START_SECONDS, Node, node_home, single_node

PROJECT_DIR = Path(__file__).resolve().parents[2]

ACCEPTED: dict[str, Any] = {
    "indices.memory.index_buffer_size": "20%",  # plain
    "xpack.security.authc.realms.file.file1.order": 0,  # affix: xpack.security.authc.realms.file.*.order
    "node.attr.zone": "zone-a",  # group: node.attr.*
    "cluster.routing.allocation.awareness.attributes": ["zone"],  # list
    "thread_pool.write.queue_size": 2000,  # a thread pool's, registered by its executor builder
}
ACCEPTED_KEYSTORE = "bootstrap.password"
UNKNOWN = "xpack.security.enabld"
UNKNOWN_KEYSTORE = "xpack.security.transport.ssl.secure_key_passphrse"


@pytest.fixture(scope="module")
def home() -> Path:
    """The real Elasticsearch's home, read by every node of the module."""
    return node_home()


@pytest.fixture
def node(home: Path) -> Iterator[Node]:
    with single_node(home, "settings-check") as made:
        yield made


def refusal(node: Node, settings: dict[str, Any]) -> str:
    """What the node says when it stops at startup on `settings`; fails when it starts instead."""
    process, output = node.start(settings)
    try:
        status = process.wait(timeout=START_SECONDS)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait()
        pytest.fail(f"the node did not stop on {settings}: {output.read_text()[-3000:]}")
    assert status != 0
    return output.read_text()


def test_the_list_is_what_the_pinned_jars_register(home: Path, tmp_path: Path) -> None:
    listed = tmp_path / "settings.json"
    subprocess.run([PROJECT_DIR / "scripts" / "update-elasticsearch-settings", listed], check=True, capture_output=True)
    committed = PROJECT_DIR / "components" / "podpatterns" / "elasticsearch" / "data" / f"settings-{VERSION}.json"
    assert listed.read_text() == committed.read_text(), "refresh it: scripts/update-elasticsearch-settings"


def test_the_node_takes_what_the_list_accepts(node: Node) -> None:
    check_config(ACCEPTED)  # raises on any the list refuses
    assert registry().keystore_problem(ACCEPTED_KEYSTORE) is None
    node.add_to_keystore(ACCEPTED_KEYSTORE, "a-password-of-the-test")
    process, output = node.start(ACCEPTED)
    try:
        answer = node.wait_for_http(process, output, START_SECONDS)
        assert answer["cluster_name"] == "settings-check"
        attributes = node.get("/_nodes/_local/settings?filter_path=nodes.*.settings")
        (settings,) = attributes["nodes"].values()
        assert settings["settings"]["node"]["attr"]["zone"] == "zone-a"
        assert settings["settings"]["thread_pool"]["write"]["queue_size"] == "2000"
    finally:
        process.terminate()
        process.wait(timeout=START_SECONDS)
    assert "unknown setting" not in output.read_text()


def test_the_node_refuses_a_setting_the_list_refuses(node: Node) -> None:
    problem = registry().config_problem(UNKNOWN)
    assert problem is not None
    assert "registers no such setting" in problem
    assert "did you mean 'xpack.security.enabled'?" in problem
    assert f"unknown setting [{UNKNOWN}]" in refusal(node, {UNKNOWN: True})


def test_the_node_refuses_a_keystore_entry_the_list_refuses(node: Node) -> None:
    problem = registry().keystore_problem(UNKNOWN_KEYSTORE)
    assert problem is not None
    assert "did you mean 'xpack.security.transport.ssl.secure_key_passphrase'?" in problem
    node.add_to_keystore(UNKNOWN_KEYSTORE, "a-passphrase")
    assert f"unknown secure setting [{UNKNOWN_KEYSTORE}]" in refusal(node, {})
