"""The pod fields the harness honours, and the refusal of every other one.

A pod the harness cannot run as a kubelet would must not start here, or a test of it could pass on a pod
that behaves otherwise on a cluster (a shared process namespace, the host's network). Each field of the
pod spec and of its securityContext is either honoured, only meaningful where the harness does not
reach (scheduling), compressed as the README says (grace period), or refused with the pod's name, the
field and why, before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HONOURED = {
    "containers": "run as rendered",
    "initContainers": "run in order; restartPolicy Always as native sidecars",
    "volumes": "prepared as the kubelet would (volumes.py)",
    "serviceAccountName": "the spec.serviceAccountName fieldRef",
    "securityContext": "see SECURITY_CONTEXT",
    "terminationGracePeriodSeconds": "compressed: containers get runner.STOP_GRACE between SIGTERM and SIGKILL",
    "restartPolicy": "Always only: containers are not restarted here (a failure stops the pod)",
    "affinity": "scheduling only: one node here",
    "topologySpreadConstraints": "scheduling only: one node here",
    "nodeSelector": "scheduling only: one node here",
    "tolerations": "scheduling only: one node here",
    "priorityClassName": "scheduling only: one node here",
}
"""Pod spec fields a pod may have, and what the harness does with each."""
ONLY_FALSE = {
    "hostNetwork": "the pod gets its own network namespace",
    "hostPID": "each container gets its own PID namespace",
    "hostIPC": "the pod does not share the host's IPC namespace",
    "shareProcessNamespace": "each container gets its own PID namespace: containers cannot see each other's processes",
    "automountServiceAccountToken": "no ServiceAccount token is mounted",
    "enableServiceLinks": "no Service environment variables are set",
}
"""Fields the harness implements for false only (what it does), refused otherwise; absent means the
Kubernetes default, true for the last two."""
DEFAULT_TRUE = {"automountServiceAccountToken", "enableServiceLinks"}
SECURITY_CONTEXT = {
    "runAsUser": "honoured (setpriv)",
    "runAsGroup": "honoured (setpriv)",
    "runAsNonRoot": "honoured: root is refused",
    "fsGroup": "honoured: a supplementary group of every container",
    "supplementalGroups": "honoured",
    "fsGroupChangePolicy": "volumes are fresh here: nothing to change",
    "seccompProfile": "not applied: tests run unconfined, so a profile could only refuse more on a cluster",
}


class UnsupportedPodFieldError(ValueError):
    """The pod asks for something the harness does not do: it would behave otherwise on a kubelet."""


def check_pod_fields(pod: str, spec: Mapping[str, Any]) -> None:
    """Raise UnsupportedPodFieldError naming the pod and the field, for the first field the harness cannot honour."""
    for field, value in spec.items():
        if field in ONLY_FALSE:
            if value is not False:
                _refuse(pod, field, value, f"the harness only implements false ({ONLY_FALSE[field]})")
        elif field not in HONOURED:
            _refuse(pod, field, value, f"the harness does not implement it (it knows {sorted(HONOURED)})")
    for field in DEFAULT_TRUE - set(spec):
        _refuse(
            pod,
            field,
            "absent (the Kubernetes default: true)",
            f"the harness only implements false ({ONLY_FALSE[field]})",
        )
    for field, value in spec.get("securityContext", {}).items():
        if field not in SECURITY_CONTEXT:
            _refuse(pod, f"securityContext.{field}", value, "the harness does not implement it")


def _refuse(pod: str, field: str, value: object, why: str) -> None:
    raise UnsupportedPodFieldError(f"pod '{pod}': spec.{field}: {value!r}: {why}")
