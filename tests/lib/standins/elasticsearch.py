"""A small Elasticsearch HTTP API stand-in for tests: the endpoints an exporter or a proxy asks for.

Answers `/` (name, cluster_name, version), `/_cluster/health` (its status settable at runtime),
`/_nodes/stats` and `/_nodes/<filter>/stats` (jvm, fs, process, os, indices, ... with the field names
prometheus-elasticsearch-exporter 1.5.0 parses) for the nodes the filter selects as Elasticsearch
resolves it (its one node is master-eligible, data and ingest: `_local`, `_all`, `*`, `_master`, its
name or id, `master:true`, `data:true`, `ingest:true` select it; `coordinating_only:true`, `ml:true`,
other names and attributes select nothing; `<role>:false` removes it), small answers for the paths of
the exporter's cluster-wide collectors (`/_all/_stats`, `/_cat/shards`, `/_cluster/settings`,
`/_snapshot`, `/_all/_settings`, `/_alias`), and logs every request it served ("standin: GET <path>").
With users (`--user NAME:PASSWORD`, security on) every request needs HTTP basic credentials of one of
them, else 401 with Elasticsearch's `security_exception`; without (security off, as the dev stack configures
Elasticsearch: `xpack.security.enabled: false`) credentials are ignored, as Elasticsearch ignores them.

    python -m tests.lib.standins.elasticsearch [--config DIR] [--host HOST --port PORT] [--user NAME:PASSWORD]

As the Elasticsearch image's program it reads `elasticsearch.yml` from the config directory
(`$ES_PATH_CONF`, default /usr/share/elasticsearch/config) as Elasticsearch does, `${VAR}`
placeholders from the environment: `cluster.name`, `node.name`, `http.host` (default
`network.host`, default 127.0.0.1), `http.port` (default 9200), `path.logs` and
`cluster.initial_master_nodes` (the cluster's node count). With `ES_LOG_STYLE=file` it logs to
`<path.logs>/<cluster.name>.log`, as Elasticsearch 8 images do, else to stdout. `--host`/`--port`
override the configuration, for use outside a pod.

With `xpack.security.enabled` (true unless set false, as in Elasticsearch 8; off without an elasticsearch.yml,
as outside a pod) it refuses to start, as Elasticsearch would, without transport TLS files (PEM, inside the
config directory) or without a keystore (tests/lib/standins/elasticsearch_keystore.py) holding `bootstrap.password`,
and answers 401 to any request without the `elastic` user and that password.

`POST /_bulk` reads the body as it arrives and answers how many bytes it got; `GET /_standin/bytes/<n>` answers
n bytes, written as they are made (a large search or scroll answer).

`PUT /_standin/health/<green|yellow|red>` changes the status from outside the process (e.g. from
another network namespace through nsenter); in-process, use `ElasticsearchStandIn.status`.
`/_cluster/health?wait_for_status=S` answers 408 (timed out) while the status is worse than S, as
Elasticsearch does once its `timeout` has passed. `PUT /_all/_settings` (or `/<index>/_settings`) keeps
the index settings it is sent and logs them ("standin: index settings {...}").
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fnmatch
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, urlsplit

import yaml

from .elasticsearch_keystore import FILE as KEYSTORE_FILE
from .elasticsearch_keystore import KeystoreError, read_keystore

CLUSTER = "standin-cluster"
NODE = "standin-0"
VERSION = "8.19.21"
NODE_ID = "n0d3-id"
ROLES = ("master", "data", "ingest")
"""The stand-in's node: master-eligible, data and ingest, as every node of the stacks."""
ROLE_NAMES = ("master", "data", "ingest", "ml", "voting_only", "remote_cluster_client", "transform")
STATUSES = ("green", "yellow", "red")
GIB = 2**30


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # an exporter opens a connection per collector at once (the default is 5)


