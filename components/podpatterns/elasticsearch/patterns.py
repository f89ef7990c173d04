"""The patterns a stack turns on, composed onto the cluster.

Each pattern has a pure `*_contribution` function (what it adds to the pod, from plain
settings) and a ComponentResource that owns its resources and exposes the same contribution,
with deploy-time values filled in. `ElasticsearchApp` merges the pure contributions first, so a
conflict fails before anything is registered, then creates the components as its children.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import pulumi

from ..podmodel import PodContribution
from ..settings import AppSettings
from ..target import WorkloadTarget
from ..vault.args import VaultSecretsInitArgs
from ..vault.component import VaultSecretsInit
from ..vault.contribution import vault_contribution


def planned_contributions(settings: AppSettings, target: WorkloadTarget) -> list[PodContribution]:
    """What the enabled patterns add to the pod, computed without registering anything."""
    contributions = []
    if settings.vault.enabled:
        contributions.append(vault_contribution(settings.vault, target))
    return contributions


def create_patterns(
    parent: pulumi.Resource, name: str, settings: AppSettings, target: WorkloadTarget
) -> list[PodContribution]:
    """Create the enabled patterns as children of `parent`, named `<name>-<role>`; their contributions."""
    contributions = []
    if settings.vault.enabled:
        options = {**_options(settings.vault), "target": target, "kubernetes_version": settings.kubernetes_version}
        vault = VaultSecretsInit(
            f"{name}-vault", cast(VaultSecretsInitArgs, options), pulumi.ResourceOptions(parent=parent)
        )
        contributions.append(vault.contribution)
    return contributions


def _options(settings: Any) -> dict[str, Any]:
    """A pattern's settings as component arguments (the component switches itself on)."""
    return {key: value for key, value in dataclasses.asdict(settings).items() if key != "enabled"}
