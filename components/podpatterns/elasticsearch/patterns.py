"""The patterns a stack turns on, composed onto the cluster.

Each pattern has a pure `*_contribution` function (what it adds to the pod, from plain
settings) and a ComponentResource that owns its resources and exposes the same contribution,
with deploy-time values filled in. `ElasticsearchApp` merges the pure contributions first, so a
conflict fails before anything is registered, then creates the components as its children.
"""

from __future__ import annotations

import pulumi

from ..metrics import PrometheusAdapter
from ..metrics.component import parse_adapter_args
from ..metrics.contribution import adapter_contribution
from ..podmodel import PodContribution
from ..settings import AppSettings
from ..target import WorkloadTarget
from .metrics import adapter_args


def planned_contributions(settings: AppSettings, target: WorkloadTarget) -> list[PodContribution]:
    """What the enabled patterns add to the pod, computed without registering anything."""
    contributions = []
    if settings.metrics.enabled:
        name = f"{target.name}-metrics"
        exporter, _, _ = parse_adapter_args(name, adapter_args(settings, target))
        contributions.append(adapter_contribution(exporter, target, f"PrometheusAdapter '{name}'"))
    return contributions


def create_patterns(
    parent: pulumi.Resource, name: str, settings: AppSettings, target: WorkloadTarget
) -> list[PodContribution]:
    """Create the enabled patterns as children of `parent`, named `<name>-<role>`; their contributions."""
    contributions = []
    if settings.metrics.enabled:
        adapter = PrometheusAdapter(
            f"{name}-metrics", adapter_args(settings, target), pulumi.ResourceOptions(parent=parent)
        )
        contributions.append(adapter.contribution)
    return contributions
