"""Issue 18 on the control plane: a prod rolling update replaces one pod at a time, highest ordinal first, the next
only once the one before is Ready again (kwok does not run readiness probes: that a pod is Ready only once the
cluster is green is shown by real kubelets, tests/nodes/test_prod_stack.py)."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from podpatterns.render import Recording

from ..lib.cluster_targets import applied, target_objects
from ..lib.kube import Kube, pod_ready, workloads


def watched(stream: str) -> list[tuple[str, dict[str, Any]]]:
    """The (event type, pod) of the API server's watch stream: one JSON event per line, in order."""
    events = [json.loads(line) for line in stream.splitlines() if line.strip()]
    return [(event["type"], event["object"]) for event in events]


def test_a_prod_rollout_replaces_one_pod_at_a_time_highest_ordinal_first(
    kube: Kube, recordings: dict[str, Recording], tmp_path: Path
) -> None:
    with applied(kube, target_objects("prod", recordings)) as deployment:
        (statefulset,) = [w for w in workloads(deployment.manifests) if w["kind"] == "StatefulSet"]
        name, namespace = statefulset["metadata"]["name"], statefulset["metadata"]["namespace"]
        assert deployment.rollouts[f"StatefulSet/{name}"].returncode == 0
        listed = kube.json("get", "pods", "--namespace", namespace)
        old = {p["metadata"]["name"]: p["metadata"]["labels"].get("controller-revision-hash") for p in listed["items"]}
        watch = [str(kube.kubectl), "--kubeconfig", str(kube.kubeconfig), "get", "--raw"]
        watch.append(f"/api/v1/namespaces/{namespace}/pods?watch=1")
        # To a file, not a pipe: a pod is ~20 KB of JSON, and a full pipe would hold the watch back.
        with (tmp_path / "watch.json").open("w") as out, subprocess.Popen(watch, stdout=out) as watcher:
            time.sleep(1)  # the watch has listed the pods as they are
            roll = {"spec": {"template": {"metadata": {"annotations": {"day2/roll": "1"}}}}}
            kube.run(
                "patch", "statefulset", name, "--namespace", namespace, "--type=merge", f"--patch={json.dumps(roll)}"
            )
            kube.run("rollout", "status", f"statefulset/{name}", "--namespace", namespace, "--timeout=180s")
            time.sleep(1)
            watcher.terminate()
    # Replay the pods' states event by event: which were serving, and in which order the new ones became Ready.
    nodes = {pod: True for pod in old if re.fullmatch(rf"{name}-\d+", pod)}  # the StatefulSet's pods, serving
    most_away, order = 0, []
    for kind, pod in watched((tmp_path / "watch.json").read_text()):
        pod_name = pod["metadata"]["name"]
        if pod_name not in nodes:
            continue  # the cluster-wide exporter's pods
        nodes[pod_name] = kind != "DELETED" and pod_ready(pod) and "deletionTimestamp" not in pod["metadata"]
        most_away = max(most_away, sum(not up for up in nodes.values()))
        new = pod["metadata"]["labels"].get("controller-revision-hash") != old[pod_name]
        if new and nodes[pod_name] and pod_name not in order:
            order.append(pod_name)
    assert order == [f"{name}-2", f"{name}-1", f"{name}-0"]
    assert most_away == 1  # each node away in turn, never two at a time: the master quorum holds
