"""The exporter's login as docs/security.md tells it, on the real Elasticsearch: one node with security on (the
`elastic` user from `bootstrap.password`, HTTP in plain text on loopback), the role and the user the docs create,
put in the file realm (config/roles.yml, users, users_roles), and the real prometheus-elasticsearch-exporter with the
staging pod's rendered flags logging in as that user. The native realm, the docs' other way, cannot be shown: this
build cannot create the `.security` index (docs/elasticsearch-build.md); the refusal is recorded. Needs root, the
exporter and the built home (tests/lib/prerequisites.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from podpatterns.render import kubernetes_objects, run_offline

from ..lib.elasticsearch_node import START_SECONDS, Login, Node, free_port, node_home, single_node
from ..lib.prerequisites import require_program

PROJECT_DIR = Path(__file__).resolve().parents[2]
DOCS = PROJECT_DIR / "docs" / "security.md"
EXPORTER_SECONDS = 60.0
"""The exporter listens after its first call (GET /, which this build does not serve) times out: 10 s."""
TIMED_OUT = "context deadline exceeded"
"""What the exporter logs when a request to Elasticsearch outlives its --es.timeout."""
ELASTIC: Login = ("elastic", "elastic-password-of-the-test")
INDEX, ALIAS = "logs-1", "logs"
UP = ("cluster_health", "node_stats", "index_stats", "snapshot_stats", "clustersettings_stats")
"""The collectors the staging flags switch on, by their `elasticsearch_<name>_up` metric."""
ALONE = "monitoring-only"
"""A file user holding only `remote_monitoring_collector`."""
NOBODY = "no-roles"
"""A file user that logs in but holds no role."""


def documented(method: str, kind: str) -> tuple[str, dict[str, Any]]:
    """The name and body of the request docs/security.md gives, `<method> _security/<kind>/<name> {...}`."""
    text = " ".join(DOCS.read_text().split())
    found = re.search(rf"`{method} _security/{kind}/([\w-]+) (\{{.*?\}})`", text)
    assert found, f"docs/security.md gives no `{method} _security/{kind}/...`"
    return found[1], json.loads(found[2])


def pbkdf2(password: str) -> str:
    """`password` hashed as Elasticsearch's PBKDF2 hasher writes it (HMAC-SHA512, 10000 rounds, 32-byte salt and
    key), one of the formats the file realm reads (elasticsearch-users writes bcrypt by default)."""
    salt = os.urandom(32)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 10000, 32)
    return f"{{PBKDF2}}10000${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def password(user: str) -> str:
    """The test's password of `user`."""
    return f"{user}-password-of-the-test"


def write_file_realm(node: Node) -> None:
    """The docs' role in roles.yml (its JSON is YAML), the docs' user with its roles, `ALONE` and `NOBODY`."""
    role, definition = documented("PUT", "role")
    user, body = documented("POST", "user")
    (node.config / "roles.yml").write_text(f"{role}: {json.dumps(definition)}\n")
    users = (user, ALONE, NOBODY)
    (node.config / "users").write_text("".join(f"{name}:{pbkdf2(password(name))}\n" for name in users))
    members = {name: [user] for name in body["roles"]}
    members["remote_monitoring_collector"].append(ALONE)
    (node.config / "users_roles").write_text("".join(f"{name}:{','.join(m)}\n" for name, m in members.items()))


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    """The node with security on and the file realm written, serving `INDEX` (no replica: green) behind `ALIAS`."""
    with single_node(node_home(), "exporter-login") as made:
        made.add_to_keystore("bootstrap.password", ELASTIC[1])
        write_file_realm(made)
        # Transport in plain text: single-node discovery enforces no bootstrap check, transport TLS's among them.
        process, output = made.start({"xpack.security.enabled": True})
        try:
            made.wait_for_http(process, output, START_SECONDS, ELASTIC)
            index = {"settings": {"number_of_replicas": 0}, "aliases": {ALIAS: {}}}
            assert made.request("PUT", f"/{INDEX}", index, ELASTIC)[0] == 200
            yield made
        finally:
            process.terminate()
            process.wait(timeout=START_SECONDS)


def rendered_exporter() -> dict[str, Any]:
    """The staging pod's exporter container, as the stack renders it."""
    for manifest in kubernetes_objects(run_offline(PROJECT_DIR, "staging")):
        if manifest["kind"] == "StatefulSet":
            spec = manifest["spec"]["template"]["spec"]
            for container in [*spec.get("initContainers", []), *spec["containers"]]:
                if container["name"] == "metrics-exporter":
                    return dict(container)
    raise AssertionError("the staging stack renders no metrics-exporter")


def exporter_args(node: Node, port: int) -> list[str]:
    """The rendered flags, but the node's plain HTTP on loopback for the ambassador (which passes the
    `Authorization` header through: tests/real_elasticsearch) and a listen address of the test's own."""
    container = rendered_exporter()
    assert [e["name"] for e in container["env"]] == ["ES_USERNAME", "ES_PASSWORD"]
    replaced = {"--es.uri": f"http://127.0.0.1:{node.http_port}", "--web.listen-address": f"127.0.0.1:{port}"}
    args = []
    for arg in container["args"]:
        flag = arg.split("=", 1)[0]
        if flag != "--es.ca":
            args.append(f"{flag}={replaced[flag]}" if flag in replaced else arg)
    return args


