"""Arguments of LogTailSidecar. Defaults and allowed values: `podpatterns.logtail.settings`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from ..target import WorkloadTarget


class LogTailSidecarArgs(TypedDict, total=False):
    """Arguments of `LogTailSidecar`: which files to stream, from which volume, and how the tailers run."""

    target: WorkloadTarget
    """The workload whose pod gets the tailers. Required."""
    volume: str
    """Pod volume holding the log files, declared by the workload (give it a sizeLimit). Required."""
    directory: str
    """Absolute directory the application writes the files to; mounted there read-only. Required."""
    files: Sequence[str]
    """File names in `directory` to stream, one container `tail-<file>` each. Required."""
    mode: str
    """"auto" (native from Kubernetes 1.29), "native" or "classic". Default: "auto"."""
    image: str
    """Pinned image with `sh` and busybox-compatible `tail`. Default: "busybox:1.36.1"."""
    kubernetes_version: str
    """Oldest Kubernetes minor version of the cluster, "1.25" to "1.37". Default: "1.33"."""
    run_as_user: int
    """User and group the tailers run as; they must be able to read the files. Default: 65534 (nobody)."""
