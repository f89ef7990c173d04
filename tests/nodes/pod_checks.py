"""What every stack's pod shows on a real node, asked the same way of dev's and prod's: the kubelet ran the init
containers in the rendered order, each done (or, a native sidecar, started) before the next and all before
Elasticsearch; the containers share the network and the volumes they mount, nothing else; the ambassador logs each
request and serves the certificates' expiry from their Secret, nothing more of it; deleted, Elasticsearch stops
first, then its sidecars, none killed."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..lib.kube import Kube
from .container_exits import SIGKILLED, Exit, container_exits
from .stacks import curl

APP = "elasticsearch"
LOG_DIR = "/usr/share/elasticsearch/logs"
TAILER = "tail-elasticsearch-log"
CLOSED = re.compile(r"\[o\.e\.n\.Node\s*\] \[[^]]+\] closed$", re.MULTILINE)
"""Elasticsearch's last line as it shuts down (its node's `closed`, in the plain `<cluster>.log` the tailer streams)."""
LOG_FLUSH_SECONDS = 30  # nginx writes its access log at once; kubectl logs reads what the runtime has received


def container_exec(kube: Kube, pod: dict[str, Any], container: str, *argv: str) -> subprocess.CompletedProcess[str]:
    metadata = pod["metadata"]
    return kube.run("exec", "--namespace", metadata["namespace"], metadata["name"], "-c", container, "--", *argv,
                    check=False)  # fmt: skip


def assert_init_containers_ran_in_order_before_the_app(pod: dict[str, Any]) -> None:
    """From the kubelet's own record (second resolution, so equal times pass): each init container finished (exit 0)
    or, a native sidecar, started before the next started; Elasticsearch started after all of them."""
    statuses = {s["name"]: s["state"] for s in pod["status"]["initContainerStatuses"]}
    (app,) = [s["state"] for s in pod["status"]["containerStatuses"] if s["name"] == APP]
    previous = ""
    for container in pod["spec"]["initContainers"]:
        state = statuses[container["name"]]
        if container.get("restartPolicy") == "Always":
            started = done = state["running"]["startedAt"]
        else:
            assert state["terminated"]["exitCode"] == 0, (container["name"], state)
            started, done = state["terminated"]["startedAt"], state["terminated"]["finishedAt"]
        assert previous <= started <= done <= app["running"]["startedAt"], (container["name"], statuses, app)
        previous = done


def assert_containers_share_the_network_and_their_volumes_only(kube: Kube, pod: dict[str, Any]) -> None:
    run = partial(container_exec, kube, pod)
    mark = str(time.time_ns())
    # Network: the exporter answers on Elasticsearch's loopback, Elasticsearch on the tailer's (busybox's wget).
    assert run(APP, "curl", "--silent", "--fail", "--max-time", "5", "http://127.0.0.1:9114/healthz").returncode == 0
    behind = run(TAILER, "timeout", "5", "wget", "-q", "-O", "-", "http://127.0.0.1:9201/_cluster/health")
    assert '"cluster_name"' in behind.stdout or " 401 " in behind.stderr, behind  # prod asks for a login
    # Files: each container's /tmp is its own; the logs volume is shared, read-only for the tailer; roots read-only.
    assert run(APP, "sh", "-c", f"echo {mark} > /tmp/private").returncode == 0
    assert run("tls-ambassador", "cat", "/tmp/private").returncode != 0
    shared = f"{LOG_DIR}/shared-{mark}"
    assert run(APP, "sh", "-c", f"echo {mark} > {shared}").returncode == 0
    try:
        assert run(TAILER, "cat", shared).stdout.strip() == mark
        assert "Read-only file system" in run(TAILER, "sh", "-c", f"echo x > {shared}").stderr
    finally:
        run(APP, "rm", "-f", shared)
    assert "Read-only file system" in run(APP, "touch", "/usr/share/elasticsearch/x").stderr
    # Processes: each container sees its own only.
    listing = ("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '")
    in_app, in_tailer = run(APP, *listing).stdout, run(TAILER, *listing).stdout
    assert "org.elasticsearch.bootstrap.Elasticsearch" in in_app
    assert "tail -F" in in_tailer
    for other in ("nginx", "tail -F", "prometheus-elasticsearch-exporter"):
        assert other not in in_app
    assert "org.elasticsearch" not in in_tailer


def assert_the_ambassador_logs_each_request(
    kube: Kube, pod: dict[str, Any], request: Callable[[str], subprocess.CompletedProcess[str]]
) -> None:
    """`request(path)` reaches this pod's ambassador; its access log line is then in `kubectl logs`."""
    path = f"/_cluster/health?filter_path=e2e{time.time_ns()}"  # a parameter every API takes, made unique
    assert request(path).returncode == 0
    metadata = pod["metadata"]
    line = re.compile(f'"GET {re.escape(path)} HTTP/[0-9.]+" 200 ')  # HTTP/1.1 or HTTP/2.0, as the client chose
    deadline = time.monotonic() + LOG_FLUSH_SECONDS
    while True:
        logs = kube.run("logs", "--namespace", metadata["namespace"], metadata["name"], "-c", "tls-ambassador").stdout
        if line.search(logs):
            return
        assert time.monotonic() < deadline, (
            f"no {line.pattern} in the ambassador's log after {LOG_FLUSH_SECONDS} s:\n" + (logs[-2000:])
        )


