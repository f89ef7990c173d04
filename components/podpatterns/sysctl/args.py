"""Arguments of SysctlInit.

Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.
No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

from collections.abc import Sequence
from typing import Required, TypedDict

import pulumi

from ..pod.target import WorkloadTarget


class SysctlInitArgs(TypedDict, total=False):
    """The sysctls a workload's pods need."""

    target: Required[pulumi.Input[WorkloadTarget]]
    """The workload whose pods get the pattern (from Python, e.g. an ElasticsearchApp's `target`). Required."""
    sysctls: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Sysctls as name=value: safe namespaced ones go to the pod's securityContext, node-level ones (vm.*, fs.*) are raised by a privileged init container, never lowered. Allowed: list of name=value. Required."""
    image: pulumi.Input[str]
    """Image of the privileged init container; it runs `sh`, `cat` and `tr`. Allowed: image with a version tag or digest. Default: "busybox:1.36.1"."""
    kubernetes_version: pulumi.Input[str]
    """Oldest Kubernetes minor version of the cluster; some safe sysctls need a newer one. Allowed: "1.25" to "1.37". Default: "1.33"."""
