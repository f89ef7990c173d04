"""How sidecars outlive the app they serve or read, in any pod, with no fixed sleep.

- From Kubernetes 1.29 they are native sidecars (init containers with `restartPolicy: Always`): the kubelet
  stops them only after the app has exited, in reverse order of their start.
- Before 1.29 they are classic containers with a preStop hook that waits until the app has closed its port
  (wait-for-app-exit.sh): they too get SIGTERM only after the app has stopped serving.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..templating import read_template
from .model import Manifest, PodContribution

SIDECAR_PRESTOP_NAME = "wait-for-app-exit"


def _classic_sidecar_prestop(app_port: int) -> Manifest:
    command = ["sh", "-c", read_template("wait-for-app-exit.sh"), SIDECAR_PRESTOP_NAME, str(app_port)]
    return {"preStop": {"exec": {"command": command}}}


def outlasting(
    contributions: Sequence[PodContribution], sidecars: set[str], *, native: bool, app_port: int
) -> list[PodContribution]:
    """`contributions` with their regular containers named in `sidecars` made to outlive the app.

    `native` (Kubernetes 1.29+): they become native sidecars, which the pod model starts after the classic init
    containers. Else they stay classic, with a preStop hook that waits for the app to close `app_port`.
    """
    hook = _classic_sidecar_prestop(app_port)
    changed = []
    for contribution in contributions:
        moved = [c for c in contribution.containers if c["name"] in sidecars]
        kept = [c for c in contribution.containers if c["name"] not in sidecars]
        if not moved:
            changed.append(contribution)
        elif native:
            native_sidecars = [*contribution.native_sidecars, *moved]
            changed.append(dataclasses.replace(contribution, containers=kept, native_sidecars=native_sidecars))
        else:
            hooked = [{**c, "lifecycle": hook} if c in moved else c for c in contribution.containers]
            changed.append(dataclasses.replace(contribution, containers=hooked))
    return changed
