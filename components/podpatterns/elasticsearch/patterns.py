"""The patterns a stack turns on, composed onto the cluster.

Each pattern has a pure `*_contribution` function (what it adds to the pod, from plain
settings) and a ComponentResource that owns its resources and exposes the same contribution,
with deploy-time values filled in. `ElasticsearchApp` merges the pure contributions first, so a
conflict fails before anything is registered, then creates the components as its children.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi

from ..podmodel import PodContribution
from ..settings import AppSettings
from ..target import WorkloadTarget
from ..tls import AmbassadorLayout, TlsAmbassador, TlsAmbassadorArgs, ambassador_contribution
from ..vault.args import VaultSecretsInitArgs
from ..vault.component import VaultSecretsInit
from ..vault.contribution import vault_contribution
from .config import HEALTH_PATH, LOOPBACK_HTTP_PORT


@dataclass
class Patterns:
    """The pattern components of one cluster, and what they add to its pod."""

    contributions: list[PodContribution] = field(default_factory=list)
    tls: TlsAmbassador | None = None


def _ambassador_layout(target: WorkloadTarget) -> AmbassadorLayout:
    return AmbassadorLayout(target, upstream_port=LOOPBACK_HTTP_PORT, health_path=HEALTH_PATH)


def _options(settings: Any) -> dict[str, Any]:
    """A pattern's settings as component arguments (the component switches itself on)."""
    return {key: value for key, value in dataclasses.asdict(settings).items() if key != "enabled"}


def planned_contributions(settings: AppSettings, target: WorkloadTarget) -> list[PodContribution]:
    """What the enabled patterns add to the pod, computed without registering anything."""
    planned = []
    if settings.tls.enabled:
        planned.append(ambassador_contribution(_ambassador_layout(target), settings.tls))
    if settings.vault.enabled:
        planned.append(vault_contribution(settings.vault, target))
    return planned


def create_patterns(name: str, settings: AppSettings, target: WorkloadTarget, opts: pulumi.ResourceOptions) -> Patterns:
    """Create the enabled patterns with `opts` (parent and dependencies), named `<name>-<role>`."""
    patterns = Patterns()
    if settings.tls.enabled:
        layout = _ambassador_layout(target)
        tls_args = {
            **_options(settings.tls),
            "target": target,
            "upstream_port": layout.upstream_port,
            "health_path": layout.health_path,
        }
        patterns.tls = TlsAmbassador(f"{name}-tls", cast(TlsAmbassadorArgs, tls_args), opts)
        patterns.contributions.append(patterns.tls.contribution)
    if settings.vault.enabled:
        vault_args = {**_options(settings.vault), "target": target, "kubernetes_version": settings.kubernetes_version}
        vault = VaultSecretsInit(f"{name}-vault", cast(VaultSecretsInitArgs, vault_args), opts)
        patterns.contributions.append(vault.contribution)
    return patterns
