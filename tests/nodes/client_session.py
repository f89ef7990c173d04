"""A client session with the official Python `elasticsearch` client, run by test_prod_stack.py from the machine (on
the real nodes' bridge, where it reaches the pods):

    python tests/nodes/client_session.py CONFIG_JSON

CONFIG_JSON: {"url", "server_name", "ca", "cert", "key", "password", "bulk_bytes"}. It indexes a document, searches
it, streams a bulk request of `bulk_bytes` from a generator, scrolls through what it indexed, and prints what it
saw as one JSON object; an error prints {"error": type, "message": ...}.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch, helpers

DOCUMENT_FILLER = "x" * 1000


def bulk_actions(index: str, total_bytes: int) -> Iterator[dict[str, Any]]:
    """Documents of about 1 KiB until `total_bytes` of source have been made."""
    made = 0
    number = 0
    while made < total_bytes:
        number += 1
        made += len(DOCUMENT_FILLER) + 40
        yield {"_index": index, "_id": str(number), "_source": {"n": number, "filler": DOCUMENT_FILLER}}


def session(config: dict[str, Any]) -> dict[str, Any]:
    certificate = {"client_cert": config["cert"], "client_key": config["key"]} if "cert" in config else {}
    client = Elasticsearch(
        config["url"],
        ca_certs=config["ca"],
        **certificate,
        ssl_assert_hostname=config["server_name"],
        basic_auth=("elastic", config["password"]) if config.get("password") else None,
        request_timeout=120,
    )
    seen: dict[str, Any] = {"version": client.nodes.info(node_id="_local")["nodes"].popitem()[1]["version"]}
    client.index(index="greetings", id="1", document={"text": "hello from the python client"}, refresh=True)
    hits = client.search(index="greetings", query={"match": {"text": "python"}})["hits"]
    seen["search_hits"] = hits["total"]["value"]
    indexed = 0
    for ok, _ in helpers.streaming_bulk(
        client, bulk_actions("bulk", config["bulk_bytes"]), chunk_size=10000, max_chunk_bytes=config["bulk_bytes"]
    ):
        indexed += ok
    client.indices.refresh(index="bulk")
    seen["bulk_indexed"] = indexed
    seen["bulk_count"] = client.count(index="bulk")["count"]
    seen["scrolled"] = sum(1 for _ in helpers.scan(client, index="bulk", size=2000, scroll="1m"))
    return seen


def main() -> None:
    config = json.loads(sys.argv[1])
    try:
        result = session(config)
    except Exception as error:  # the test reads which error a refused client got
        result = {"error": type(error).__name__, "message": str(error)[:500]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
