"""The cluster's network: one "cluster" namespace, and per pod a network namespace joined to it by a veth pair.

Each namespace is held by a small "pause" process (as a pod's pause container holds its namespaces),
so it vanishes with that process, which dies with the test process: nothing is left behind even
when the test process is killed.
The pod's pause process also holds the pod's mount namespace, where `medium: Memory` emptyDirs are
tmpfs mounts that every container of the pod inherits. Addresses are private to these namespaces,
so concurrent test runs on one machine cannot collide.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

CLUSTER_PREFIX = "10.244"
ORPHANS_DIE = ("setpriv", "--pdeathsig", "KILL")
"""Prefix for processes that must not outlive the test process, even when it is killed."""


class Pause:
    """A process that holds namespaces until it is stopped; `enter(...)` runs argv inside them."""

    def __init__(self, unshare: Sequence[str], setup: str) -> None:
        script = f"set -e; {setup}; echo ready; exec sleep infinity"
        self.process = subprocess.Popen(
            [*ORPHANS_DIE, "unshare", *unshare, "sh", "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        if self.process.stdout.readline().strip() != b"ready":
            self.process.wait()
            raise RuntimeError(f"namespaces could not be set up: {self.process.stderr.read().decode()}")
        self.pid = self.process.pid

    def enter(self, argv: Sequence[str], namespaces: Sequence[str] = ("--net",)) -> list[str]:
        return ["nsenter", f"--target={self.pid}", *namespaces, "--", *argv]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


class ClusterNetwork:
    """The "cluster" network namespace: where clients (and the kubelet's probes) reach pods from."""

    def __init__(self) -> None:
        # Forwarding lets pods reach each other (a Service's pod) through the cluster namespace.
        self.pause = Pause(["--net"], "ip link set lo up && echo 1 > /proc/sys/net/ipv4/ip_forward")
        self.pods = 0

    def run(self, argv: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        """argv in the cluster namespace (the host's filesystem), its output as text."""
        command = self.pause.enter(argv)
        return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]

    def next_addresses(self, count: int) -> list[str]:
        """The pod IPs the next `count` pods attached will get, in order (for names a pod must know before its peers
        start, such as a headless Service's)."""
        return [f"{CLUSTER_PREFIX}.{self.pods + number}.2" for number in range(1, count + 1)]

    def attach(self, memory_volumes: Sequence[tuple[Path, str]]) -> PodNetwork:
        """A new pod namespace pair (network and mount) joined to the cluster; `memory_volumes` are
        (directory, tmpfs options) mounted in the pod's mount namespace."""
        (address,) = self.next_addresses(1)
        self.pods += 1
        subnet = address.rsplit(".", 1)[0]
        mounts = [f"mount -t tmpfs -o {options} tmpfs {shlex.quote(str(path))}" for path, options in memory_volumes]
        pause = Pause(["--net", "--mount", "--propagation", "private"], " && ".join(["ip link set lo up", *mounts]))
        network = PodNetwork(pause, ip=f"{subnet}.2", gateway=f"{subnet}.1")
        veth = f"veth{self.pods}"
        try:
            pod_end, cluster_end = ["eth0", "netns", str(pause.pid)], [veth, "netns", str(self.pause.pid)]
            _ip("link", "add", *pod_end, "type", "veth", "peer", "name", *cluster_end)
            for where, device, address in ((pause, "eth0", network.ip), (self.pause, veth, network.gateway)):
                _ip_in(where, "addr", "add", f"{address}/24", "dev", device)
                _ip_in(where, "link", "set", device, "up")
            _ip_in(pause, "route", "add", "default", "via", network.gateway)
        except BaseException:
            pause.stop()  # the pod's veth end goes with its namespace
            raise
        return network

    def stop(self) -> None:
        self.pause.stop()


@dataclass
class PodNetwork:
    pause: Pause
    """Holds the pod's network namespace and its mount namespace (Memory volumes)."""
    ip: str
    gateway: str
    """The cluster namespace's address on the pod's link."""


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def _ip_in(pause: Pause, *args: str) -> None:
    subprocess.run(pause.enter(["ip", *args]), check=True, capture_output=True)
