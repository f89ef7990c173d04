"""Runs one pod as a kubelet would, on the real programs, in Linux namespaces.

Order: volumes prepared; init containers one by one, each classic one to completion (a failure
stops the pod with an error naming the container, its exit code and its last output), each
native sidecar (`restartPolicy: Always`) started and ready before the next; then the containers,
ready when their startup and readiness probes pass. Each container runs in the pod's network
namespace with its own mount and PID namespaces (rootfs.py), as its rendered user, with its
command, args and env as rendered; its stdout and stderr are its log. On exit, even after a
failure: containers stopped (SIGTERM to PID 1, then SIGKILL to the process group), sidecars after
the containers, then the pod's namespaces. How a real kubelet deletes a pod (preStop hooks, grace period, native
sidecars after the app) is shown on the real nodes (tests/nodes), not imitated here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from podpatterns.pod.model import Manifest

from .images import ImageContext, image_for
from .network import ORPHANS_DIE, ClusterNetwork, PodNetwork
from .podfields import check_pod_fields
from .podspec import Identity, argv_of, environment_of, identity_of
from .probes import failure
from .rootfs import ContainerRoot, Mount, setup_script
from .volumes import ObjectLookup, TokenSource, Volume, prepare_volumes

READY_TIMEOUT = 120.0
"""Seconds a container may take to run, complete (init) or pass its probes."""
STOP_GRACE = 3.0
"""Seconds between SIGTERM and SIGKILL at teardown (the pod's grace period, shortened for tests)."""


class PodStartError(RuntimeError):
    """The pod did not start: names the container, and says why (exit code, output, failing probe)."""

    def __init__(self, container: str, reason: str, started: Sequence[str]) -> None:
        super().__init__(f"container '{container}' {reason}")
        self.container = container
        self.started = list(started)
        """The containers that had been started, in order, when the pod stopped starting."""


@dataclass(frozen=True)
class PodSpec:
    """Everything the harness needs to run one pod."""

    name: str
    namespace: str
    spec: Manifest
    claim_templates: list[Manifest]
    objects: ObjectLookup
    images: ImageContext
    sysctls: Mapping[str, Path]
    """The node's sysctl stand-ins, bound over /proc/sys in every container."""
    hosts: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    """Extra /etc/hosts names -> an address or several (Services of other pods)."""
    claims: Path | None = None
    """Where the pod's volume claims live across its starts (None: with the pod's other volumes)."""
    token: TokenSource | None = None
    """Issues the pod's projected ServiceAccount tokens; None: a placeholder of a token's shape."""


@dataclass
class Container:
    spec: Manifest
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]
    identity: Identity
    working_dir: str

    @property
    def name(self) -> str:
        return str(self.spec["name"])

    def pid1(self) -> int | None:
        """The host PID of the container's PID 1 (the child `unshare --fork` made), once it exists."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except FileNotFoundError:
            return None
        return int(children[0]) if children else None

    def running(self) -> bool:
        """Setup done: PID 1 has changed its root to the container's (a tmpfs, not the host's /)."""
        pid = self.pid1()
        try:
            return pid is not None and os.stat(f"/proc/{pid}/root").st_dev != os.stat("/").st_dev
        except FileNotFoundError:
            return False

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class RunningPod:
    name: str
    namespace: str
    ip: str
    spec: Manifest
    volumes: dict[str, Volume]
    cluster: ClusterNetwork
    containers: dict[str, Container] = field(default_factory=dict)

    def exec(
        self, container: str, argv: Sequence[str], *, timeout: float = 10, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """argv inside a running container (its namespaces, root, user and env), like `kubectl exec`."""
        running = self.containers[container]
        pid = running.pid1()
        if pid is None:
            raise RuntimeError(f"container '{container}' is not running")
        env = [f"{k}={v}" for k, v in running.env.items()]
        command = [
            *("nsenter", f"--target={pid}", "--mount", "--net", "--pid", "--root", "--"),
            *("/usr/bin/setpriv", *running.identity.setpriv),
            *("/usr/bin/env", "-i", "-C", running.working_dir, "--", *env, *argv),
        ]
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=timeout, input=input, check=False)
        except subprocess.TimeoutExpired as expired:
            return subprocess.CompletedProcess(command, -1, str(expired.stdout or ""), f"timed out after {timeout}s")

    def logs(self, container: str) -> str:
        """What the container wrote to stdout and stderr so far, like `kubectl logs`."""
        return self.containers[container].output()

    def wait_for_log(self, container: str, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.logs(container):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in the log of '{container}': {self.logs(container)[-2000:]}")
            time.sleep(0.1)
        return self.logs(container)

    def in_cluster(self, argv: Sequence[str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """argv in the cluster namespace (outside the pod, on the host's filesystem)."""
        return self.cluster.run(argv, timeout=timeout)

    def stop(self, container: str) -> int:
        """Stop one container as the kubelet would (SIGTERM, then SIGKILL after the grace); its exit status."""
        return _stop(self.containers[container])

    def ready(self, container: str) -> str | None:
        """None when the container's readiness probe passes now (or it has none), else why not."""
        probe = self.containers[container].spec.get("readinessProbe")
        return self._probe(container, probe) if probe else None

    def _probe(self, container: str, probe: Manifest) -> str | None:
        spec = self.containers[container].spec
        return failure(
            probe,
            spec,
            self.ip,
            lambda argv, timeout: self.exec(container, argv, timeout=timeout),
            lambda argv, timeout: self.in_cluster(argv, timeout=timeout),
        )


@contextmanager
def run_pod(pod: PodSpec, cluster: ClusterNetwork, workdir: Path, *, ready: bool = True) -> Iterator[RunningPod]:
    """The pod, started and (`ready`: else only running) ready; torn down on exit, also when starting it failed."""
    check_pod_fields(pod.name, pod.spec)  # a field the harness cannot honour stops the pod before anything runs
    for spec in [*pod.spec.get("initContainers", []), *pod.spec["containers"]]:
        image_for(spec, pod.images)  # an unknown image stops the pod before anything runs
    workdir.mkdir(parents=True)
    volumes = prepare_volumes(
        pod.spec, pod.claim_templates, pod.objects, workdir / "volumes", claims=pod.claims, token=pod.token
    )
    memory = [(volume.path, volume.memory) for volume in volumes.values() if volume.memory]
    network = cluster.attach(memory)
    running = RunningPod(pod.name, pod.namespace, network.ip, pod.spec, volumes, cluster)
    try:
        hosts = workdir / "hosts"  # as the kubelet writes it, plus the Services' names asked for
        aliases = "".join(
            f"{address}\t{name}\n"
            for name, addresses in pod.hosts.items()
            for address in ([addresses] if isinstance(addresses, str) else addresses)
        )
        hosts.write_text(f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n{network.ip}\t{pod.name}\n{aliases}")
        _start_all(running, pod, network, workdir, hosts, ready=ready)
        yield running
    finally:
        for container in reversed(running.containers.values()):
            _stop(container)
        network.pause.stop()


def _start_all(
    running: RunningPod, pod: PodSpec, network: PodNetwork, workdir: Path, hosts: Path, *, ready: bool
) -> None:
    for spec in pod.spec.get("initContainers", []):
        container = _start(running, pod, network=network, spec=spec, workdir=workdir, hosts=hosts)
        if spec.get("restartPolicy") == "Always":
            _wait_sidecar(running, container)
        else:
            _wait_completed(running, container)
    started = [
        _start(running, pod, network=network, spec=spec, workdir=workdir, hosts=hosts)
        for spec in pod.spec["containers"]
    ]
    for container in started:
        _wait_running(running, container)
    for container in started:
        for kind in ("startupProbe", "readinessProbe") if ready else ("startupProbe",):
            if kind in container.spec:
                _wait_probe(running, container, container.spec[kind], kind)
    for container in running.containers.values():  # a sidecar that died after its start fails the pod too
        if container.spec.get("restartPolicy") == "Always" or container in started:
            _check_alive(running, container)


def _start(
    running: RunningPod, pod: PodSpec, *, network: PodNetwork, spec: Manifest, workdir: Path, hosts: Path
) -> Container:
    name = spec["name"]
    image = image_for(spec, pod.images)
    fields = {
        "metadata.name": pod.name,
        "metadata.namespace": pod.namespace,
        "status.podIP": network.ip,
        "spec.serviceAccountName": pod.spec.get("serviceAccountName", "default"),
    }
    env = environment_of(spec, image, fields, pod.objects)
    identity = identity_of(spec, pod.spec, image)
    working_dir = spec.get("workingDir", image.working_dir)
    root = ContainerRoot(
        root=_empty(workdir / "roots" / name),
        scratch=_empty(workdir / "scratch" / name),
        image=image,
        mounts=[_mount(spec, m, running.volumes) for m in spec.get("volumeMounts", [])],
        read_only=bool(spec.get("securityContext", {}).get("readOnlyRootFilesystem")),
        hosts_file=hosts,
        sysctls=pod.sysctls,
    )
    program = [
        # Changing the user clears the parent-death signal --kill-child set: set it again, last.
        *("/usr/bin/setpriv", *identity.setpriv, "--pdeathsig=KILL"),
        *("/usr/bin/env", "-i", "-C", working_dir, "--", *(f"{k}={v}" for k, v in env.items())),
        *argv_of(spec, image, env),
    ]
    # --kill-child: PID 1 (and so the whole PID namespace) dies with unshare, which dies with the tests.
    unshare = [*ORPHANS_DIE, "unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private"]
    read_end, write_end = os.pipe()
    os.fchown(write_end, identity.uid, identity.gid)  # as runc does: the container's user may reopen /dev/stdout
    log = workdir / "logs" / f"{name}.log"
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(
        network.pause.enter([*unshare, "sh", "-c", setup_script(root, program)], ("--net", "--mount")),
        stdin=subprocess.DEVNULL,
        stdout=write_end,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    os.close(write_end)
    threading.Thread(target=_copy, args=(os.fdopen(read_end, "rb"), log), daemon=True).start()
    container = Container(spec, process, log, env, identity, working_dir)
    running.containers[name] = container
    return container


def _mount(container: Manifest, mount: Manifest, volumes: Mapping[str, Volume]) -> Mount:
    if mount["name"] not in volumes:
        raise PodStartError(container["name"], f"mounts volume '{mount['name']}', which the pod does not have", [])
    source = volumes[mount["name"]].path
    if mount.get("subPath"):
        source = source / mount["subPath"]
    return Mount(mount["mountPath"], source, bool(mount.get("readOnly")))


def _empty(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _copy(stream: IO[bytes], log: Path) -> None:
    with stream, log.open("ab") as out:
        for line in stream:
            out.write(line)
            out.flush()


def _failed(running: RunningPod, container: Container, why: str) -> PodStartError:
    output = container.output().strip()[-1500:]
    return PodStartError(container.name, f"{why}; its last output:\n{output}", list(running.containers))


def _wait_completed(running: RunningPod, container: Container) -> None:
    try:
        code = container.process.wait(timeout=READY_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise _failed(running, container, f"(init) did not complete within {READY_TIMEOUT:.0f}s") from None
    if code != 0:
        raise _failed(running, container, f"(init) failed with exit code {code}")


def _wait_running(running: RunningPod, container: Container) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not container.running():
        _check_alive(running, container)
        if time.monotonic() > deadline:
            raise _failed(running, container, f"was not running after {READY_TIMEOUT:.0f}s")
        time.sleep(0.02)


def _wait_sidecar(running: RunningPod, container: Container) -> None:
    """A native sidecar is ready for the next container when its startup (else readiness) probe
    passes, else when its declared ports accept connections, else once it runs."""
    _wait_running(running, container)
    spec = container.spec
    probe = spec.get("startupProbe") or spec.get("readinessProbe")
    probes = [probe] if probe else [{"tcpSocket": {"port": p["containerPort"]}} for p in spec.get("ports", [])]
    for each in probes:
        _wait_probe(running, container, each, "startupProbe" if "startupProbe" in spec else "readinessProbe")


def _wait_probe(running: RunningPod, container: Container, probe: Manifest, kind: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while (why := running._probe(container.name, probe)) is not None:
        _check_alive(running, container)
        if time.monotonic() > deadline:
            raise _failed(running, container, f"{kind} still failing after {READY_TIMEOUT:.0f}s: {why}")
        time.sleep(0.2)


def _check_alive(running: RunningPod, container: Container) -> None:
    code = container.process.poll()
    if code is not None:
        raise _failed(running, container, f"exited with code {code} while starting")


def _stop(container: Container) -> int:
    if container.process.poll() is None:
        pid = container.pid1()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        try:
            container.process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            os.killpg(container.process.pid, signal.SIGKILL)
            container.process.wait()
    return container.process.returncode
