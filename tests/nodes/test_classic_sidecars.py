"""Before Kubernetes 1.29 there are no native sidecars: dev rendered for 1.28 (`kubernetesVersion`) runs its ambassador,
exporter and log tailer as classic containers beside Elasticsearch, on a real node (its 1.36 kubelet runs 1.28's
manifests as written). Deleted, the pod is stopped as a whole, so each sidecar's preStop hook holds it until
Elasticsearch has closed its port: none is killed, and the tailer ships Elasticsearch's last line."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from ..lib.kube import Kube
from ..lib.pulumi_engine import Engine, Project
from .node_traces import destroy_until_clean
from .pod_checks import assert_elasticsearch_stopped_first_none_killed, stopping
from .stacks import dev_stack

SIDECARS = {"tls-ambassador", "metrics-exporter", "tail-elasticsearch-log"}


@pytest.fixture(scope="module")
def classic(
    engine: Engine, kube: Kube, real_nodes: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Project, dict[str, Any]]]:
    workdir = tmp_path_factory.mktemp("dev-1.28-on-real-nodes")
    with dev_stack(engine, kube, workdir, {"kubernetesVersion": "1.28"}, namespace="search-dev-classic") as dev:
        (pod,) = dev.pods()
        yield dev.project, pod


def test_the_sidecars_are_classic_containers_each_ready(classic: tuple[Project, dict[str, Any]]) -> None:
    _, pod = classic
    assert not [c for c in pod["spec"].get("initContainers", []) if c.get("restartPolicy") == "Always"]
    ready = {s["name"]: s["ready"] for s in pod["status"]["containerStatuses"]}
    assert ready == dict.fromkeys(SIDECARS | {"elasticsearch"}, True)
    hooks = {c["name"] for c in pod["spec"]["containers"] if c.get("lifecycle", {}).get("preStop")}
    assert hooks >= SIDECARS


def test_a_deleted_pod_keeps_its_sidecars_until_elasticsearch_is_done_none_killed(
    classic: tuple[Project, dict[str, Any]], kube: Kube
) -> None:
    project, pod = classic
    destroy = partial(project.run, "destroy", "--stack", "dev", "--yes")
    with stopping(kube, pod) as stopped:
        destroyed, clean = destroy_until_clean(destroy, Path(kube.kubeconfig).parent / "nodes", [pod])
    print(f"dev for 1.28 on a real node: pulumi destroy in {destroyed:.0f} s, the node clean {clean:.0f} s after")
    print(f"dev for 1.28: containers ended (status, from Elasticsearch's exit): {stopped.timeline()}")
    assert_elasticsearch_stopped_first_none_killed(pod, stopped)
