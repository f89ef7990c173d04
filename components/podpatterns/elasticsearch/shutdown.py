"""How an Elasticsearch pod stops: Elasticsearch first, then the sidecars that serve and read it, with no fixed sleep.

On deletion the kubelet runs the preStop hooks, then sends SIGTERM to every regular container at once, and kills
what still runs after `terminationGracePeriodSeconds` (120 s by default: time for Elasticsearch to finish its
requests, flush, close its shards and leave the cluster; the Elastic Helm chart gives the same). The pod is gone
as soon as its last container has exited: it takes as long as Elasticsearch needs, not the grace period.

- Elasticsearch's preStop sets `index.unassigned.node_left.delayed_timeout` on every index (so that the restart
  does not re-replicate the node's shards), then waits `rollout.endpointRemovalSeconds` (5 s) for the Services
  and proxies to drop the pod. That is the only wait.
- From Kubernetes 1.29 the sidecars that serve or read Elasticsearch (the TLS ambassador, the exporter, the log
  tailers) are native sidecars (init containers with `restartPolicy: Always`): the kubelet stops them only after
  the app has exited, in reverse order of their start.
- Before 1.29 they are classic containers with a preStop hook that waits until the app has closed its HTTP port
  (wait-for-app-exit.sh): they too get SIGTERM only after the app has stopped serving.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..podmodel import Manifest, PodContribution
from ..templating import read_template
from .pod import with_es_curl

PRESTOP_NAME = "elasticsearch-prestop"
SIDECAR_PRESTOP_NAME = "wait-for-app-exit"


def app_prestop(
    url: str, delayed_timeout: str, endpoint_removal_seconds: int, password_file: str | None = None
) -> Manifest:
    """Elasticsearch's lifecycle: set delayed_timeout on every index (as the elastic user, whose password is in
    `password_file`, when security is on), then wait for endpoint removal."""
    script = with_es_curl("elasticsearch-prestop.sh")
    seconds = str(endpoint_removal_seconds)
    login = [password_file] if password_file else []
    command = ["sh", "-c", script, PRESTOP_NAME, url, delayed_timeout, seconds, *login]
    return {"preStop": {"exec": {"command": command}}}


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