class ElasticsearchStandIn:
    """A threaded HTTP server answering like one Elasticsearch node; `start()` serves in the background."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        nodes: int = 1,
        status: str = "green",
        cluster: str = CLUSTER,
        node: str = NODE,
        users: Mapping[str, str] | None = None,
    ) -> None:
        self.users = dict(users) if users is not None else None
        """Name -> password with security on; None: security off, credentials ignored."""
        self.status = status
        self.nodes = nodes
        self.cluster = cluster
        self.node = node
        self.heap_used_bytes = GIB // 2
        self.requests: list[str] = []
        self.index_settings: dict[str, Any] = {}
        """What `PUT /<indices>/_settings` set, merged."""
        self.authorizations: list[str | None] = []
        """The Authorization header of each request (None when absent)."""
        self._server = _Server((host, port), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> ElasticsearchStandIn:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str) -> Any:
        """The JSON body for `path` (query string ignored), or None for a 404."""
        route = path.split("?", 1)[0].rstrip("/") or "/"
        routes: dict[str, Callable[[], Any]] = {
            "/": self.root,
            "/_cluster/health": self.health,
            "/_nodes/stats": lambda: self.node_stats("_all"),
            "/_all/_stats": lambda: {"_shards": {"total": 1, "successful": 1, "failed": 0}, "indices": {}},
            "/_all/_settings": dict,
            "/_cat/shards": lambda: [
                {"index": "logs", "shard": "0", "prirep": "p", "state": "STARTED", "node": self.node}
            ],
            "/_cluster/settings": _cluster_settings,
            "/_snapshot": dict,
            "/_alias": dict,
        }
        if route in routes:
            return routes[route]()
        parts = route.split("/")
        if len(parts) == 4 and parts[1] == "_nodes" and parts[3] == "stats":
            return self.node_stats(parts[2])
        return None

    def selected(self, node_filter: str) -> bool:
        """Whether `node_filter` selects this node, as Elasticsearch resolves node filters: each item in
        turn adds the nodes it names, or with `<role>:false` removes those with the role."""
        chosen = False
        for item in node_filter.split(","):
            key, colon, value = item.partition(":")
            if not colon:
                chosen = chosen or item in ("_local", "_all", "*", "_master") or fnmatch.fnmatch(self.node, item)
                chosen = chosen or item == NODE_ID
            elif key in ROLE_NAMES and value in ("true", "false"):
                has = key in ROLES
                chosen = (chosen or has) if value == "true" else (chosen and not has)
            # coordinating_only:true adds the nodes without roles, :false removes them (this node has roles);
            # any other key is a custom node attribute, which this node does not have: neither changes it.
        return chosen

    def authenticate(self, authorization: str | None, path: str) -> str | None:
        """None when the request may proceed, else Elasticsearch's reason for a 401."""
        if self.users is None:
            return None
        credentials = _credentials(authorization)
        if credentials is None:
            return f"missing authentication credentials for REST request [{path}]"
        name, password = credentials
        if self.users.get(name) != password:
            return f"unable to authenticate user [{name}] for REST request [{path}]"
        return None

    def root(self) -> dict[str, Any]:
        return {
            "name": self.node,
            "cluster_name": self.cluster,
            "cluster_uuid": "c1u5t3r-uuid",
            "version": {"number": VERSION, "build_flavor": "default", "lucene_version": "9.12.0"},
            "tagline": "You Know, for Search",
        }

    def health_wait_failed(self, path: str) -> bool:
        """A `wait_for_status` the cluster has not reached: Elasticsearch answers 408 after its timeout."""
        wanted = parse_qs(urlsplit(path).query).get("wait_for_status", ["red"])[0]
        return wanted in STATUSES and STATUSES.index(self.status) > STATUSES.index(wanted)

    def health(self) -> dict[str, Any]:
        unassigned = {"green": 0, "yellow": 1, "red": 2}[self.status]
        return {
            "cluster_name": self.cluster,
            "status": self.status,
            "timed_out": False,
            "number_of_nodes": self.nodes,
            "number_of_data_nodes": self.nodes,
            "active_primary_shards": 5,
            "active_shards": 5,
            "relocating_shards": 0,
            "initializing_shards": 0,
            "unassigned_shards": unassigned,
            "delayed_unassigned_shards": 0,
            "number_of_pending_tasks": 0,
            "number_of_in_flight_fetch": 0,
            "task_max_waiting_in_queue_millis": 0,
            "active_shards_percent_as_number": 100.0 if self.status == "green" else 80.0,
        }

    def node_stats(self, node_filter: str) -> dict[str, Any]:
        nodes = {NODE_ID: _node(self.node, self.heap_used_bytes)} if self.selected(node_filter) else {}
        return {
            "_nodes": {"total": len(nodes), "successful": len(nodes), "failed": 0},
            "cluster_name": self.cluster,
            "nodes": nodes,
        }


