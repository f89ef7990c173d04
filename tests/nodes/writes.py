"""A bounded writer and a watch of the elected masters, for prod on the real nodes under faults (issue 29).

The writer indexes documents with ids through the TLS ambassador behind the Service, as the ingest client would
(its certificate, `elastic`), one request at a time, no retries: each write is acknowledged, refused with
Elasticsearch's or nginx's answer, or indeterminate (the connection failed or timed out: it may or may not have
been applied). The index asks two active copies before each write (`index.write.wait_for_active_shards: 2`, with
one replica) and syncs the translog on every request (the default durability): an acknowledged write is on the
primary and every in-sync replica.

The watch asks each node in turn, from the machine, which master it follows in which term (the cluster
coordination term of its cluster state): one master per term is what Elasticsearch's election guarantees.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Self

from elasticsearch import ApiError, Elasticsearch, TransportError

from .stacks import NodeStack

INDEX = "writes"
INDEX_SETTINGS = {"settings": {"number_of_shards": 3, "number_of_replicas": 1, "index.write.wait_for_active_shards": 2}}
WRITES_PER_SECOND = 20
REQUEST_SECONDS = 10


def client(prod: NodeStack, address: str, *, client_name: str = "ingest", timeout: float = REQUEST_SECONDS) -> Any:
    """The official client to the ambassador at `address` (a pod's or the Service's), the certificate verified for
    the Service's name, with the client certificate of `client_name`; no retries."""
    (namespace,) = [namespace for namespace, name in prod.clients if name == client_name]
    return Elasticsearch(
        f"https://{address}:9200",
        ca_certs=str(prod.secret_file(prod.namespace, "elasticsearch-tls", "ca.crt")),
        client_cert=str(prod.secret_file(namespace, f"elasticsearch-client-{client_name}", "tls.crt")),
        client_key=str(prod.secret_file(namespace, f"elasticsearch-client-{client_name}", "tls.key")),
        ssl_assert_hostname=f"elasticsearch.{prod.namespace}.svc",
        basic_auth=("elastic", prod.password),
        request_timeout=timeout,
        max_retries=0,
        retry_on_timeout=False,
    )


@dataclass
class History:
    """What the writer was told, by document id."""

    acknowledged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(id, Elasticsearch's or nginx's status and error type)."""
    indeterminate: list[tuple[str, str]] = field(default_factory=list)
    """(id, the client's error): the request may or may not have been applied."""

    @property
    def attempted(self) -> int:
        return len(self.acknowledged) + len(self.refused) + len(self.indeterminate)


class Rounds:
    """Runs `round()` in a thread, a round at most every `interval` seconds, from `with` until its end."""

    interval: float

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def round(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self.round()
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))


class Writer(Rounds):
    """Indexes documents `<phase>-<n>`, one request at a time, at most WRITES_PER_SECOND."""

    interval = 1 / WRITES_PER_SECOND

    def __init__(self, prod: NodeStack, service_address: str, phase: str) -> None:
        super().__init__()
        self.client = client(prod, service_address)
        self.phase = phase
        self.history = History()

    def round(self) -> None:
        doc = f"{self.phase}-{self.history.attempted}"
        try:
            answer = self.client.index(index=INDEX, id=doc, document={"phase": self.phase})
            if answer["result"] in ("created", "updated"):
                self.history.acknowledged.append(doc)
            else:
                self.history.refused.append((doc, f"result {answer['result']}"))
        except ApiError as error:
            self.history.refused.append((doc, f"{error.meta.status} {_error_type(error.body)}"))
        except TransportError as error:
            self.history.indeterminate.append((doc, type(error).__name__))


def _error_type(body: object) -> str:
    """Elasticsearch's error type, or who else answered (nginx's pages are HTML)."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("type"))
    return "nginx" if "nginx" in str(body) else str(body)[:80]


class MasterWatch(Rounds):
    """Asks every node, each second, which master it follows in which term."""

    interval = 1

    def __init__(self, prod: NodeStack) -> None:
        super().__init__()
        self.prod = prod
        self.masters_by_term: dict[int, set[str]] = defaultdict(set)
        self._clients: dict[str, Any] = {}

    def latest_master(self) -> str | None:
        """The master of the highest term seen, None before any."""
        if not self.masters_by_term:
            return None
        (master, *others) = self.masters_by_term[max(self.masters_by_term)]
        return None if others else master

    def round(self) -> None:
        for pod in self.prod.pods():
            address = pod["status"].get("podIP")
            if not address:
                continue
            if address not in self._clients:
                self._clients[address] = client(self.prod, address, timeout=2)
            try:
                state = self._clients[address].cluster.state(
                    metric="master_node,metadata", local=True,
                    filter_path="master_node,metadata.cluster_coordination.term",
                )  # fmt: skip
            except (ApiError, TransportError):
                continue  # a node away, stopped or cut off: asked again next round
            master = state.get("master_node")
            if master:
                self.masters_by_term[state["metadata"]["cluster_coordination"]["term"]].add(master)
