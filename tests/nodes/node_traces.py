"""What a real node holds of a pod (containerd's containers, the kubelet's pod directory, cgroups, mounts), what the
pod uses of its memory, and how long a stack's `pulumi destroy` takes until its nodes hold nothing of it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLEAN_TIMEOUT = 120
"""Seconds the nodes get, after `destroy`, to stop the containers (preStop, grace period) and remove what they held."""


QOS_CGROUPS = ("kubepods", "kubepods/burstable", "kubepods/besteffort")
"""Where the kubelet puts a pod's cgroup by its QoS class (Guaranteed, Burstable, BestEffort)."""


def pod_cgroups(node: str, pod_uid: str, controller: str = "*") -> list[Path]:
    """The pod's cgroups (cgroup v1, cgroupfs driver: pod<uid> below the node's cgroup root `/pod-patterns-<node>`)
    in one controller, or in every one. Named, not searched for: the kubelet removes other pods' cgroups meanwhile."""
    return [
        path for qos in QOS_CGROUPS
        for path in Path("/sys/fs/cgroup").glob(f"{controller}/pod-patterns-{node}/{qos}/pod{pod_uid}")
    ]  # fmt: skip


def pod_cgroup(pod: dict[str, Any], controller: str) -> Path:
    (found,) = pod_cgroups(pod["spec"]["nodeName"], pod["metadata"]["uid"], controller)
    return found


def memory_in_use(pod: dict[str, Any]) -> int:
    """Bytes the pod's containers use (its memory cgroup's usage: resident memory and page cache)."""
    return int((pod_cgroup(pod, "memory") / "memory.usage_in_bytes").read_text())


def containers(node_dir: Path, *args: str) -> str:
    """`ctr containers ...` against the node's own containerd, in the kubelet's namespace."""
    socket = node_dir / "containerd.sock"
    command = ["ctr", "--address", str(socket), "--namespace", "k8s.io", "containers", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def node_traces(node_dir: Path, pod_uid: str) -> list[str]:
    """What the node still holds of a pod: containerd's containers labelled with its uid, its directory under the
    kubelet's root, its cgroups, mounts naming it."""
    # One filtered listing: listing, then asking about each, races the kubelet removing them.
    listed = containers(node_dir, "list", "--quiet", f'labels."io.kubernetes.pod.uid"=={pod_uid}').split()
    traces = [f"containerd: {container_id}" for container_id in listed]
    pod_dir = node_dir / "kubelet" / "pods" / pod_uid
    traces += [f"kubelet: {pod_dir}"] if pod_dir.exists() else []
    traces += [f"cgroup: {c}" for c in pod_cgroups(node_dir.name, pod_uid)]
    mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    return traces + [f"mount: {line}" for line in mounts if pod_uid in line]


def destroy_until_clean(
    destroy: Callable[[], object], nodes_dir: Path, pods: list[dict[str, Any]]
) -> tuple[float, float]:
    """Runs `destroy` (a stack's `pulumi destroy`), then waits until no node holds anything of `pods`; fails naming
    what is left after CLEAN_TIMEOUT. Seconds until `destroy` returned and until the nodes were clean."""
    held = [(nodes_dir / pod["spec"]["nodeName"], pod["metadata"]["uid"]) for pod in pods]
    assert all(node_traces(node_dir, uid) for node_dir, uid in held), "the check sees the running pods"
    started = time.monotonic()
    destroy()
    destroyed = time.monotonic() - started
    # The engine is done once the API server has the objects deleted; the kubelet then stops the containers (the
    # rendered preStop and grace period) and removes what the pod held.
    deadline = time.monotonic() + CLEAN_TIMEOUT
    while (traces := [t for node_dir, uid in held for t in node_traces(node_dir, uid)]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not traces, traces
    return destroyed, time.monotonic() - started