def assert_the_certificates_expiry_is_served_from_their_secret(kube: Kube, pod: dict[str, Any]) -> None:
    address = pod["status"]["podIP"]
    served = curl("--fail", f"http://{address}:9117/metrics")
    assert served.returncode == 0, served.stderr
    secret = kube.json("get", "secret", "--namespace", pod["metadata"]["namespace"], f"{APP}-tls")["data"]
    assert served.stdout == base64.b64decode(secret["expiry.prom"]).decode()  # what pulumi-tls said, with the certs
    # In Unix seconds, a number Prometheus can parse (not pulumi-tls's RFC 3339).
    assert re.search(r'^podpatterns_tls_certificate_not_after_seconds\{certificate="ca"\} \d+$', served.stdout, re.M)
    other = curl("--write-out", "%{http_code}", "--output", "/dev/null", f"http://{address}:9117/tls.key")
    assert other.stdout == "404"  # only the metrics, never another file of the Secret


@dataclass
class Stopped:
    exits: list[Exit]
    """containerd's exits of the pod's containers, in order."""
    shipped: str = ""
    """What the log tailer streamed (`kubectl logs --follow`, which ends with the container)."""
    events: list[dict[str, Any]] = field(default_factory=list)
    """The kubelet's events about the pod until it was gone (`kubectl get events --watch`)."""

    def timeline(self) -> str:
        """Each exit with its status and its seconds from Elasticsearch's, for the figures a test prints."""
        (app,) = [e for e in self.exits if e.container == APP]
        return ", ".join(f"{e.container} {e.status} {(e.at - app.at).total_seconds():+.2f} s" for e in self.exits)


def _json_stream(text: str) -> list[dict[str, Any]]:
    """The objects of `kubectl ... --watch --output json`, one after the other."""
    decoder, objects, rest = json.JSONDecoder(), [], text.lstrip()
    while rest:
        found, end = decoder.raw_decode(rest)
        objects.append(found)
        rest = rest[end:].lstrip()
    return objects


@contextmanager
def stopping(kube: Kube, pod: dict[str, Any]) -> Iterator[Stopped]:
    """While the block deletes the pod (a `destroy`, waited for until its node is clean): how its containers ended
    and what the kubelet said of it, read before the namespace (its events with it) goes. The tailer's stream is
    shown live (it has shipped the log's first lines) before the block starts."""
    metadata = pod["metadata"]
    namespace, name, uid = metadata["namespace"], metadata["name"], metadata["uid"]
    follow = ["logs", "--follow", "--namespace", namespace, name, "-c", TAILER]  # arguments, not a command line
    watch = ["get", "events", "--namespace", namespace, "--watch", "--output", "json",  # arguments, not a command line
             "--field-selector", f"involvedObject.uid={uid}"]  # fmt: skip
    node_dir = Path(kube.kubeconfig).parent / "nodes" / pod["spec"]["nodeName"]
    with (
        tempfile.TemporaryFile("w+") as shipped,
        tempfile.TemporaryFile("w+") as told,
        subprocess.Popen(kube.command(*follow), stdout=shipped, stderr=subprocess.STDOUT, text=True) as follower,
        subprocess.Popen(kube.command(*watch), stdout=told, text=True) as watcher,
    ):
        deadline = time.monotonic() + 30
        while not shipped.tell() and follower.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
            shipped.seek(0, 2)
        assert shipped.tell(), "kubectl logs --follow streamed nothing of the tailer in 30 s"
        with container_exits(node_dir, [pod]) as exits:
            stopped = Stopped(exits)
            yield stopped
        assert follower.wait(timeout=60) == 0  # it ends with the tailer
        watcher.terminate()
        watcher.wait()
        shipped.seek(0)
        told.seek(0)
        # Each event once: the watch shows it again when it changes and when the namespace's deletion removes it.
        events = {event["metadata"]["uid"]: event for event in _json_stream(told.read())}
        stopped.shipped, stopped.events = shipped.read(), list(events.values())


def assert_elasticsearch_stopped_first_none_killed(pod: dict[str, Any], stopped: Stopped) -> None:
    """How the kubelet stopped a deleted pod: it told each running container to stop ("Killing" events), every
    preStop hook ran to success (no FailedPreStopHook event), every container ended by itself within the grace
    period, none killed, and the log tailer shipped Elasticsearch's last line ("closed", logged as its node shuts
    down). Native sidecars (Kubernetes 1.29+): Elasticsearch ended first, then the sidecars in the reverse of their
    start, as the kubelet documents. Classic ones (1.28) are told to stop with Elasticsearch; their hook holds each
    until Elasticsearch has closed its HTTP port, which it does before its process ends, so they may end just before
    it."""
    spec = pod["spec"]
    native = [c["name"] for c in spec.get("initContainers", []) if c.get("restartPolicy") == "Always"]
    order = [e.container for e in stopped.exits]
    assert sorted(order) == sorted([c["name"] for c in spec["containers"]] + native), stopped.exits  # each once
    # fieldPath: spec.containers{<name>}, or spec.initContainers{<name>} for a native sidecar.
    told = [re.sub(r".*\{(.*)\}", r"\1", e["involvedObject"]["fieldPath"]) for e in stopped.events
            if e["reason"] == "Killing"]  # fmt: skip
    assert sorted(told) == sorted(order), stopped.events  # the watch saw the kubelet stop each
    hooks = [e["message"] for e in stopped.events if e["reason"] == "FailedPreStopHook"]
    assert not hooks, hooks
    assert not [e for e in stopped.exits if e.status == SIGKILLED], stopped.exits
    if native:
        assert order == [APP, *reversed(native)], stopped.exits
    assert CLOSED.search(stopped.shipped), stopped.shipped[-2000:]
