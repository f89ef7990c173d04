"""How an Elasticsearch pod stops: Elasticsearch first, then the sidecars that serve and read it.

On deletion the kubelet sends SIGTERM to every regular container at once and kills what still runs after
`terminationGracePeriodSeconds` (120 s by default: Elasticsearch stops accepting requests, finishes those
in flight, flushes and closes its shards and leaves the cluster; a loaded node can take a minute, and the
Elastic Helm chart gives it the same 120 s). Native sidecars (init containers with `restartPolicy:
Always`, Kubernetes 1.29+) are stopped by the kubelet only after the app has exited. Classic sidecars
(the TLS ambassador always, the log tailers in classic mode) get a preStop `sleep` instead: the kubelet
sends them SIGTERM only when it ends, so they keep proxying Elasticsearch's last answers and streaming its
last log lines. The sleep is the grace period less a margin for their own stop, so they outlive
Elasticsearch whenever it stops within its grace period; the price is that such a pod always takes that
long to terminate.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..podmodel import Manifest

SIDECAR_STOP_MARGIN_SECONDS = 10
"""Left to a classic sidecar after its preStop sleep: nginx finishes its requests, the tailer its last polls."""


def sidecar_stop_delay(grace_period_seconds: int) -> int:
    return grace_period_seconds - SIDECAR_STOP_MARGIN_SECONDS


def outlasting(containers: Sequence[Manifest], sidecars: set[str], grace_period_seconds: int) -> list[Manifest]:
    """`containers`, the classic sidecars named in `sidecars` with a preStop sleep (their images have `sleep`)."""
    delay = str(sidecar_stop_delay(grace_period_seconds))
    hook = {"preStop": {"exec": {"command": ["sleep", delay]}}}
    return [{**c, "lifecycle": hook} if c["name"] in sidecars else c for c in containers]
