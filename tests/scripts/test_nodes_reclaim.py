"""scripts/lib/nodes.sh's reclaim of what a killed run's real nodes left (seen: a CI run killed at its time limit left
the bridge, the nodes' cgroups, kube-proxy's tables and mounts, and the next run's `up` refused to start).

Each case runs in namespaces of its own (mount, network, PID), with /tmp and /sys/fs/cgroup replaced by directories
of the test's: the bridge, tables, chains and cgroups it makes are nobody else's, and the suite's own cluster, which
may be running beside it, is out of sight.
"""

from __future__ import annotations

import subprocess

import pytest

from ..lib.prerequisites import PROJECT_DIR, require_program, require_root

pytestmark = pytest.mark.root

# Leftovers of a killed run, as `up` makes them: a bridge, kube-proxy's table, the kubelet's chain, a node's cgroups.
LEFTOVERS = """
ip link add pp-nodes0 type bridge
nft add table ip kube-proxy
iptables -N KUBE-FIREWALL
iptables -A INPUT -j KUBE-FIREWALL
mkdir -p /sys/fs/cgroup/memory/pod-patterns-real-node-a/kubepods/pod1 /sys/fs/cgroup/cpu/pod-patterns-real-node-a
"""

NAMESPACES_OF_ITS_OWN = ("unshare", "--mount", "--net", "--pid", "--fork", "--mount-proc", "--propagation", "private")

# What is left afterwards, one section each.
REPORT = """
echo "== clusters"; ls /tmp | grep pod-patterns-cluster || true
echo "== links"; ip -o link show pp-nodes0 2>/dev/null | cut -d' ' -f2 || true
echo "== tables"; nft list tables
echo "== chains"; iptables -S | grep KUBE || true
echo "== cgroups"; find /sys/fs/cgroup -mindepth 2 -type d
"""


def reclaim(setup: str) -> dict[str, list[str]]:
    """Runs `setup` then nodes_reclaim_dead in fresh namespaces; what REPORT prints, by section."""
    require_root("a bridge, nft tables and mounts in namespaces of the test's own")
    for program, package in (("unshare", "util-linux"), ("nft", "nftables"), ("iptables", "iptables")):
        require_program(program, package)
    # The library is read before /tmp is replaced (a clone may live there).
    script = f"""
set -euo pipefail
PODPATTERNS_CLUSTER_DIR=/tmp/pod-patterns-cluster-this source {PROJECT_DIR}/scripts/lib/cluster.sh
mount -t tmpfs tmp /tmp
mount -t tmpfs cgroups /sys/fs/cgroup
{LEFTOVERS}
{setup}
nodes_reclaim_dead
{REPORT}
"""
    run = subprocess.run(
        [*NAMESPACES_OF_ITS_OWN, "bash", "-c", script],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    sections: dict[str, list[str]] = {}
    for line in run.stdout.splitlines():
        if line.startswith("== "):
            current = sections.setdefault(line[3:], [])
        elif line.strip():
            current.append(line.strip())
    return sections | {"messages": run.stderr.splitlines()}


def cluster_directory(name: str, pid: str) -> str:
    """Shell making a cluster directory with real nodes whose etcd was `pid`."""
    return f"mkdir -p /tmp/{name}/nodes/real-node-a /tmp/{name}/pids && echo {pid} >/tmp/{name}/pids/etcd"


def test_a_dead_clusters_leftovers_are_taken_down_and_a_live_clusters_directory_is_kept() -> None:
    left = reclaim(
        cluster_directory("pod-patterns-cluster-dead", "999999")
        + "\n"
        # A live control plane (its command line names its directory) whose nodes are not running.
        + "sh -c 'sleep 60' /tmp/pod-patterns-cluster-live &\n"
        + cluster_directory("pod-patterns-cluster-live", "$!"),
    )
    assert left["clusters"] == ["pod-patterns-cluster-live"]
    assert left["links"] == []
    assert "table ip kube-proxy" not in left["tables"]
    assert left["chains"] == []
    assert left["cgroups"] == []
    assert (
        "nodes: /tmp/pod-patterns-cluster-dead is left by a cluster that no longer runs: taking it down"
        in left["messages"]
    )
    assert (
        "nodes: the bridge pp-nodes0 is left by a cluster that no longer runs: removing it" not in left["messages"]
    ), "the dead cluster's own down removes its bridge"


def test_leftovers_without_a_directory_are_removed_by_name() -> None:
    left = reclaim(":")
    assert left["clusters"] == []
    assert left["links"] == []
    assert "table ip kube-proxy" not in left["tables"]
    assert left["chains"] == []
    assert left["cgroups"] == []
    assert left["messages"] == [
        "nodes: the cgroups of real-node-a are left by a cluster that no longer runs: removing them",
        "nodes: the bridge pp-nodes0 is left by a cluster that no longer runs: removing it",
        "nodes: kube-proxy's table 'ip kube-proxy' is left by a cluster that no longer runs: removing it",
    ]


def test_nothing_is_touched_while_a_kubelet_of_real_nodes_runs() -> None:
    left = reclaim(
        cluster_directory("pod-patterns-cluster-dead", "999999")
        + "\nsh -c 'sleep 60' /tmp/elsewhere/nodes/real-node-b/kubelet.yaml &",
    )
    assert left["clusters"] == ["pod-patterns-cluster-dead"]
    assert left["links"] == ["pp-nodes0:"]
    assert "table ip kube-proxy" in left["tables"]
    assert left["chains"] == ["-N KUBE-FIREWALL", "-A INPUT -j KUBE-FIREWALL"]
    assert "/sys/fs/cgroup/memory/pod-patterns-real-node-a" in left["cgroups"]
    assert left["messages"] == []
