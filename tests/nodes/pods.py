"""Pods for the real-node tests: busybox containers under the restricted security context, placed on the real
nodes (their toleration and selector), and waiting for them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..lib.kube import Kube
from .conftest import REAL_NODE_SELECTOR, REAL_NODE_TOLERATION

BUSYBOX = "docker.io/library/busybox:1.36.1"
STAYS = "trap 'exit 0' TERM; while true; do sleep 0.2; done"
"""A PID 1 that stays up and stops on SIGTERM (a shell ignores it unless it traps it)."""
RESTRICTED = {
    "runAsNonRoot": True,
    "runAsUser": 1000,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def container(name: str, script: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": BUSYBOX, "command": ["sh", "-c", script], "securityContext": RESTRICTED, **fields}


def pod(namespace: str, name: str, *containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "nodeSelector": REAL_NODE_SELECTOR,
            "tolerations": [REAL_NODE_TOLERATION],
            "automountServiceAccountToken": False,
            "containers": list(containers),
            **spec,
        },
    }


def ready(kube: Kube, namespace: str, name: str) -> float:
    """Seconds until the pod is Ready."""
    started = time.monotonic()
    kube.run("wait", "--namespace", namespace, "--for=condition=Ready", "--timeout=90s", f"pod/{name}")
    return time.monotonic() - started


def exec_in(kube: Kube, namespace: str, name: str, container_name: str, script: str) -> str:
    return kube.run("exec", "--namespace", namespace, name, "-c", container_name, "--", "sh", "-c", script).stdout


def wait_until(check: Callable[[], bool], what: str, timeout: float = 300) -> None:
    """Polls `check` until it holds; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"no {what} after {timeout:.0f} s"
        time.sleep(0.5)