def _node(name: str, heap_used: int) -> dict[str, Any]:
    heap_max = GIB
    return {
        "timestamp": 1_700_000_000_000,
        "name": name,
        "transport_address": "127.0.0.1:9300",
        "host": "127.0.0.1",
        "ip": "127.0.0.1:9300",
        "roles": list(ROLES),
        "attributes": {},
        "indices": {
            "docs": {"count": 1000, "deleted": 10},
            "store": {"size_in_bytes": 10 * 2**20},
            "indexing": {"index_total": 1000, "index_time_in_millis": 500},
            "search": {"query_total": 50, "query_time_in_millis": 40, "fetch_total": 50},
            "segments": {"count": 12, "memory_in_bytes": 0},
        },
        "os": {
            "cpu": {"percent": 3, "load_average": {"1m": 0.1, "5m": 0.2, "15m": 0.3}},
            "mem": {"total_in_bytes": 4 * GIB, "free_in_bytes": GIB, "used_in_bytes": 3 * GIB},
        },
        "process": {
            "open_file_descriptors": 300,
            "max_file_descriptors": 65535,
            "cpu": {"percent": 2, "total_in_millis": 12000},
            "mem": {"total_virtual_in_bytes": 6 * GIB},
        },
        "jvm": {
            "uptime_in_millis": 600_000,
            "mem": {
                "heap_used_in_bytes": heap_used,
                "heap_used_percent": heap_used * 100 // heap_max,
                "heap_committed_in_bytes": heap_max,
                "heap_max_in_bytes": heap_max,
                "non_heap_used_in_bytes": 150 * 2**20,
                "non_heap_committed_in_bytes": 160 * 2**20,
                "pools": {
                    "young": {"used_in_bytes": 50 * 2**20, "max_in_bytes": 0, "peak_used_in_bytes": 80 * 2**20},
                    "survivor": {"used_in_bytes": 5 * 2**20, "max_in_bytes": 0, "peak_used_in_bytes": 8 * 2**20},
                    "old": {"used_in_bytes": heap_used, "max_in_bytes": heap_max, "peak_used_in_bytes": heap_used},
                },
            },
            "threads": {"count": 60, "peak_count": 70},
            "gc": {
                "collectors": {
                    "young": {"collection_count": 10, "collection_time_in_millis": 100},
                    "old": {"collection_count": 0, "collection_time_in_millis": 0},
                }
            },
        },
        "thread_pool": {
            "search": {"threads": 4, "queue": 0, "active": 0, "rejected": 0, "largest": 4, "completed": 50},
            "write": {"threads": 2, "queue": 0, "active": 0, "rejected": 0, "largest": 2, "completed": 1000},
        },
        "fs": {
            "timestamp": 1_700_000_000_000,
            "total": {"total_in_bytes": 20 * GIB, "free_in_bytes": 15 * GIB, "available_in_bytes": 15 * GIB},
            "data": [
                {
                    "path": "/usr/share/elasticsearch/data",
                    "mount": "/usr/share/elasticsearch/data (/dev/sda1)",
                    "type": "ext4",
                    "total_in_bytes": 20 * GIB,
                    "free_in_bytes": 15 * GIB,
                    "available_in_bytes": 15 * GIB,
                }
            ],
            "io_stats": {"total": {"operations": 100, "read_kilobytes": 1000, "write_kilobytes": 2000}},
        },
        "transport": {"server_open": 13, "rx_count": 10, "rx_size_in_bytes": 1000, "tx_count": 10},
        "http": {"current_open": 1, "total_opened": 5},
        "breakers": {
            "parent": {
                "limit_size_in_bytes": heap_max * 95 // 100,
                "estimated_size_in_bytes": heap_used,
                "overhead": 1.0,
                "tripped": 0,
            }
        },
    }


def _cluster_settings() -> dict[str, Any]:
    watermark = {"low": "85%", "high": "90%", "flood_stage": "95%"}
    allocation = {"disk": {"watermark": watermark}}
    return {"persistent": {}, "transient": {}, "defaults": {"cluster": {"routing": {"allocation": allocation}}}}


