"""The list of Elasticsearch's settings that stack files are checked against (elasticsearch/settings/registry.py)
agrees with the real Elasticsearch it was listed from: a node takes the settings the list accepts (a plain key, an
affix, a group and a list setting, a thread pool's, a keystore entry) and refuses, with its own "unknown setting",
the ones the list refuses; and the list committed is what the extractor lists from the jars today. One node boots;
the two refusals end while the node starts (needs root, Maven and Java 17
to build the home; skips without, except under CI)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from podpatterns.elasticsearch.config import USER_ID
from podpatterns.elasticsearch.settings.registry import VERSION, registry
from podpatterns.elasticsearch.settings.user_config import check_config

from ..lib.prerequisites import require_elasticsearch_home, require_root

PROJECT_DIR = Path(__file__).resolve().parents[2]
START_SECONDS = 180.0
"""A node's start on 2 busy cores: 20-45 s measured, with room."""

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
    """The real Elasticsearch's home (tests/lib/prerequisites.py)."""
    require_root(
        "Elasticsearch refuses root: the node runs as uid 1000 with the home bind-mounted where it can read it"
    )
    return require_elasticsearch_home()


@dataclass
class Node:
    """One node's directory (config, data, logs, its view of the home) and how it runs as the image's user."""

    home: Path
    directory: Path

    @property
    def config(self) -> Path:
        return self.directory / "config"

    def command(self, program: str, *args: str) -> list[str]:
        """`program` of the home as uid 1000, in a mount namespace of its own where the home (under root's home
        directory, which uid 1000 cannot enter) is bind-mounted into the node's directory."""
        view = self.directory / "home"
        run = f'mount --bind "$0" "{view}" && exec setpriv --reuid={USER_ID} --regid={USER_ID} --clear-groups "$@"'
        return ["unshare", "--mount", "sh", "-c", run, str(self.home), str(view / "bin" / program), *args]

    def environment(self) -> dict[str, str]:
        return {**os.environ, "ES_PATH_CONF": str(self.config), "ES_JAVA_OPTS": "-Xms256m -Xmx256m"}

    def add_to_keystore(self, name: str, value: str) -> None:
        """As the keystore-init container does: create the keystore, add `name` from standard input."""
        for command, stdin in (
            (self.command("elasticsearch-keystore", "create"), ""),
            (self.command("elasticsearch-keystore", "add", "--stdin", name), value + "\n"),
        ):
            subprocess.run(command, input=stdin, text=True, env=self.environment(), check=True, capture_output=True)

    def start(self, settings: dict[str, Any]) -> tuple[subprocess.Popen[bytes], Path]:
        http_port, transport_port = _free_port(), _free_port()
        config = {
            "cluster.name": "settings-check",
            "network.host": "127.0.0.1",
            "http.port": http_port,
            "transport.port": transport_port,
            "discovery.type": "single-node",
            "xpack.security.enabled": False,
            "path.data": str(self.directory / "data"),
            "path.logs": str(self.directory / "logs"),
            **settings,
        }
        (self.config / "elasticsearch.yml").write_text(yaml.safe_dump(config))
        _chown(self.directory)
        output = self.directory / "output.log"
        with output.open("wb") as log:
            process = subprocess.Popen(
                self.command("elasticsearch"),
                env=self.environment(),
                cwd=self.directory,  # jvm.options writes logs/gc.log relative to it, as the image's home
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.http_port = http_port
        return process, output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _chown(directory: Path) -> None:
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, USER_ID, USER_ID)


@pytest.fixture
def node(home: Path) -> Iterator[Node]:
    directory = Path(tempfile.mkdtemp(prefix="es-settings-", dir="/tmp"))
    os.chmod(directory, 0o755)
    for name in ("config", "data", "logs", "home"):
        (directory / name).mkdir()
    for name in ("jvm.options", "log4j2.properties"):
        shutil.copy(home / "config" / name, directory / "config" / name)
    (directory / "config" / "jvm.options.d").mkdir()
    _chown(directory)
    yield Node(home, directory)
    shutil.rmtree(directory)


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
        answer = _wait_for_http(process, node.http_port, output)
        assert answer["cluster_name"] == "settings-check"
        attributes = _get(node.http_port, "/_nodes/_local/settings?filter_path=nodes.*.settings")
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


def _get(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return yaml.safe_load(response.read())


def _wait_for_http(process: subprocess.Popen[bytes], port: int, output: Path) -> Any:
    """The node's health once it serves HTTP; fails, with its output, when it exits or takes too long."""
    deadline = START_SECONDS
    while True:
        try:
            # Not "/": its handler is the rest-root module's, which Maven Central does not serve.
            return _get(port, "/_cluster/health")
        except OSError:
            pass
        try:
            process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            deadline -= 0.5
            if deadline <= 0:
                pytest.fail(f"the node did not answer within {START_SECONDS} s: {output.read_text()[-3000:]}")
            continue
        pytest.fail(f"the node exited ({process.returncode}): {output.read_text()[-3000:]}")
