"""python -m bench.rollout [--recording FILE]: a 3-node prod rolling restart in the namespace harness (not a test).

Each node in turn, as the StatefulSet controller does it: the pod is deleted (preStop hooks, SIGTERM, sidecars
after the app: `RunningPod.terminate`), then its successor starts and the rollout waits for it to be ready. Prints
per node the stop and the start-to-ready time, and the total (Markdown for docs/operations.md).

The Elasticsearch stand-in answers at once and is green: the figures are what the pod's own lifecycle costs (hooks,
sleeps, probes), not Elasticsearch's start or shard recovery, which come on top on a real cluster.

`--recording FILE`: a pickled `Recording` of the prod stack made by another checkout (e.g. the code before a change:
`PYTHONPATH=<checkout>/components python -m bench.rollout --save FILE --project <checkout>`), to compare with.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from pathlib import Path

from podpatterns.render import Recording, run_offline

from tests.lib.harness import Cluster
from tests.lib.standins.vault import PROD_KV, build_agent
from tests.lib.support.variants import PROJECT_DIR

NODES = 3


def rolling_restart(recording: Recording, workdir: Path) -> list[tuple[float, float]]:
    """(seconds to stop, seconds to start and be ready) for each node in turn: a node's pod stops, then its
    successor starts and becomes ready before the next node is touched. Measured here as each successor's start,
    then its stop (the same two steps, in a loop)."""
    agent = build_agent(workdir)
    times = []
    with Cluster(recording, workdir / "cluster", vault_agent=agent, vault_kv=PROD_KV) as cluster:
        workload = cluster.workload("elasticsearch")
        for _ in range(NODES):
            start = time.monotonic()
            with cluster.run(workload) as pod:
                ready = time.monotonic() - start
                times.append((pod.terminate(), ready))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=PROJECT_DIR, help="render the prod stack of this project")
    parser.add_argument("--save", type=Path, help="only render, and pickle the recording to this file")
    parser.add_argument("--recording", type=Path, help="a pickled recording to measure instead of rendering")
    options = parser.parse_args()
    if options.recording:
        recording = pickle.loads(options.recording.read_bytes())  # a file this script wrote
    else:
        recording = run_offline(options.project, "prod")
    if options.save:
        # What the harness reads: the registrations (the merged pods and outputs hold Pulumi outputs).
        options.save.write_bytes(pickle.dumps(Recording(recording.stack, recording.registrations)))
        return
    with tempfile.TemporaryDirectory() as workdir:
        times = rolling_restart(recording, Path(workdir))
    print("| node | stop (s) | start to ready (s) |\n|---|---|---|")
    for ordinal, (stop, start) in enumerate(times):
        print(f"| {ordinal} | {stop:.1f} | {start:.1f} |")
    print(f"| all {NODES} | {sum(s for s, _ in times):.1f} | {sum(s for _, s in times):.1f} |")
    print(f"\nRolling restart of {NODES} nodes: {sum(s + r for s, r in times):.1f} s")


if __name__ == "__main__":
    main()
