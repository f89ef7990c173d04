"""Arguments of SysctlInit. Defaults and allowed values: `podpatterns.sysctl.settings`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from ..target import WorkloadTarget


class SysctlInitArgs(TypedDict, total=False):
    """Arguments of `SysctlInit`: the sysctls a workload's pods need."""

    target: WorkloadTarget
    """The workload whose pods need the sysctls. Required."""
    sysctls: Sequence[str]
    """"name=value" each: safe namespaced sysctls go to the pod's securityContext, node-level ones (vm.*, fs.*)
    are raised by a privileged init container if the node's value is lower. Required."""
    image: str
    """Pinned image of the init container, with `sh`, `cat` and `tr`. Default: "busybox:1.36.1"."""
    kubernetes_version: str
    """Oldest Kubernetes minor version of the cluster, "1.25" to "1.37". Default: "1.33"."""
