"""The real Elasticsearch behind the rendered TLS ambassador against direct loopback access (issue 25, item 7):
bulk indexing in documents per second and search latency (p50, p99), in interleaved rounds.

One node (tests/lib/elasticsearch_node.py) listens where the rendered ambassador's upstream points (BACKEND_PORT);
the ambassador is the default variant, run as in bench/proxies.py. Node and ambassador share CPU 0, wrk runs on
CPU 1. Each round runs each workload on both paths back to back, the first path flipped every round.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from tests.lib.elasticsearch_node import single_node

from . import load
from .processes import SERVER_CPU, Server, serving
from .proxies import DEFAULT
from .rendered import BACKEND_PORT, LISTEN_PORT, Variant, render

DIRECT = "direct plain HTTP to the node"
BULK = "bulk"
SEARCH = "search"
HEAP = "-Xms512m -Xmx512m"
START_SECONDS = 180.0
"""A node's start on 2 busy cores: 12-45 s measured, with room."""
DOCS_PER_BULK = 500
"""The Python client's bulk helpers send 500 documents per request by default (chunk_size)."""
BULK_CONNECTIONS = 4
"""parallel_bulk's default: 4 bulk requests in flight (thread_count)."""
SEARCH_CONNECTIONS = 1
"""One search at a time: the latency of a search and of the path, not of a queue behind a saturated node."""
WARMUP_SECONDS = 1.0
"""Before each measured run: the ambassador's upstream connections are open, the JVM's code hot."""
SEED_DOCS = 20_000
BULK_INDEX = "bench-bulk"
SEARCH_INDEX = "bench-search"
MESSAGES = ("connection timeout to upstream", "request served", "cache miss", "slow query", "user logged in")
SEARCH_PATH = f"/{SEARCH_INDEX}/_search?q=message:timeout"
"""A match on one word of the text field: a fifth of the seeded documents."""
BULK_LUA = Path(__file__).resolve().parent / "configs" / "elasticsearch-bulk.lua"
INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"}
"""No periodic refresh: what Elastic advises for bulk loads, and no refresh falls into one path's run only."""
MAPPINGS = {
    "properties": {
        "@timestamp": {"type": "date"},
        "level": {"type": "keyword"},
        "service": {"type": "keyword"},
        "message": {"type": "text"},
    }
}


@dataclass
class Samples:
    """One workload on one path: a figure per round."""

    requests_per_second: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    node_ms_per_request: list[float] = field(default_factory=list)
    """The node's CPU time (utime + stime) over the run, per request: its background work (merges, GC) included."""
    ambassador_us_per_request: list[float] = field(default_factory=list)
    requests: int = 0
    """Requests of the measured runs; for bulks, each response checked by elasticsearch-bulk.lua."""


def document(number: int) -> dict[str, Any]:
    """A log event of about 140 bytes; one in len(MESSAGES) mentions a timeout (what the search asks for)."""
    return {
        "@timestamp": f"2026-12-04T{number // 3600 % 24:02d}:{number // 60 % 60:02d}:{number % 60:02d}Z",
        "level": "warn" if number % 5 == 0 else "info",
        "service": f"service-{number % 7}",
        "message": f"{MESSAGES[number % len(MESSAGES)]} (request {number})",
    }


def bulk_body(documents: int = DOCS_PER_BULK) -> str:
    """NDJSON for _bulk: an index action without an id (Elasticsearch picks one, as for logs) before each document."""
    action = json.dumps({"index": {}})
    return "".join(f"{action}\n{json.dumps(document(number))}\n" for number in range(documents))


def check_bulk_tally(output: str, requests: int) -> None:
    """Raises unless elasticsearch-bulk.lua checked at least `requests` (what wrk counted) responses, none failed."""
    match = re.search(r"^bulk responses checked: (\d+), failed: (\d+)$", output, re.MULTILINE)
    if not match or int(match.group(2)) > 0 or int(match.group(1)) < requests:
        raise RuntimeError(f"bulk requests failed or went unchecked:\n{output}")


def _bulk(url: str, seconds: float, body: Path) -> load.KeepAliveResult:
    """wrk POSTing `body` to the bulk index; raises unless every response was checked and clean."""
    output = load.wrk_output(f"{url}/{BULK_INDEX}/_bulk", seconds, BULK_CONNECTIONS, [str(BULK_LUA), str(body)])
    result = load.parse_wrk(output)
    check_bulk_tally(output, result.requests)
    return result


def _search(url: str, seconds: float) -> load.KeepAliveResult:
    return load.parse_wrk(load.wrk_output(url + SEARCH_PATH, seconds, SEARCH_CONNECTIONS))


