"""The patterns a stack turns on, composed onto the cluster.

Each pattern has a pure `*_contribution` function (what it adds to the pod, from plain
settings) and a ComponentResource that owns its resources and exposes the same contribution,
with deploy-time values filled in. `ElasticsearchApp` merges the pure contributions first, so a
conflict fails before anything is registered, then creates the components as its children.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pulumi

from ..podmodel import PodContribution
from ..settings import AppSettings
from ..target import WorkloadTarget
from ..tls import AmbassadorLayout, TlsAmbassador, TlsAmbassadorArgs, ambassador_contribution
from .config import HEALTH_PATH, LOOPBACK_HTTP_PORT


@dataclass
class Patterns:
    """The pattern components of one cluster, and what they add to its pod."""

    contributions: list[PodContribution] = field(default_factory=list)
    tls: TlsAmbassador | None = None


def _ambassador_layout(target: WorkloadTarget) -> AmbassadorLayout:
    return AmbassadorLayout(target, upstream_port=LOOPBACK_HTTP_PORT, health_path=HEALTH_PATH)


def planned_contributions(settings: AppSettings, target: WorkloadTarget) -> list[PodContribution]:
    """What the enabled patterns add to the pod, computed without registering anything."""
    planned = []
    if settings.tls.enabled:
        planned.append(ambassador_contribution(_ambassador_layout(target), settings.tls))
    return planned


def create_patterns(name: str, settings: AppSettings, target: WorkloadTarget, opts: pulumi.ResourceOptions) -> Patterns:
    """Create the enabled patterns with `opts` (parent and dependencies), named `<name>-<role>`."""
    patterns = Patterns()
    if settings.tls.enabled:
        layout = _ambassador_layout(target)
        tls_args = TlsAmbassadorArgs(target=target, upstream_port=layout.upstream_port, health_path=layout.health_path)
        tls_args.update({k: v for k, v in dataclasses.asdict(settings.tls).items() if k != "enabled"})  # type: ignore[typeddict-item]
        patterns.tls = TlsAmbassador(f"{name}-tls", tls_args, opts)
        patterns.contributions.append(patterns.tls.contribution)
    return patterns
