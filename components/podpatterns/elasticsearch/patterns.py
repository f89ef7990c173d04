"""The patterns a stack turns on, composed onto the cluster.

Each pattern has a pure `plan` (what it adds to the pod, from plain arguments) and a ComponentResource
that owns its resources and exposes the same contribution. `ElasticsearchApp` merges the planned
contributions first, so a conflict fails before anything is registered, then creates the components as
its children.
"""

from __future__ import annotations

import pulumi

from ..logtail.args import LogTailSidecarArgs
from ..logtail.component import LogTailSidecar
from ..podmodel import PodContribution
from ..settings import AppSettings
from ..sysctl.args import SysctlInitArgs
from ..sysctl.component import SysctlInit
from ..target import WorkloadTarget
from .config import LOGS_DIR, USER_ID, max_map_count
from .pod import LOGS_VOLUME, server_log_files


def _log_tail_args(settings: AppSettings, target: WorkloadTarget) -> LogTailSidecarArgs | None:
    logs = settings.logs
    if not logs.enabled:
        return None
    return {
        "target": target,
        "volume": LOGS_VOLUME,
        "directory": LOGS_DIR,
        "files": server_log_files(settings.elasticsearch, logs),
        "mode": logs.mode,
        "image": logs.image,
        "kubernetes_version": settings.kubernetes_version,
        "run_as_user": USER_ID,  # reads whatever Elasticsearch writes
    }


def _sysctl_args(settings: AppSettings, target: WorkloadTarget) -> SysctlInitArgs | None:
    if settings.sysctl.mode != "init":
        return None  # none: allow_mmap false (config.py); node: the node's owner prepares it
    return {
        "target": target,
        "sysctls": [f"vm.max_map_count={max_map_count(settings.elasticsearch.version)}"],
        "image": settings.sysctl.image,
        "kubernetes_version": settings.kubernetes_version,
    }


def planned_contributions(name: str, settings: AppSettings, target: WorkloadTarget) -> list[PodContribution]:
    """What the enabled patterns add to the pod, computed without registering anything."""
    planned: list[PodContribution] = []
    if sysctl := _sysctl_args(settings, target):
        planned.append(SysctlInit.plan(f"{name}-sysctl", sysctl))
    if logs := _log_tail_args(settings, target):
        planned.append(LogTailSidecar.plan(f"{name}-logs", logs))
    return planned


def create_patterns(
    parent: pulumi.Resource, name: str, settings: AppSettings, target: WorkloadTarget
) -> list[PodContribution]:
    """Create the enabled patterns as children of `parent`, named `<name>-<role>`; their contributions."""
    opts = pulumi.ResourceOptions(parent=parent)
    created: list[PodContribution] = []
    if sysctl := _sysctl_args(settings, target):
        created.append(SysctlInit(f"{name}-sysctl", sysctl, opts).contribution)
    if logs := _log_tail_args(settings, target):
        created.append(LogTailSidecar(f"{name}-logs", logs, opts).contribution)
    return created
