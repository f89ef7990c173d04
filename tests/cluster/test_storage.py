"""The local cluster's dynamic volume provisioner (scripts/lib/provisioner.sh): the StorageClasses the stacks name,
claims bound once their pod is placed, to a volume on that pod's node, and removed with the claim. On kwok's nodes
nothing runs, so no directory is made; tests/nodes/test_storage.py shows the volumes on the real nodes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from ..conftest import STACKS
from ..lib.kube import Kube, unique_suffix
from ..lib.prerequisites import PROJECT_DIR

PROVISIONER = "rancher.io/local-path"
BIND_TIMEOUT = "60s"


def claim(namespace: str, name: str, storage_class: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    if storage_class:
        spec["storageClassName"] = storage_class
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def pod_using(namespace: str, name: str, claim_name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "containers": [
                {"name": "app", "image": "busybox:1.36.1", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}
            ],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim_name}}],
        },
    }


@pytest.fixture
def namespace(kube: Kube) -> Iterator[str]:
    name = f"storage{unique_suffix()}"
    kube.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}])
    yield name
    kube.run("delete", "namespace", name, "--wait=false", check=False)


def test_every_storage_class_a_stack_names_is_served_and_one_is_the_default(kube: Kube) -> None:
    named = set()
    for stack in STACKS:
        config = yaml.safe_load((PROJECT_DIR / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
        named.add(config.get("pod-patterns:elasticsearch", {}).get("storageClass"))
    named.discard(None)
    assert named, "no stack names a StorageClass: the test reads the wrong key"
    classes = {c["metadata"]["name"]: c for c in kube.json("get", "storageclasses")["items"]}
    assert named <= classes.keys()
    defaults = [
        n
        for n, c in classes.items()
        if c["metadata"].get("annotations", {}).get("storageclass.kubernetes.io/is-default-class") == "true"
    ]
    assert defaults == ["standard"]
    for name, storage_class in classes.items():
        assert (storage_class["provisioner"], storage_class["volumeBindingMode"], storage_class["reclaimPolicy"]) == (
            PROVISIONER,
            "WaitForFirstConsumer",
            "Delete",
        ), name


def test_a_claim_binds_to_a_volume_on_its_pods_node_and_goes_with_the_claim(kube: Kube, namespace: str) -> None:
    kube.apply([claim(namespace, "data", "fast-ssd"), claim(namespace, "defaulted")])
    assert kube.json("get", "pvc", "defaulted", "--namespace", namespace)["spec"]["storageClassName"] == "standard"
    # WaitForFirstConsumer: no volume before a pod is placed (the provisioner would guess the node).
    assert kube.json("get", "pvc", "data", "--namespace", namespace)["status"]["phase"] == "Pending"

    kube.apply([pod_using(namespace, "user", "data")])
    kube.run(
        "wait",
        "--namespace",
        namespace,
        "--for=jsonpath={.status.phase}=Bound",
        f"--timeout={BIND_TIMEOUT}",
        "pvc/data",
    )
    bound = kube.json("get", "pvc", "data", "--namespace", namespace)
    volume = kube.json("get", "pv", bound["spec"]["volumeName"])
    kube.run("wait", "--namespace", namespace, "--for=condition=PodScheduled", f"--timeout={BIND_TIMEOUT}", "pod/user")
    node = kube.json("get", "pod", "user", "--namespace", namespace)["spec"]["nodeName"]
    (term,) = volume["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"]
    assert term["matchExpressions"] == [{"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]
    assert volume["spec"]["storageClassName"] == "fast-ssd"
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["hostPath"]["path"].endswith(f"_{namespace}_data")

    kube.run("delete", "pod", "user", "--namespace", namespace, "--wait=false")
    kube.run("delete", "pvc", "data", "--namespace", namespace, "--wait=false")
    kube.run("wait", "--for=delete", f"--timeout={BIND_TIMEOUT}", f"pv/{volume['metadata']['name']}")
