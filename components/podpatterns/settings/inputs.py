"""Component arguments as plain values, whatever the caller passed: `pulumi.Input`s resolved where they are known.

Every argument of every component must be known when the program is planned: the patterns check
the arguments and merge the pod before registering any resource, so that bad input creates nothing.
Python programs pass plain values. The component host (TypeScript, Go, C#, YAML programs) hands an
argument over as an Output when it carries dependencies or is a secret; its value is then already
there, and is taken from it. An Output whose value is not known yet (another resource's output during
preview) or that is a secret (it would be written in clear into Kubernetes objects) is refused, naming
the argument.
"""

import asyncio
import dataclasses
import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pulumi
from pulumi.runtime.rpc import contains_unknowns

from ..podmodel import PodContribution
from .engine import Problem, SettingsError

_UNKNOWN = (
    "must be known when the program is planned: a plain value, not the output of a resource created by this deployment"
)
_SECRET = "must not be a secret: it is written in clear into Kubernetes objects"
_CARRIED = ("target.namespace",)
"""Arguments kept as Outputs: a WorkloadTarget's namespace goes only where Pulumi resolves Inputs."""


def plain_args(args: Mapping[str, Any], origin: str, accepted: Any) -> dict[str, Any]:
    """`args` with every Output, at any depth, replaced by its value; raises SettingsError naming any that cannot be,
    and every key that `accepted` (the component's arguments TypedDict) does not have, with the closest it has."""
    problems = unknown_keys(args, accepted.__required_keys__ | accepted.__optional_keys__)
    plain = {key: _plain(value, key, problems) for key, value in args.items()}
    if problems:
        raise SettingsError(origin, problems)
    return plain


def unknown_keys(args: Mapping[str, Any], known: Collection[str]) -> list[Problem]:
    """A problem for each key of `args` not in `known`, spelled as given: `upstreamPort` suggests `upstream_port`."""
    problems = []
    for key in sorted(set(args) - set(known)):
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", str(key)).lower()
        close = [snake] if snake in known else difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        allowed = ", ".join(sorted(known))
        problems.append(Problem(str(key), f"unknown argument; {hint}arguments are snake_case: {allowed}"))
    return problems


def _plain(value: Any, key: str, problems: list[Problem]) -> Any:
    if isinstance(value, pulumi.Output) and key in _CARRIED:
        return value
    if isinstance(value, pulumi.Output):
        value = _settled_value(value, key, problems)
    if isinstance(value, Mapping):
        return {k: _plain(v, f"{key}.{k}", problems) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v, f"{key}[{i}]", problems) for i, v in enumerate(value)]
    return value


def _settled_value(output: pulumi.Output[Any], key: str, problems: list[Problem]) -> Any:
    """The value of an Output that is already resolved (as the host's are), without waiting for it."""
    # The SDK exposes an Output's value only through awaiting; the host's Outputs wrap a finished future.
    data = getattr(output, "_data", None)
    if not isinstance(data, asyncio.Future) or not data.done() or data.cancelled() or data.exception() is not None:
        problems.append(Problem(key, _UNKNOWN))
        return None
    result = data.result()
    if not result.is_known or contains_unknowns(result.value):
        problems.append(Problem(key, _UNKNOWN))
        return None
    if result.is_secret:
        problems.append(Problem(key, _SECRET))
        return None
    return result.value


_CONTRIBUTION_KEYS = {
    "".join(part.capitalize() if i else part for i, part in enumerate(f.name.split("_"))): f.name
    for f in dataclasses.fields(PodContribution)
}
"""camelCase key (as other Pulumi languages spell it) to field name."""


def contributions_from_args(values: Sequence[Any], origin: str) -> list[PodContribution]:
    """ElasticsearchApp's `contributions`: PodContributions from Python, camelCase mappings from other languages."""
    contributions, problems = [], []
    for index, value in enumerate(values):
        if isinstance(value, PodContribution):
            contributions.append(value)
            continue
        key = f"contributions[{index}]"
        if not isinstance(value, Mapping) or not isinstance(value.get("source"), str):
            problems.append(Problem(key, "must be a PodContribution, or a mapping with at least a source name"))
            continue
        unknown = sorted(set(value) - set(_CONTRIBUTION_KEYS))
        if unknown:
            allowed = ", ".join(_CONTRIBUTION_KEYS)
            problems.append(Problem(key, f"unknown keys {', '.join(unknown)}; allowed keys: {allowed}"))
            continue
        fields = {_CONTRIBUTION_KEYS[k]: v for k, v in value.items()}
        for ports_by_container in ("loopback_ports", "loopback_connections"):
            if ports_by_container in fields:  # the component host sends every number as a float
                fields[ports_by_container] = {c: [int(p) for p in ps] for c, ps in fields[ports_by_container].items()}
        contributions.append(PodContribution(**fields))
    if problems:
        raise SettingsError(origin, problems)
    return contributions
