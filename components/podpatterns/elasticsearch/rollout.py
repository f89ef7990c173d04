"""The workload's resource options for day 2: how long `pulumi up` waits for a rollout, and what it refuses."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pulumi

from ..settings import AppSettings
from .guard import UnsafeChangeError, refusals

CLAIM_TEMPLATES = "spec.volumeClaimTemplates"
"""Immutable in a StatefulSet: a change there would make the engine delete and recreate it, every node at once."""


def rollout_timeout_seconds(settings: AppSettings) -> int:
    """A whole rolling update: each node in turn stops, starts and waits for green (rollout.secondsPerNode)."""
    return settings.elasticsearch.nodes * settings.rollout.seconds_per_node


def guard(name: str, voting_exclusions: Sequence[str]) -> Callable[[pulumi.ResourceHookArgs], None]:
    """The `before_update` hook of ElasticsearchApp `name`'s StatefulSet: raises UnsafeChangeError on a refusal."""

    def check(args: pulumi.ResourceHookArgs) -> None:
        problems = refusals(args.old_inputs or {}, args.new_inputs or {}, voting_exclusions)
        if problems:
            raise UnsafeChangeError(
                f"ElasticsearchApp '{name}': refusing to update the StatefulSet:\n" + "\n".join(problems)
            )

    return check


def workload_options(name: str, settings: AppSettings) -> pulumi.ResourceOptions:
    """customTimeouts for every workload; for a StatefulSet also the guard run before every update (and preview),
    and no change through its claim templates (storage grows by claim patches, see objects.claim_patches)."""
    seconds = f"{rollout_timeout_seconds(settings)}s"
    timeouts = pulumi.CustomTimeouts(create=seconds, update=seconds)
    if settings.elasticsearch.workload != "StatefulSet":
        return pulumi.ResourceOptions(custom_timeouts=timeouts)
    check = guard(name, settings.rollout.voting_exclusions)
    hook = pulumi.ResourceHook(f"{name}-workload-guard", check, pulumi.ResourceHookOptions(on_dry_run=True))
    return pulumi.ResourceOptions(
        custom_timeouts=timeouts,
        ignore_changes=[CLAIM_TEMPLATES],
        hooks=pulumi.ResourceHookBinding(before_update=[hook]),
    )
