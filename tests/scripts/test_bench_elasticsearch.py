"""The real-Elasticsearch benchmark (bench/elasticsearch.py) counts only bulks that indexed every document, and its
bulk body is what _bulk reads. The benchmark itself runs outside the test suite (bench/run elasticsearch)."""

from __future__ import annotations

import json

import pytest

from bench.elasticsearch import DOCS_PER_BULK, MESSAGES, bulk_body, check_bulk_tally

WRK_TAIL = """  123 requests in 5.00s, 1.20MB read
Requests/sec:     24.60
Transfer/sec:    245.00KB
bulk responses checked: {checked}, failed: {failed}
"""


def test_a_run_whose_every_bulk_was_checked_and_clean_counts() -> None:
    check_bulk_tally(WRK_TAIL.format(checked=123, failed=0), 123)


@pytest.mark.parametrize(
    "output",
    [
        WRK_TAIL.format(checked=123, failed=1),
        WRK_TAIL.format(checked=100, failed=0),
        WRK_TAIL.split("bulk responses", maxsplit=1)[0],
    ],
    ids=["a bulk answered errors:true or not 200", "fewer checked than wrk counted", "no tally from the Lua script"],
)
def test_a_run_with_a_failed_or_unchecked_bulk_is_refused(output: str) -> None:
    with pytest.raises(RuntimeError, match="failed or went unchecked"):
        check_bulk_tally(output, 123)


def test_the_bulk_body_is_an_index_action_before_each_document() -> None:
    lines = bulk_body().splitlines()
    assert bulk_body().endswith("\n")  # _bulk refuses a body whose last line has no newline
    assert len(lines) == 2 * DOCS_PER_BULK
    assert all(json.loads(action) == {"index": {}} for action in lines[0::2])
    documents = [json.loads(line) for line in lines[1::2]]
    assert sum("timeout" in d["message"] for d in documents) == DOCS_PER_BULK // len(MESSAGES)
