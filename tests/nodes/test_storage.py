"""The provisioner's volumes on a real node: a directory on the node's disk that the kubelet mounts, whose data
outlives the pod, and that goes from the machine with the claim."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..lib.kube import Kube
from .pods import STAYS, container, exec_in, pod, ready

VOLUME_TIMEOUT = "120s"  # the helper pods that make and remove the directory run on the node


def claim(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": namespace},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "fast-ssd",
            "resources": {"requests": {"storage": "1Gi"}},
        },
    }


def user(namespace: str, name: str, script: str) -> dict[str, Any]:
    """A restricted pod (uid 1000) with the claim at /data, Ready once /tmp/ready exists."""
    probe = {"exec": {"command": ["test", "-f", "/tmp/ready"]}, "periodSeconds": 1}
    mounts = [{"name": "data", "mountPath": "/data"}, {"name": "tmp", "mountPath": "/tmp"}]
    return pod(
        namespace,
        name,
        container("app", f"{script} && touch /tmp/ready; {STAYS}", readinessProbe=probe, volumeMounts=mounts),
        volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}, {"name": "tmp", "emptyDir": {}}],
    )


def test_a_claims_data_lies_on_its_nodes_disk_outlives_the_pod_and_goes_with_the_claim(
    kube: Kube, namespace: str, real_nodes: list[str]
) -> None:
    kube.apply([claim(namespace), user(namespace, "writer", "echo kept > /data/file")])
    ready(kube, namespace, "writer")
    volume = kube.json("get", "pv", kube.json("get", "pvc", "data", "--namespace", namespace)["spec"]["volumeName"])
    node = kube.json("get", "pod", "writer", "--namespace", namespace)["spec"]["nodeName"]
    directory = Path(volume["spec"]["hostPath"]["path"])
    assert node in real_nodes
    assert directory.parent == kube.kubeconfig.parent / "nodes" / node / "volumes"
    assert (directory / "file").read_text() == "kept\n"
    assert (directory / "file").stat().st_uid == 1000

    kube.run("delete", "pod", "writer", "--namespace", namespace, "--timeout=60s")
    kube.apply([user(namespace, "reader", 'test "$(cat /data/file)" = kept')])
    ready(kube, namespace, "reader")
    assert kube.json("get", "pod", "reader", "--namespace", namespace)["spec"]["nodeName"] == node
    assert exec_in(kube, namespace, "reader", "app", "cat /data/file") == "kept\n"

    kube.run("delete", "pod", "reader", "--namespace", namespace, "--timeout=60s")
    kube.run("delete", "pvc", "data", "--namespace", namespace, "--wait=false")
    kube.run("wait", "--for=delete", f"--timeout={VOLUME_TIMEOUT}", f"pv/{volume['metadata']['name']}")
    assert not directory.exists()
