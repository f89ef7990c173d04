"""How a pod's containers ended on a real node, as its containerd saw it: the task-exit events of `ctr events`, in
order, each with its container's name and exit status. The kubelet keeps no record once the pod is gone, and the
API's timestamps have whole seconds only."""

from __future__ import annotations

import datetime
import json
import secrets
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIGKILLED = 128 + 9
"""The exit status runc reports for a process killed by SIGKILL: the kubelet's last resort after the grace period."""


@dataclass(frozen=True)
class Exit:
    container: str
    """The container's name in the pod's spec."""
    status: int
    at: datetime.datetime
    """When containerd published it."""


def _ctr(node_dir: Path, *args: str) -> list[str]:
    return ["ctr", "--address", str(node_dir / "containerd.sock"), *args]


def _container_names(pods: list[dict[str, Any]]) -> dict[str, str]:
    """containerd's container id -> the container's name, for every container the pods have run."""
    statuses = [s for pod in pods for kind in ("initContainerStatuses", "containerStatuses")
                for s in pod["status"].get(kind, [])]  # fmt: skip
    return {s["containerID"].removeprefix("containerd://"): s["name"] for s in statuses if "containerID" in s}


def _published(stamp: str) -> datetime.datetime:
    """The time at the start of a line of `ctr events` (`2026-12-06 06:10:11.123456789 +0000 UTC k8s.io`)."""
    day, clock, offset = stamp.split()[:3]
    seconds, _, fraction = clock.partition(".")
    return datetime.datetime.strptime(f"{day} {seconds}.{fraction[:6] or 0} {offset}", "%Y-%m-%d %H:%M:%S.%f %z")


@contextmanager
def container_exits(node_dir: Path, pods: list[dict[str, Any]]) -> Iterator[list[Exit]]:
    """The exits of the pods' containers on the node (its directory under the cluster's `nodes/`) while the block
    runs, appended in the order containerd published them. The stream is shown to be live before the block starts:
    a namespace made for the purpose must be seen created."""
    names = _container_names(pods)
    exits: list[Exit] = []
    marker = f"pod-patterns-events-{secrets.token_hex(4)}"
    live = threading.Event()
    events = subprocess.Popen(_ctr(node_dir, "events"), stdout=subprocess.PIPE, text=True)

    def read() -> None:
        assert events.stdout is not None
        # A line: `<time> <namespace> <topic> <event as JSON>`; an exit's status is absent when 0.
        for line in events.stdout:
            if f'"{marker}"' in line and "/namespaces/create" in line:
                live.set()
            if " /tasks/exit " not in line:
                continue
            stamp, _, event = line.partition(" /tasks/exit ")
            task = json.loads(event)
            if task.get("id") == task.get("container_id") and task["container_id"] in names:  # not an exec's
                at = _published(stamp)
                exits.append(Exit(names[task["container_id"]], int(task.get("exit_status", 0)), at))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        tries = 30  # a second each
        while not live.is_set() and tries > 0:
            subprocess.run(_ctr(node_dir, "namespaces", "create", marker), capture_output=True, check=False)
            subprocess.run(_ctr(node_dir, "namespaces", "remove", marker), capture_output=True, check=False)
            live.wait(1)
            tries -= 1
        assert live.is_set(), f"`ctr events` on {node_dir.name} showed no event of its own in 30 s"
        yield exits
    finally:
        events.terminate()
        events.wait()
        reader.join()
