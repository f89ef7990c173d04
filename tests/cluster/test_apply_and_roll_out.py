"""Every stack and example, applied to a real API server and rolled out by the real controllers (kwok plays kubelet).

Server-side apply with strict field validation, the CRDs of the monitors and rules, Pod Security admission on the
Pods the controllers create (a refused pod shows only as a FailedCreate event), and native sidecars kept by the server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from podpatterns.render import Recording

from ..lib.cluster_targets import TARGETS, Applied, applied, target_objects
from ..lib.kube import Kube, pod_template_spec, workloads

NATIVE_SIDECARS_MINOR = 29  # beta and on by default since 1.29


@pytest.fixture(scope="module", params=TARGETS)
def target(request: pytest.FixtureRequest, kube: Kube, recordings: dict[str, Recording]) -> Iterator[Applied]:
    with applied(kube, target_objects(request.param, recordings)) as result:
        yield result


def test_the_server_accepts_every_object_with_strict_validation(kube: Kube, target: Applied) -> None:
    for manifest in target.manifests:
        metadata = manifest["metadata"]
        where = ["--namespace", metadata["namespace"]] if "namespace" in metadata else []
        group = manifest["apiVersion"].rpartition("/")[0]  # "" for the core group
        live = kube.json("get", ".".join(filter(None, [manifest["kind"], group])), metadata["name"], *where)
        assert live["metadata"]["uid"], manifest["kind"]


def test_applying_the_same_render_again_changes_nothing(kube: Kube, target: Applied) -> None:
    """No field of ours fights the server's defaults: a second apply is a no-op (what `pulumi preview` relies on)."""
    before = kube.resource_versions(target.manifests)
    assert len(before) == len(target.manifests)
    kube.apply([m for m in target.manifests if m["kind"] != "Namespace"])
    assert kube.resource_versions(target.manifests) == before


def test_every_rollout_completes(target: Applied) -> None:
    assert target.rollouts, "every target has a workload"
    for workload, status in target.rollouts.items():
        assert status.returncode == 0, f"{workload}: {status.stdout}{status.stderr}"


def test_the_controllers_create_every_pod_and_kwok_makes_it_ready(kube: Kube, target: Applied) -> None:
    for workload in workloads(target.manifests):
        namespace = workload["metadata"]["namespace"]
        assert kube.events(namespace, "FailedCreate") == []  # Pod Security admission refused no pod
        selector = ",".join(f"{k}={v}" for k, v in workload["spec"]["selector"]["matchLabels"].items())
        pods = kube.json("get", "pods", "--namespace", namespace, "--selector", selector)["items"]
        running = [p for p in pods if "deletionTimestamp" not in p["metadata"]]
        assert len(running) == workload["spec"].get("replicas", 1), workload["metadata"]["name"]
        for pod in running:
            ready = {c["type"]: c["status"] for c in pod["status"]["conditions"]}["Ready"]
            assert (pod["status"]["phase"], ready) == ("Running", "True"), pod["metadata"]["name"]


def test_applying_a_stack_draws_no_warning_since_namespaces_warn_at_the_level_they_enforce(target: Applied) -> None:
    """Namespaces warn at the level they enforce (audit stays restricted, for the log): the server warns about
    nothing, so every apply and pull-request preview is clean, the privileged sysctl-init included."""
    warnings = [line for line in target.apply_result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == []


def test_native_sidecars_are_kept_by_a_server_that_has_them(kube: Kube, target: Applied) -> None:
    """An init container with restartPolicy Always is a native sidecar; a server older than 1.29 drops the field."""
    for workload in workloads(target.manifests):
        declared = [
            c["name"]
            for c in pod_template_spec(workload).get("initContainers", [])
            if c.get("restartPolicy") == "Always"
        ]
        if not declared:
            continue
        assert kube.server_minor() >= NATIVE_SIDECARS_MINOR
        namespace, selector = workload["metadata"]["namespace"], workload["spec"]["selector"]["matchLabels"]
        pods = kube.json(
            "get", "pods", "--namespace", namespace, "--selector", ",".join(f"{k}={v}" for k, v in selector.items())
        )
        for pod in pods["items"]:
            kept = [c["name"] for c in pod["spec"]["initContainers"] if c.get("restartPolicy") == "Always"]
            assert kept == declared, pod["metadata"]["name"]
            started = {s["name"]: s.get("started") for s in pod["status"]["initContainerStatuses"]}
            assert all(started[name] for name in declared), started
