"""Issue 18, on the prod stack's pod as rendered, run by the harness: how a node stops (no fixed wait, the
sidecars after Elasticsearch, delayed_timeout set first) and when a (re)joined node is ready (green once)."""

from __future__ import annotations

import json
from pathlib import Path

from podpatterns.render import Recording

from ..lib.harness import Cluster
from ..lib.harness.runner import RunningPod
from ..lib.standins.vault import PROD_KV
from ..lib.support.variants import render_variant

SET_HEALTH = ["curl", "--silent", "--fail", "--request", "PUT", "http://127.0.0.1:9201/_standin/health/%s"]


def set_health(pod: RunningPod, status: str) -> None:
    """Through curl's retries: right after its start the stand-in may not listen yet."""
    retry = ["--retry", "50", "--retry-connrefused", "--retry-delay", "0"]  # curl waits 1 s between tries
    result = pod.exec("elasticsearch", [*SET_HEALTH[:-1], *retry, SET_HEALTH[-1] % status], timeout=60)
    assert result.returncode == 0, result.stderr


def test_a_deleted_pod_stops_elasticsearch_first_then_its_sidecars_none_killed(
    recordings: dict[str, Recording], vault_agent: Path, tmp_path: Path
) -> None:
    with Cluster(recordings["prod"], tmp_path, vault_agent=vault_agent, vault_kv=PROD_KV) as cluster:
        workload = cluster.workload("elasticsearch")
        with cluster.run(workload) as pod:
            logs = pod.volumes["logs"].path / "elasticsearch.log"
            seconds = pod.terminate()
            print(f"prod pod: {seconds:.1f} s from deletion to the last container's exit")  # docs/operations.md
            events = [(name, what) for _, name, what in pod.events]
            served = logs.read_text()
    after = events[events.index(("", "deleted")) :]
    assert not [e for e in after if e[1] == "killed"], after  # everything exited within the grace period
    app_exit = after.index(("elasticsearch", "exited 0"))  # the stand-in exits 0 on SIGTERM, as Elasticsearch
    assert after.index(("elasticsearch", "preStop exited 0")) < after.index(("elasticsearch", "SIGTERM")) < app_exit
    spec = workload["spec"]["template"]["spec"]
    sidecars = [c["name"] for c in spec["initContainers"] if c.get("restartPolicy") == "Always"]
    assert {"tls-ambassador", "metrics-exporter", "tail-elasticsearch-log"} <= set(sidecars)
    stops = [after.index((name, "SIGTERM")) for name in reversed(sidecars)]
    assert app_exit < stops[0]  # no sidecar is told to stop before Elasticsearch has exited
    assert stops == sorted(stops)  # then in reverse order of their start, as the kubelet does
    # The preStop hook set delayed_timeout on every index before the node left.
    (line,) = [x for x in served.splitlines() if x.startswith("standin: index settings ")]
    assert json.loads(line.removeprefix("standin: index settings ")) == {
        "index.unassigned.node_left.delayed_timeout": "5m"
    }


def test_a_joining_node_is_ready_only_once_the_cluster_is_green_then_while_it_answers(
    recordings: dict[str, Recording], vault_agent: Path, tmp_path: Path
) -> None:
    with (
        Cluster(recordings["prod"], tmp_path, vault_agent=vault_agent, vault_kv=PROD_KV) as cluster,
        cluster.run(cluster.workload("elasticsearch"), ready=False) as pod,
    ):
        set_health(pod, "yellow")  # the node has joined; its replicas are still recovering
        assert pod.ready("elasticsearch") is not None
        assert pod.ready("elasticsearch") is not None  # asked again: still recovering, still not ready
        set_health(pod, "green")
        assert pod.ready("elasticsearch") is None
        # From then on, local health: a later yellow (another node restarting) keeps this one in the Service.
        set_health(pod, "yellow")
        assert pod.ready("elasticsearch") is None
        asked = (pod.volumes["logs"].path / "elasticsearch.log").read_text().splitlines()
    health = [x.split()[2] for x in asked if x.startswith("standin: GET /_cluster/health")]
    assert health == [
        "/_cluster/health?wait_for_status=green&timeout=1s",
        "/_cluster/health?wait_for_status=green&timeout=1s",
        "/_cluster/health?wait_for_status=green&timeout=1s",
        "/_cluster/health?local=true",
    ]


def test_before_1_29_classic_sidecars_stop_only_after_elasticsearch_has_closed_its_port(
    vault_agent: Path, tmp_path: Path
) -> None:
    recording = render_variant("dev", kubernetesVersion="1.28")  # no native sidecars: every sidecar is classic
    with Cluster(recording, tmp_path, vault_agent=vault_agent) as cluster:
        workload = cluster.workload("elasticsearch")
        sidecars = [
            c["name"] for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] != "elasticsearch"
        ]
        assert set(sidecars) == {"tls-ambassador", "metrics-exporter", "tail-elasticsearch-log"}
        with cluster.run(workload) as pod:
            seconds = pod.terminate()
            print(f"dev pod on 1.28: {seconds:.1f} s from deletion to the last container's exit")
            events = [(name, what) for _, name, what in pod.events]
    after = events[events.index(("", "deleted")) :]
    assert not [e for e in after if e[1] == "killed"], after
    app_stopping = after.index(("elasticsearch", "SIGTERM"))
    assert ("elasticsearch", "exited 0") in after
    for sidecar in sidecars:
        # Its preStop hook (wait-for-app-exit.sh) ran until Elasticsearch, told to stop, closed its port (which it
        # does just before its process exits: no event marks it), and only then did the sidecar get SIGTERM.
        assert app_stopping < after.index((sidecar, "preStop exited 0")) < after.index((sidecar, "SIGTERM")), after
