"""The LogTailSidecar through a real log4j rollover of the dev stack's server log (docs/patterns/log-tail-sidecar.md).

The image rolls `<cluster>.log` over at 128 MB: this module's image at 128 KB (`ROLLOVER_SIZE`, the harness's one
change of log4j2.file.properties, tests/lib/harness/elasticsearch_image.py), so that seconds of real server activity
roll it over: log4j renames the file, opens a new one, and compresses the renamed one into
`<cluster>-<date>-<n>.log.gz`. The activity: the cluster service's DEBUG lines while indices are created and deleted.
"""

from __future__ import annotations

import gzip
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..lib.harness.real_stack import RealStack
from .conftest import stack_fixture

ROLLOVER_SIZE = {"appender.rolling.policies.size.size": "128KB"}
LOAD_TIMEOUT = 120.0
"""Seconds of index creations and deletions allowed to fill the server log up to a rollover."""
TAILER = "tail-elasticsearch-log"
CHATTY_LOGGER = "logger.org.elasticsearch.cluster.service"
"""DEBUG: lines for every cluster state update (measured: about 10 create-and-delete rounds filled the 128 KB)."""
_ROLLED = re.compile(r"-(\d{4}-\d{2}-\d{2})-(\d+)\.log\.gz$")

dev = stack_fixture("dev", ROLLOVER_SIZE)


@dataclass(frozen=True)
class Rollover:
    rolled: list[Path]
    """The compressed copies in the logs volume, oldest first."""
    marker: str
    """What the server logged (at INFO) only after the rollover: an index created then."""
    before: list[str]
    """The indices created (and deleted) while the log filled up, in order."""


def rolled_copies(real: RealStack) -> list[Path]:
    """The server log's compressed copies, oldest first, once log4j has finished compressing (no renamed file is
    left uncompressed)."""
    logs = real.pods[0].volumes["logs"].path
    cluster = real.config["cluster.name"]
    deadline = time.monotonic() + 30
    while list(logs.glob(f"{cluster}-*.log")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(logs.glob(f"{cluster}-*.log")), "log4j did not finish compressing a rolled file in 30 s"
    return sorted(logs.glob(f"{cluster}-*.log.gz"), key=_date_and_index)


def _date_and_index(copy: Path) -> tuple[str, int]:
    """`<cluster>-2026-12-04-2.log.gz` -> ("2026-12-04", 2): the index counts up within a day."""
    match = _ROLLED.search(copy.name)
    assert match, copy.name
    return match[1], int(match[2])


@pytest.fixture(scope="module")
def rollover(dev: RealStack) -> Rollover:
    """Indices created and deleted until the server log has rolled over, then one more index, the marker."""
    assert rolled_copies(dev) == [], "rolled over at boot: ROLLOVER_SIZE is below the boot's log"
    assert dev.api("/_cluster/settings", method="PUT", body={"persistent": {CHATTY_LOGGER: "DEBUG"}}).status == 200
    before: list[str] = []
    deadline = time.monotonic() + LOAD_TIMEOUT
    while not rolled_copies(dev):
        assert time.monotonic() < deadline, f"no rollover after {len(before)} indices: {dev.server_log()[-2000:]}"
        before.append(f"before-rollover-{len(before)}")
        assert dev.api(f"/{before[-1]}", method="PUT").status == 200
        assert dev.api(f"/{before[-1]}", method="DELETE").status == 200
    assert dev.api("/_cluster/settings", method="PUT", body={"persistent": {CHATTY_LOGGER: None}}).status == 200
    marker = "after-rollover-0"
    assert dev.api(f"/{marker}", method="PUT").status == 200
    return Rollover(rolled_copies(dev), marker, before)


def test_lines_written_after_a_real_rollover_reach_the_tailer(dev: RealStack, rollover: Rollover) -> None:
    pod = dev.pods[0]
    assert len(rollover.rolled) >= 1
    created = f"[{rollover.marker}] creating index"
    assert created in dev.server_log()  # in the new file, not in a copy
    pod.wait_for_log(TAILER, created, timeout=30)


def test_every_line_across_the_rollover_is_streamed_once_in_order(dev: RealStack, rollover: Rollover) -> None:
    """What the tailer printed is exactly the server's lines, in the copies (oldest first) then the new file: no
    line lost at the switch, none twice (the docs: on a rename, tail reads the rest of the old file first)."""
    pod = dev.pods[0]
    pod.wait_for_log(TAILER, f"[{rollover.marker}] creating index", timeout=30)
    # The tailer's output first: the files, read after it, hold every line it printed and maybe newer ones.
    streamed = [line for line in pod.logs(TAILER).splitlines() if not line.startswith("tail: ")]  # its own notes
    written = [line for copy in rolled_copies(dev) for line in gzip.decompress(copy.read_bytes()).decode().splitlines()]
    written += dev.server_log().splitlines()
    assert streamed == written[: len(streamed)]
    for index in [*rollover.before, rollover.marker]:
        assert sum(f"[{index}] creating index" in line for line in streamed) == 1, index