def scrape(
    node: Node, user: Login, tmp_path: Path, until: Callable[[set[str]], bool] = lambda _: True
) -> tuple[set[str], str]:
    """The real exporter run with the rendered flags, logged in as `user`, scraped until `until` holds for its metric
    lines (a new index's shard stats may miss the first scrapes) in a scrape where no request to Elasticsearch timed
    out (on a busy machine one may, and its collector reports down), or EXPORTER_SECONDS end: its lines, its log."""
    program = require_program("prometheus-elasticsearch-exporter", "prometheus-elasticsearch-exporter")
    port = free_port()
    args = exporter_args(node, port)
    assert "--es.indices" in args  # so index stats are asserted
    log = tmp_path / f"exporter-{user[0]}.log"
    env = {**os.environ, "ES_USERNAME": user[0], "ES_PASSWORD": user[1]}
    with log.open("wb") as out:
        exporter = subprocess.Popen([program, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + EXPORTER_SECONDS
        while True:
            try:
                logged = log.stat().st_size
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as answer:
                    lines = {line for line in answer.read().decode().splitlines() if not line.startswith("#")}
                timed_out = TIMED_OUT in log.read_text()[logged:]
                if (until(lines) and not timed_out) or time.monotonic() > deadline:
                    break
                time.sleep(1)
            except OSError:
                assert exporter.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(1)
    finally:
        exporter.terminate()
        exporter.wait(timeout=30)
    return lines, log.read_text()


def up(metrics: set[str]) -> dict[str, int]:
    """1 for each collector of `UP` whose last scrape succeeded, else 0."""
    return {name: int(f"elasticsearch_{name}_up 1" in metrics) for name in UP}


def shards_counted(metrics: set[str]) -> bool:
    """Whether the shards collector (it has no `_up` metric) counted `INDEX`'s one shard on the node."""
    return any(line.startswith("elasticsearch_node_shards_total{") and line.endswith(" 1") for line in metrics)


def _shard_stats(metrics: set[str]) -> bool:
    return any(line.startswith("elasticsearch_indices_shards_docs{") for line in metrics)


def test_the_reserved_role_grants_monitor_on_the_cluster_and_every_index(node: Node) -> None:
    status, answer = node.request("GET", "/_security/role/remote_monitoring_collector", user=ELASTIC)
    assert status == 200, answer
    role = answer["remote_monitoring_collector"]
    assert role["cluster"] == ["monitor"]
    assert {"names": ["*"], "privileges": ["monitor"], "allow_restricted_indices": True} in role["indices"]


def test_the_documented_user_in_the_file_realm_gets_every_collector_the_pod_runs(node: Node, tmp_path: Path) -> None:
    user, body = documented("POST", "user")
    status, answer = node.request("GET", "/_security/_authenticate", user=(user, password(user)))
    assert status == 200, answer
    assert answer["authentication_realm"]["type"] == "file"
    assert sorted(answer["roles"]) == sorted(body["roles"])
    metrics, log = scrape(node, (user, password(user)), tmp_path, until=_shard_stats)
    assert up(metrics) == dict.fromkeys(UP, 1), log
    assert f'elasticsearch_indices_aliases{{alias="{ALIAS}",cluster="unknown_cluster",index="{INDEX}"}} 1' in metrics
    indices = sorted(line for line in metrics if line.startswith("elasticsearch_indices_"))
    assert any(line.startswith("elasticsearch_indices_shards_docs{") for line in indices), (indices, log)
    assert shards_counted(metrics)
    assert 'elasticsearch_cluster_health_status{cluster="exporter-login",color="green"} 1' in metrics
    assert "code 401" not in log
    assert "code 403" not in log


def test_the_reserved_role_alone_cannot_read_repositories_or_aliases(node: Node, tmp_path: Path) -> None:
    """Why the docs add a role: `--es.snapshots` and the index collector's aliases need more than `monitor`."""
    metrics, log = scrape(node, (ALONE, password(ALONE)), tmp_path)
    assert up(metrics) == {**dict.fromkeys(UP, 1), "index_stats": 0, "snapshot_stats": 0}, log
    assert shards_counted(metrics)  # `monitor` is enough for the shards collector
    assert 'msg="failed to fetch and decode snapshot stats" err="HTTP Request failed with code 403"' in log


def test_a_user_without_the_roles_is_refused_everything(node: Node, tmp_path: Path) -> None:
    metrics, log = scrape(node, (NOBODY, password(NOBODY)), tmp_path)
    assert up(metrics) == dict.fromkeys(UP, 0), log
    assert not shards_counted(metrics)
    assert 'msg="failed to fetch and decode cluster health" err="HTTP Request failed with code 403"' in log


def test_a_native_user_cannot_be_created_in_this_build_and_the_docs_say_why(node: Node) -> None:
    user, body = documented("POST", "user")
    status, answer = node.request("POST", f"/_security/user/{user}", {**body, "password": password(user)}, ELASTIC)
    reason = answer["error"]["reason"]
    assert (status, reason) == (400, "Unknown filter type [pattern_capture] for [email]")
    assert f"`{reason}`" in DOCS.read_text()