def _handler(standin: ElasticsearchStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            standin.requests.append(self.path)
            standin.authorizations.append(self.headers.get("Authorization"))
            if not self._authenticated():
                return
            if self.path.startswith("/_standin/bytes/"):
                self._stream(int(self.path.removeprefix("/_standin/bytes/")))
                return
            body = standin.answer(self.path)
            missing = {"error": f"no handler for {self.path}", "status": 404}
            if body is not None and self.path.startswith("/_cluster/health") and standin.health_wait_failed(self.path):
                self._reply(408, {**body, "timed_out": True})
                return
            self._reply(404 if body is None else 200, missing if body is None else body)

        def do_PUT(self) -> None:
            if not self._authenticated():
                return
            if urlsplit(self.path).path.endswith("/_settings"):
                length = int(self.headers.get("Content-Length", 0))
                sent = json.loads(self.rfile.read(length) or b"{}")
                standin.index_settings.update(sent.get("settings", sent))
                _log(f"standin: index settings {json.dumps(sent, sort_keys=True)}")
                self._reply(200, {"acknowledged": True})
                return
            status = self.path.removeprefix("/_standin/health/")
            if status not in STATUSES:
                self._reply(400, {"error": f"status must be one of {', '.join(STATUSES)}"})
                return
            standin.status = status
            self._reply(200, {"status": status})

        def do_POST(self) -> None:
            """`/_bulk` (and `/<index>/_bulk`): the body read as it arrives, in 64 KiB pieces, and counted."""
            if not self._authenticated():
                return
            standin.requests.append(self.path)
            if not self.path.split("?", 1)[0].endswith("/_bulk"):
                self._reply(404, {"error": f"no handler for POST {self.path}", "status": 404})
                return
            remaining = int(self.headers.get("Content-Length", "0"))
            received = 0
            while remaining:
                piece = self.rfile.read(min(remaining, 65536))
                if not piece:
                    break
                received += len(piece)
                remaining -= len(piece)
            self._reply(200, {"took": 1, "errors": False, "items": [], "standin_bytes_received": received})

        def _stream(self, size: int) -> None:
            """`size` bytes of JSON-safe filler (a large search or scroll answer), written as they are made."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            piece = b"x" * 65536
            while size:
                self.wfile.write(piece[: min(size, len(piece))])
                size -= min(size, len(piece))

        def handle(self) -> None:
            # Clients drop idle keep-alive connections: not our error.
            with contextlib.suppress(ConnectionResetError):
                super().handle()

        def _authenticated(self) -> bool:
            """With users (security on): one's HTTP basic credentials, else 401 as Elasticsearch answers."""
            if self.path.startswith("/_standin/"):
                return True  # the tests' own controls, not Elasticsearch's API
            refused = standin.authenticate(self.headers.get("Authorization"), self.path)
            if refused is None:
                return True
            self.close_connection = True  # the request body, if any, is left unread
            cause = {"type": "security_exception", "reason": refused}
            body = {"error": {"root_cause": [cause], **cause}, "status": 401}
            self._reply(401, body, {"WWW-Authenticate": 'Basic realm="security", charset="UTF-8"'})
            return False

        def _reply(self, code: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            _log(f"standin: {self.command} {self.path}{_user(self.headers.get('Authorization'))}")

    return Handler


class _Log:
    """Where the stand-in logs: stdout, or the log file the configuration names."""

    lock = threading.Lock()
    sink: IO[str] = sys.stdout


def _log(line: str) -> None:
    """One whole line per request: print() from several handler threads interleaves text and newline."""
    with _Log.lock:
        _Log.sink.write(line + "\n")
        _Log.sink.flush()


def _credentials(authorization: str | None) -> tuple[str, str] | None:
    """(user, password) of HTTP basic authentication, else None."""
    if not authorization or not authorization.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(authorization.removeprefix("Basic ")).decode().partition(":")
    return user, password


def _user(authorization: str | None) -> str:
    """` user=NAME` for HTTP basic authentication (never the password), else nothing."""
    credentials = _credentials(authorization)
    return f" user={credentials[0]}" if credentials else ""


@dataclass(frozen=True)
class NodeConfig:
    """What the stand-in takes from elasticsearch.yml (Elasticsearch's defaults where it is silent)."""

    cluster: str
    node: str
    host: str
    port: int
    log_file: Path | None
    """Where ES_LOG_STYLE=file puts the server log; None: stdout."""
    nodes: int
    security: dict[str, Any]
    """The xpack.security.* settings; {"xpack.security.enabled": False} when security is off."""


_TRANSPORT_FILES = ("key", "certificate")


def security_password(config_dir: Path, security: Mapping[str, Any]) -> str | None:
    """Security on: the bootstrap password from the keystore, after checking what Elasticsearch would refuse to
    start without (SystemExit naming it); None when security is off."""
    if not security.get("xpack.security.enabled", True):
        return None
    if security.get("xpack.security.transport.ssl.enabled") is not True:
        raise SystemExit("security is on but transport TLS is off: Elasticsearch refuses to form a cluster")
    paths = [security.get(f"xpack.security.transport.ssl.{name}") for name in _TRANSPORT_FILES]
    paths += list(security.get("xpack.security.transport.ssl.certificate_authorities", []))
    for relative in paths:
        if not relative or Path(relative).is_absolute():
            raise SystemExit(f"transport TLS file {relative!r}: must be a path inside the config directory")
        text = (config_dir / relative).read_text()  # unreadable: an error naming it, as Elasticsearch's
        if "-----BEGIN " not in text:
            raise SystemExit(f"transport TLS file {config_dir / relative} holds no PEM")
    try:
        entries = read_keystore(config_dir / KEYSTORE_FILE)
    except KeystoreError as error:
        raise SystemExit(f"security is on: {error}") from None
    if "bootstrap.password" not in entries:
        raise SystemExit("security is on but the keystore has no bootstrap.password: the elastic user has none")
    _log(f"standin: security on, transport TLS, keystore entries {', '.join(sorted(entries))}")
    return entries["bootstrap.password"]


def read_config(config_dir: Path, env: Mapping[str, str]) -> NodeConfig:
    """elasticsearch.yml in `config_dir` (absent: all defaults), `${VAR}` placeholders resolved from `env`."""
    path = config_dir / "elasticsearch.yml"
    text = path.read_text() if path.exists() else ""
    settings: dict[str, Any] = yaml.safe_load(re.sub(r"\$\{(\w+)\}", lambda m: env.get(m[1], ""), text)) or {}
    cluster = str(settings.get("cluster.name", "elasticsearch"))
    logs = Path(settings.get("path.logs", "/usr/share/elasticsearch/logs"))
    return NodeConfig(
        cluster=cluster,
        node=str(settings.get("node.name", NODE)),
        host=str(settings.get("http.host", settings.get("network.host", "127.0.0.1"))),
        port=int(settings.get("http.port", 9200)),
        log_file=logs / f"{cluster}.log" if env.get("ES_LOG_STYLE") == "file" else None,
        nodes=len(settings.get("cluster.initial_master_nodes", [])) or 1,
        # Without an elasticsearch.yml (the stand-in outside a pod, e.g. bench/run footprint): no security.
        security={key: value for key, value in settings.items() if key.startswith("xpack.security.")}
        if path.exists()
        else {"xpack.security.enabled": False},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_config = os.environ.get("ES_PATH_CONF", "/usr/share/elasticsearch/config")
    parser.add_argument("--config", type=Path, default=Path(default_config), help="holds elasticsearch.yml")
    parser.add_argument("--host", help="instead of http.host")
    parser.add_argument("--port", type=int, help="instead of http.port")
    parser.add_argument("--status", choices=STATUSES, default="green")
    parser.add_argument("--user", action="append", default=[], metavar="NAME:PASSWORD", help="security on")
    options = parser.parse_args()
    config = read_config(options.config, os.environ)
    if config.log_file is not None:
        _Log.sink = config.log_file.open("a")
    host, port = options.host or config.host, options.port or config.port
    users = dict(user.split(":", 1) for user in options.user) if options.user else None
    password = security_password(options.config, config.security)
    if password is not None:  # the elastic user, with the keystore's bootstrap password
        users = {**(users or {}), "elastic": password}
    standin = ElasticsearchStandIn(
        host, port, nodes=config.nodes, status=options.status, cluster=config.cluster, node=config.node, users=users
    )
    # As a container's PID 1 a process ignores SIGTERM unless it handles it: stop as Elasticsearch does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _log(f"standin: node {config.node} of cluster {config.cluster} listening on {host}:{standin.port}")
    try:
        standin.serve_forever()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
