"""Arguments of LogTailSidecar.

Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.
No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

from collections.abc import Sequence
from typing import Required, TypedDict

import pulumi

from ..pod.target import WorkloadTarget


class LogTailSidecarArgs(TypedDict, total=False):
    """Which files to stream, from which volume, and how the tailers run."""

    target: Required[pulumi.Input[WorkloadTarget]]
    """The workload whose pods get the pattern (from Python, e.g. an ElasticsearchApp's `target`). Required."""
    volume: Required[pulumi.Input[str]]
    """Pod volume holding the log files (declared by the workload). Allowed: DNS label. Required."""
    directory: Required[pulumi.Input[str]]
    """Where the application writes the files; the volume is mounted there, read-only. Allowed: absolute path. Required."""
    files: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Files in the directory to stream, one sidecar container each. Allowed: list of file names. Required."""
    mode: pulumi.Input[str]
    """How the tailer runs: native (an init container with restartPolicy Always: starts before the app and stops after it, so startup and shutdown lines are kept), classic (a regular container), or auto (native from Kubernetes 1.29). Allowed: one of auto, native, classic. Default: "auto"."""
    image: pulumi.Input[str]
    """Image of the tailer; it runs `sh` and busybox-compatible `tail -F`. Allowed: image with a version tag or digest. Default: "busybox:1.36.1"."""
    kubernetes_version: pulumi.Input[str]
    """Oldest Kubernetes minor version of the cluster; mode auto uses native sidecars from 1.29. Allowed: "1.25" to "1.37". Default: "1.33"."""
    run_as_user: pulumi.Input[int]
    """User (and group) of the tailer; it must be able to read the files. Allowed: 1 to 2147483647. Default: 65534."""
