"""The patterns a stack turns on, composed onto the cluster.

Each pattern has a pure contribution (what it adds to the pod, from plain settings) and a
ComponentResource that owns its resources and exposes the same contribution, with deploy-time
values filled in. `ElasticsearchApp` merges the planned contributions first, so a conflict fails
before anything is registered, then creates the components as its children.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi

from ..logtail.args import LogTailSidecarArgs
from ..logtail.component import LogTailSidecar
from ..podmodel import PodContribution
from ..settings import AppSettings
from ..sysctl.args import SysctlInitArgs
from ..sysctl.component import SysctlInit
from ..target import WorkloadTarget
from ..tls import AmbassadorLayout, TlsAmbassador, TlsAmbassadorArgs, ambassador_contribution
from ..vault.args import VaultSecretsInitArgs
from ..vault.component import VaultSecretsInit
from ..vault.contribution import vault_contribution
from .config import HEALTH_PATH, LOGS_DIR, LOOPBACK_HTTP_PORT, USER_ID, max_map_count
from .pod import LOGS_VOLUME, server_log_files


@dataclass
class Patterns:
    """The pattern components of one cluster, and what they add to its pod."""

    contributions: list[PodContribution] = field(default_factory=list)
    tls: TlsAmbassador | None = None


def _options(settings: Any) -> dict[str, Any]:
    """A pattern's settings as component arguments (the component switches itself on)."""
    return {key: value for key, value in dataclasses.asdict(settings).items() if key != "enabled"}


def _ambassador_layout(target: WorkloadTarget) -> AmbassadorLayout:
    return AmbassadorLayout(target, upstream_port=LOOPBACK_HTTP_PORT, health_path=HEALTH_PATH)


def _tls_args(settings: AppSettings, target: WorkloadTarget) -> TlsAmbassadorArgs | None:
    if not settings.tls.enabled:
        return None
    layout = _ambassador_layout(target)
    args = {**_options(settings.tls), "target": target, "upstream_port": layout.upstream_port}
    return cast(TlsAmbassadorArgs, {**args, "health_path": layout.health_path})


def _vault_args(settings: AppSettings, target: WorkloadTarget) -> VaultSecretsInitArgs | None:
    if not settings.vault.enabled:
        return None
    args = {**_options(settings.vault), "target": target, "kubernetes_version": settings.kubernetes_version}
    return cast(VaultSecretsInitArgs, args)


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
    if settings.vault.enabled:
        planned.append(vault_contribution(settings.vault, target))
    if settings.tls.enabled:
        planned.append(ambassador_contribution(_ambassador_layout(target), settings.tls))
    if logs := _log_tail_args(settings, target):
        planned.append(LogTailSidecar.plan(f"{name}-logs", logs))
    return planned


def create_patterns(name: str, settings: AppSettings, target: WorkloadTarget, opts: pulumi.ResourceOptions) -> Patterns:
    """Create the enabled patterns with `opts` (parent and dependencies), named `<name>-<role>`.

    Order matters for init containers: the node is prepared first, then secrets are fetched.
    """
    patterns = Patterns()
    if sysctl := _sysctl_args(settings, target):
        patterns.contributions.append(SysctlInit(f"{name}-sysctl", sysctl, opts).contribution)
    if vault := _vault_args(settings, target):
        patterns.contributions.append(VaultSecretsInit(f"{name}-vault", vault, opts).contribution)
    if tls := _tls_args(settings, target):
        patterns.tls = TlsAmbassador(f"{name}-tls", tls, opts)
        patterns.contributions.append(patterns.tls.contribution)
    if logs := _log_tail_args(settings, target):
        patterns.contributions.append(LogTailSidecar(f"{name}-logs", logs, opts).contribution)
    return patterns
