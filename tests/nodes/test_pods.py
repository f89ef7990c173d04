"""What a kubelet does with a pod, shown on the real nodes: probes, native sidecars, a shared emptyDir, the
restricted security context as the runtime enforces it, termination, and the taint that keeps other pods away."""

from __future__ import annotations

import time

from ..lib.kube import Kube
from .pods import STAYS, container, exec_in, pod, ready


def test_a_restricted_pod_runs_as_the_runtime_enforces_it(kube: Kube, namespace: str, real_nodes: list[str]) -> None:
    probe = {"exec": {"command": ["test", "-f", "/tmp/ready"]}, "periodSeconds": 1}
    kube.apply([
        pod(namespace, "restricted",
            container("app", "touch /tmp/ready; " + STAYS, readinessProbe=probe,
                      volumeMounts=[{"name": "tmp", "mountPath": "/tmp"}]),
            volumes=[{"name": "tmp", "emptyDir": {}}])
    ])  # fmt: skip
    print(f"real node: a restricted busybox pod Ready {ready(kube, namespace, 'restricted'):.1f} s after its apply")
    placed = kube.json("get", "pod", "--namespace", namespace, "restricted")["spec"]["nodeName"]
    assert placed in real_nodes
    status = exec_in(
        kube, namespace, "restricted", "app", "id -u; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/1/status"
    )
    assert status.split() == ["1000", "CapEff:", "0000000000000000", "NoNewPrivs:", "1", "Seccomp:", "2"]
    refused = kube.run("exec", "--namespace", namespace, "restricted", "--", "touch", "/root-is-read-only", check=False)
    assert "Read-only file system" in refused.stderr + refused.stdout


def test_a_native_sidecar_starts_first_and_shares_an_empty_dir(kube: Kube, namespace: str) -> None:
    shared = [{"name": "shared", "mountPath": "/shared"}]
    sidecar = container("writer", "date +%s > /shared/first; " + STAYS, restartPolicy="Always",
                        volumeMounts=shared)  # fmt: skip
    app = container("reader", "cp /shared/first /shared/seen-by-app; " + STAYS, volumeMounts=shared)
    kube.apply([pod(namespace, "sidecar", app, initContainers=[sidecar], volumes=[{"name": "shared", "emptyDir": {}}])])
    ready(kube, namespace, "sidecar")
    # The app started after the sidecar had written: the kubelet waited for the sidecar's start.
    assert exec_in(kube, namespace, "sidecar", "reader", "cat /shared/seen-by-app").strip().isdigit()
    statuses = kube.json("get", "pod", "--namespace", namespace, "sidecar")["status"]["initContainerStatuses"]
    assert [(s["name"], s["started"]) for s in statuses] == [("writer", True)]


def test_a_pod_that_handles_sigterm_is_gone_in_seconds(kube: Kube, namespace: str) -> None:
    kube.apply([pod(namespace, "graceful", container("app", STAYS), terminationGracePeriodSeconds=30)])
    ready(kube, namespace, "graceful")
    started = time.monotonic()
    kube.run("delete", "pod", "--namespace", namespace, "graceful", "--wait=true", "--timeout=60s")
    assert time.monotonic() - started < 10  # the grace period is 30 s: the kubelet did not wait it out


def test_a_pod_without_the_toleration_never_lands_on_a_real_node(kube: Kube, namespace: str) -> None:
    intolerant = pod(namespace, "intolerant", container("app", STAYS))
    del intolerant["spec"]["tolerations"]
    kube.apply([intolerant])
    kube.run("wait", "--namespace", namespace, "--for=condition=PodScheduled=false", "--timeout=30s", "pod/intolerant")
    condition = kube.json("get", "pod", "--namespace", namespace, "intolerant")["status"]["conditions"][0]
    assert "3 node(s) had untolerated taint(s)" in condition["message"]
