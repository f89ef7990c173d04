"""How an Elasticsearch pod stops: Elasticsearch first, then the sidecars that serve and read it, with no fixed sleep.

On deletion the kubelet runs the preStop hooks, then sends SIGTERM to every regular container at once, and kills
what still runs after `terminationGracePeriodSeconds` (120 s by default: time for Elasticsearch to finish its
requests, flush, close its shards and leave the cluster; the Elastic Helm chart gives the same). The pod is gone
as soon as its last container has exited: it takes as long as Elasticsearch needs, not the grace period.

- Elasticsearch's preStop sets `index.unassigned.node_left.delayed_timeout` on every index (so that the restart
  does not re-replicate the node's shards), then waits `rollout.endpointRemovalSeconds` (5 s) for the Services
  and proxies to drop the pod. That is the only wait.
- The sidecars that serve or read Elasticsearch (the TLS ambassador, the exporter, the log tailers) outlive it as
  any pod's do (podpatterns.pod.sidecar_order): native sidecars from Kubernetes 1.29, else a preStop hook that waits for
  the app to close its port.
"""

from __future__ import annotations

from ..pod.model import Manifest
from .pod import with_es_curl

PRESTOP_NAME = "elasticsearch-prestop"


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
