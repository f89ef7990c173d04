"""What LogTailSidecar adds to a pod: one tailer container per file, streaming it to stdout (pure functions).

One container per file, because `tail` following several files only prints a `==> file <==` header when it
switches between them: the lines themselves carry no origin. Log collectors label every line with its
container's name, and the container's name says which file it streams.
"""

from __future__ import annotations

from ..kube import IMAGE_PULL_POLICY, resources, restricted_security_context
from ..pod.model import Manifest, PodContribution
from ..templating import read_template
from .naming import container_name
from .settings import LogTailSidecarSettings

# Measured with `bench/run footprint` (docs/performance.md; Debian's busybox, the script below): 4.1 MiB resident
# (sh and tail, sum of VmHWM) idle and while following 10,000 lines/s (2 MiB/s); 0m idle (tail polls once a
# second), ~0.2 us of CPU per line, so 2m at 10,000 lines/s. Request 5m: 25,000 lines/s, far above what
# Elasticsearch logs. Limit 100m for bursts. Memory 8Mi requested (2x the peak), 16Mi limit.
CPU_REQUEST = "5m"
CPU_LIMIT = "100m"
MEMORY_REQUEST = "8Mi"
MEMORY_LIMIT = "16Mi"


def tail_command(path: str) -> list[str]:
    """The container's command: `tail -F -n +1 <path>` under a shell that stops cleanly on SIGTERM."""
    return ["sh", "-c", read_template("log-tail.sh"), "log-tail", path]


def log_tail_contribution(settings: LogTailSidecarSettings, source: str) -> PodContribution:
    """The tailers, as native sidecars or classic containers per `settings.native`."""
    names = [container_name(file) for file in settings.files]
    paths = [f"{settings.directory}/{file}" for file in settings.files]
    containers = [_container(name, path, settings) for name, path in zip(names, paths, strict=True)]
    if settings.native:
        return PodContribution(source=source, native_sidecars=containers)
    return PodContribution(source=source, containers=containers)


def _container(name: str, path: str, settings: LogTailSidecarSettings) -> Manifest:
    return {
        "name": name,
        "image": settings.image,
        "imagePullPolicy": IMAGE_PULL_POLICY,
        "command": tail_command(path),
        "resources": resources(CPU_REQUEST, CPU_LIMIT, MEMORY_REQUEST, MEMORY_LIMIT),
        "securityContext": restricted_security_context(settings.run_as_user),
        "volumeMounts": [{"name": settings.volume, "mountPath": settings.directory, "readOnly": True}],
    }
