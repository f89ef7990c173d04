"""The workload's resource options for day 2: how long `pulumi up` waits for a rollout, and what it refuses."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi

from ..pod.model import Manifest
from .guard import UnsafeChangeError, identity_refusals, refusals, workload_identity
from .settings import AppSettings

CLAIM_TEMPLATES = "spec.volumeClaimTemplates"
"""Immutable in a StatefulSet: a change there would make the engine delete and recreate it, every node at once."""


def rollout_timeout_seconds(settings: AppSettings) -> int:
    """A whole rolling update: each node in turn stops, starts and waits for green (rollout.secondsPerNode)."""
    return settings.elasticsearch.nodes * settings.rollout.seconds_per_node


def guard(name: str, voting_exclusions: Sequence[str]) -> Callable[[pulumi.ResourceHookArgs], None]:
    """The `before_update` hook of ElasticsearchApp `name`'s StatefulSet: raises UnsafeChangeError on a refusal."""
    return _refusing(name, "update", lambda old, new: refusals(old, new, voting_exclusions))


def identity_guard(name: str) -> Callable[[pulumi.ResourceHookArgs], None]:
    """The `before_update` hook of ElasticsearchApp `name`'s identity Stash: refuses what would replace it."""
    return _refusing(name, "replace", lambda old, new: identity_refusals(old.get("input", {}), new.get("input", {})))


def _refusing(
    name: str, action: str, judge: Callable[[Mapping[str, Any], Mapping[str, Any]], list[str]]
) -> Callable[[pulumi.ResourceHookArgs], None]:
    def check(args: pulumi.ResourceHookArgs) -> None:
        problems = judge(args.old_inputs or {}, args.new_inputs or {})
        if problems:
            raise UnsafeChangeError(
                f"ElasticsearchApp '{name}': refusing to {action} the StatefulSet:\n" + "\n".join(problems)
            )

    return check


def guarded_identity(name: str, workload: Manifest, opts: pulumi.ResourceOptions) -> pulumi.Stash:
    """The workload's identity kept in the state, guarded: register it first and make every other child depend on it.

    A Stash is updated in place whatever changes in it, so its `before_update` hook (run on previews too) sees the
    identity of the last deploy beside the new one, where a replaced StatefulSet's own hooks would not run. As every
    child waits for it, a refusal stops the update before anything is created or replaced, even with --skip-preview.
    """
    hook = pulumi.ResourceHook(
        f"{name}-identity-guard", identity_guard(name), pulumi.ResourceHookOptions(on_dry_run=True)
    )
    bound = pulumi.ResourceOptions(hooks=pulumi.ResourceHookBinding(before_update=[hook]))
    return pulumi.Stash(
        f"{name}-identity", input=workload_identity(workload), opts=pulumi.ResourceOptions.merge(opts, bound)
    )


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
