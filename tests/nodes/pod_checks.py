"""What every stack's pod shows on a real node, asked the same way of dev's and prod's: the kubelet ran the init
containers in the rendered order, each done (or, a native sidecar, started) before the next and all before
Elasticsearch; the containers share the network and the volumes they mount, nothing else; the ambassador logs each
request and serves the certificates' expiry from their Secret, nothing more of it."""

from __future__ import annotations

import base64
import re
import subprocess
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from ..lib.kube import Kube
from .stacks import curl

APP = "elasticsearch"
LOG_DIR = "/usr/share/elasticsearch/logs"
TAILER = "tail-elasticsearch-log"
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
