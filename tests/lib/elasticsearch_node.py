"""One real Elasticsearch node on this machine, outside any pod: its own directory (config, data, logs), run as the
image's user (uid 1000) from the home scripts/elasticsearch built, single-node discovery on loopback ports of its own.
For tests and benchmarks that need the server itself, not a stack's pod (tests/lib/harness runs those)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from podpatterns.elasticsearch.config import USER_ID

from .harness.elasticsearch_image import DISK_WATERMARK_SETTINGS, QUICK_BOOT
from .prerequisites import require_elasticsearch_home, require_root

JAVA_OPTIONS = f"-Xms256m -Xmx256m {QUICK_BOOT}"
"""ES_JAVA_OPTS of a test node: its heap (the image's default takes half the machine's memory) and the harness's
quicker boot (its module's doc); the benchmark's node sets its own, without it."""
START_SECONDS = 180.0
"""A node's start on 2 busy cores: 20-45 s measured, with room."""
REQUEST_SECONDS = 120
"""One HTTP request's limit: creating an index waits for its primary to start, which took over 30 s in a CI run
whose other workers ran six more nodes on the same 2 cores."""

Login = tuple[str, str]
"""A user name and its password, sent as HTTP basic authentication (a node with security on)."""


@dataclass
class Node:
    """One node's directory (config, data, logs, its view of the home) and how it runs as the image's user."""

    home: Path
    directory: Path
    cluster_name: str
    java_options: str = JAVA_OPTIONS
    http_port: int = 0
    """Set by `start`."""

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
        return {**os.environ, "ES_PATH_CONF": str(self.config), "ES_JAVA_OPTS": self.java_options}

    def add_to_keystore(self, name: str, value: str) -> None:
        """As the keystore-init container does: create the keystore, add `name` from standard input."""
        for command, stdin in (
            (self.command("elasticsearch-keystore", "create"), ""),
            (self.command("elasticsearch-keystore", "add", "--stdin", name), value + "\n"),
        ):
            subprocess.run(command, input=stdin, text=True, env=self.environment(), check=True, capture_output=True)

    def start(self, settings: dict[str, Any]) -> tuple[subprocess.Popen[bytes], Path]:
        """The node started with `settings` over single-node defaults (security off, free loopback ports); its process
        and output file."""
        http_port, transport_port = free_port(), free_port()
        config = {
            "cluster.name": self.cluster_name,
            "network.host": "127.0.0.1",
            "http.port": http_port,
            "transport.port": transport_port,
            "discovery.type": "single-node",
            **DISK_WATERMARK_SETTINGS,  # the machine's shared disk (harness/elasticsearch_image.py)
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
        self.http_port = int(config["http.port"])  # `settings` may name the port
        return process, output

    def get(self, path: str, user: Login | None = None) -> Any:
        """GET `path` over plain HTTP, as `user` if given, the answer parsed; HTTPError (an OSError) unless 2xx."""
        with urllib.request.urlopen(self._request("GET", path, None, user), timeout=REQUEST_SECONDS) as response:
            return yaml.safe_load(response.read())

    def request(self, method: str, path: str, body: Any = None, user: Login | None = None) -> tuple[int, Any]:
        """`method` on `path` with `body` as JSON, as `user` if given: the status and the answer parsed, refusals
        included."""
        try:
            with urllib.request.urlopen(self._request(method, path, body, user), timeout=REQUEST_SECONDS) as answer:
                return answer.status, yaml.safe_load(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, yaml.safe_load(refused.read())

    def _request(self, method: str, path: str, body: Any, user: Login | None) -> urllib.request.Request:
        request = urllib.request.Request(f"http://127.0.0.1:{self.http_port}{path}", method=method)
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        if user:
            request.add_header("Authorization", "Basic " + base64.b64encode(":".join(user).encode()).decode())
        return request

    def wait_for_http(
        self, process: subprocess.Popen[bytes], output: Path, seconds: float, user: Login | None = None
    ) -> Any:
        """The node's health once it serves HTTP (to `user`, with security on); AssertionError, with its output,
        when it exits or takes longer than `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                # Not "/": its handler is the rest-root module's, which Maven Central does not serve.
                return self.get("/_cluster/health", user)
            except OSError:  # not listening yet, or 401/503 while security starts
                pass
            try:
                process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"the node did not answer within {seconds} s: {output.read_text()[-3000:]}"
                    ) from None
                continue
            raise AssertionError(f"the node exited ({process.returncode}): {output.read_text()[-3000:]}")


def node_home() -> Path:
    """The real Elasticsearch's home (tests/lib/prerequisites.py) for a node; skips without root (fails under CI)."""
    require_root(
        "Elasticsearch refuses root: the node runs as uid 1000 with the home bind-mounted where it can read it"
    )
    return require_elasticsearch_home()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _chown(directory: Path) -> None:
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, USER_ID, USER_ID)


@contextmanager
def single_node(home: Path, cluster_name: str) -> Iterator[Node]:
    """A node's directory under /tmp (which uid 1000 can enter) with the home's jvm.options and log4j2.properties;
    removed on exit. Start it with `Node.start`."""
    directory = Path(tempfile.mkdtemp(prefix=f"{cluster_name}-", dir="/tmp"))
    try:
        os.chmod(directory, 0o755)
        for name in ("config", "data", "logs", "home"):
            (directory / name).mkdir()
        for name in ("jvm.options", "log4j2.properties"):
            shutil.copy(home / "config" / name, directory / "config" / name)
        (directory / "config" / "jvm.options.d").mkdir()
        _chown(directory)
        yield Node(home, directory, cluster_name)
    finally:
        shutil.rmtree(directory)