def _measure(
    run: Callable[[float], load.KeepAliveResult],
    seconds: float,
    node: Server,
    ambassador: Server | None,
    samples: Samples,
) -> None:
    """A warm-up, then the measured run and the CPU the node and the ambassador (None: not on the path) spent on it."""
    run(WARMUP_SECONDS)
    servers = [node] if ambassador is None else [node, ambassador]
    before = [server.cpu_seconds() for server in servers]
    result = run(seconds)
    spent = [server.cpu_seconds() - start for server, start in zip(servers, before, strict=True)]
    samples.requests_per_second.append(result.requests_per_second)
    samples.p50_ms.append(result.p50_ms)
    samples.p99_ms.append(result.p99_ms)
    samples.node_ms_per_request.append(spent[0] * 1e3 / result.requests)
    if ambassador is not None:
        samples.ambassador_us_per_request.append(spent[1] * 1e6 / result.requests)
    samples.requests += result.requests


@contextmanager
def _node_on_backend_port(home: Path) -> Iterator[Server]:
    """One node on BACKEND_PORT, started on the server CPU (the JVM sizes its thread pools to the one CPU, as to a
    pod's one-core limit), stopped on exit."""
    with single_node(home, "bench") as node:
        node.java_options = HEAP
        everywhere = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {int(SERVER_CPU)})  # the node's processes inherit it
        try:
            process, output = node.start({"http.port": BACKEND_PORT})
        finally:
            os.sched_setaffinity(0, everywhere)
        try:
            node.wait_for_http(process, output, START_SECONDS)
            yield Server("elasticsearch", process)
        finally:
            process.terminate()  # the launcher passes the shutdown on to the server JVM and waits for it
            process.wait(timeout=START_SECONDS)


def _seed(url: str) -> None:
    """Both indices; SEED_DOCS documents in the search index, made searchable once."""
    client = Elasticsearch(url, request_timeout=120)
    for index in (BULK_INDEX, SEARCH_INDEX):
        client.indices.create(index=index, settings=INDEX_SETTINGS, mappings=MAPPINGS)
    helpers.bulk(client, ({"_index": SEARCH_INDEX, "_source": document(n)} for n in range(SEED_DOCS)))
    client.indices.refresh(index=SEARCH_INDEX)


def _expect_hits(url: str) -> None:
    """The search finds the seeded documents on this path: wrk only sees status codes."""
    # Not verified: the certificate checks are tests/real_elasticsearch's; here only the answer matters.
    client = Elasticsearch(url, verify_certs=False, ssl_show_warn=False, request_timeout=30)
    total = client.search(index=SEARCH_INDEX, q="message:timeout")["hits"]["total"]["value"]
    if total != SEED_DOCS // len(MESSAGES):
        raise RuntimeError(f"{url}: the search found {total} documents, not {SEED_DOCS // len(MESSAGES)}")


def run(workdir: Path, rounds: int, seconds: float, progress: Callable[[str], None]) -> dict[tuple[str, str], Samples]:
    """Start the node (home: PODPATTERNS_ELASTICSEARCH_HOME, which bench/run sets) and the ambassador, seed, run each
    workload on both paths once (not recorded), then `rounds` interleaved rounds of `seconds`-long runs; the samples
    by (workload, path)."""
    workdir.mkdir()
    ambassador_files = render(Variant(DEFAULT), workdir / "ambassador")
    body = workdir / "bulk.ndjson"
    body.write_text(bulk_body())
    paths = {DIRECT: f"http://127.0.0.1:{BACKEND_PORT}", DEFAULT: f"https://127.0.0.1:{LISTEN_PORT}"}
    workloads = {BULK: functools.partial(_bulk, body=body), SEARCH: _search}
    results = {(workload, label): Samples() for workload in workloads for label in paths}
    progress("starting Elasticsearch")
    with _node_on_backend_port(Path(os.environ["PODPATTERNS_ELASTICSEARCH_HOME"])) as node:
        _seed(paths[DIRECT])
        with serving(DEFAULT, ambassador_files.argv, LISTEN_PORT, ambassador_files.access_log) as ambassador:
            for url in paths.values():
                _expect_hits(url)
            on_path = {DIRECT: None, DEFAULT: ambassador}
            for number in range(rounds + 1):
                # Round 0 warms the JVM up. Each workload runs on both paths back to back (drift moves both alike),
                # the first path flipped every round.
                order = list(paths) if number % 2 == 0 else list(reversed(paths))
                for workload, run_on in workloads.items():
                    for label in order:
                        progress(f"round {number}/{rounds}: {workload}, {label}")
                        samples = results[workload, label] if number else Samples()
                        _measure(functools.partial(run_on, paths[label]), seconds, node, on_path[label], samples)
    return results
