"""The TLS ambassador under Elasticsearch's real traffic, on the real nginx in the dev stack's pod (tests/lib/harness):
bulk uploads and large answers stream through without touching /tmp, and a fleet of keep-alive clients fits.

Sizes are the issue's: 3 concurrent 100 MiB bulk bodies, one 200 MiB answer, 2,000 TLS clients held open at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from podpatterns.quantity import parse_memory

from ..conftest import PROJECT_DIR
from ..lib.harness.stack import TLS_PORT, StackPod
from ..lib.support.processes import descendants

MIB = 2**20
BULK_BYTES = 100 * MIB
ANSWER_BYTES = 200 * MIB
CLIENTS = 2000


def spooled_bytes(directory: Path, pids: list[int]) -> int:
    """Disk the emptyDir holds: its files, and the temp files nginx has open there, which it unlinks as soon as
    it creates them (invisible to a directory walk, yet counted by the kubelet's project quota)."""
    total = 0
    for root, _, files in os.walk(directory):
        for name in files:
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
    for pid in pids:
        with contextlib.suppress(FileNotFoundError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(FileNotFoundError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("/tmp/") and fd not in ("0", "1", "2"):
                        total += os.stat(f"/proc/{pid}/fd/{fd}").st_blocks * 512
    return total


class Watch:
    """The largest disk use of the ambassador's /tmp, sampled every 20 ms until stopped."""

    def __init__(self, pod: StackPod) -> None:
        container = pod.pod.containers["tls-ambassador"]
        master = container.pid1()
        assert master is not None
        self.directory, self.pids = pod.pod.volumes["tls-ambassador-tmp"].path, [master, *descendants(master)]
        self.largest = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.largest = max(self.largest, spooled_bytes(self.directory, self.pids))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.largest


def tmp_size_limit(pod: StackPod) -> int:
    (volume,) = [v for v in pod.pod.spec["volumes"] if v["name"] == "tls-ambassador-tmp"]
    return parse_memory(volume["emptyDir"]["sizeLimit"])


def test_bulk_bodies_and_a_large_answer_stream_through_without_filling_tmp(dev_pod: StackPod, tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.ndjson"
    line = b'{"index":{"_index":"logs"}}\n{"message":"' + b"m" * 200 + b'"}\n'
    with bulk.open("wb") as out:
        out.write(line * (BULK_BYTES // len(line)))
        out.write(b"\n" * (BULK_BYTES % len(line)))
    upload = ["--upload-file", str(bulk), "--request", "POST", "--header", "Content-Type: application/x-ndjson"]
    upload += ["--header", "Expect:", "--max-time", "300"]
    download = ["--output", "/dev/null", "--write-out", "%{http_code} %{size_download}", "--max-time", "300"]
    watch = Watch(dev_pod)
    with ThreadPoolExecutor(max_workers=4) as pool:
        bulks = [pool.submit(dev_pod.pod.in_cluster, dev_pod.https("/_bulk", *upload), 300) for _ in range(3)]
        answer = pool.submit(dev_pod.pod.in_cluster, dev_pod.https(f"/_standin/bytes/{ANSWER_BYTES}", *download), 300)
        results = [future.result() for future in bulks]
        answered = answer.result()
    largest = watch.stop()
    for result in results:
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["standin_bytes_received"] == BULK_BYTES  # all of it reached the app
    assert answered.stdout == f"200 {ANSWER_BYTES}", answered.stderr
    assert largest < tmp_size_limit(dev_pod)  # the kubelet would evict the pod above it
    assert largest < MIB  # in fact nothing is spooled: 500 MiB went through a 64 MiB emptyDir
    assert "buffered to a temporary file" not in dev_pod.pod.logs("tls-ambassador")


def test_two_thousand_keep_alive_tls_clients_at_once(dev_pod: StackPod) -> None:
    script = PROJECT_DIR / "tests" / "lib" / "support" / "keepalive_clients.py"
    argv = [sys.executable, str(script), dev_pod.host, dev_pod.pod.ip, str(TLS_PORT), dev_pod.ca, str(CLIENTS), "/"]
    result = dev_pod.pod.in_cluster(argv, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["errors"] == []
    assert summary["open_at_once"] == CLIENTS
    assert summary["answered"] == [CLIENTS, CLIENTS]  # the second round on connections kept alive meanwhile
    assert "worker_connections are not enough" not in dev_pod.pod.logs("tls-ambassador")
