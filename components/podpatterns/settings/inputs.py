"""Component arguments as plain values: every argument must be known when the program is planned.

The patterns check the arguments and merge the pod before registering any resource, so that bad input
creates nothing. Python programs pass plain values; an Output cannot be read while the program is being
planned, so it is refused, naming the argument. Other languages reach the components through
`podpatterns.provider`, which settles their Outputs first (keeping their dependencies) and leaves an
Output only where a value is not known yet: refused here in the same way.
"""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pulumi

from .engine import KeyStyle, Problem, SettingsError, closest_key

MUST_BE_KNOWN = (
    "must be known when the program is planned: a plain value, not the output of a resource created by this deployment"
)
MUST_NOT_BE_SECRET = "must not be a secret: it is written in clear into Kubernetes objects"


CARRIED = ("target.namespace",)
"""Arguments kept as Outputs: a WorkloadTarget's namespace goes only where Pulumi resolves Inputs."""


def plain_args(args: Mapping[str, Any], origin: str, accepted: Any) -> dict[str, Any]:
    """A copy of `args` (mappings as dicts, sequences as lists); raises SettingsError naming every Output in them
    (but those CARRIED), and every key that `accepted` (the component's arguments TypedDict) does not have, with
    the closest it has."""
    problems = unknown_keys(args, accepted.__required_keys__ | accepted.__optional_keys__)
    plain = {key: plain_value(value, key, problems) for key, value in args.items()}
    if problems:
        raise SettingsError(origin, problems)
    return plain


def unknown_keys(args: Mapping[str, Any], known: Collection[str]) -> list[Problem]:
    """A problem for each key of `args` not in `known`, spelled as given: `upstreamPort` suggests `upstream_port`."""
    problems = []
    for key in sorted(set(args) - set(known)):
        close = closest_key(str(key), known, KeyStyle())
        hint = f"did you mean '{close}'? " if close else ""
        allowed = ", ".join(sorted(known))
        problems.append(Problem(str(key), f"unknown argument; {hint}arguments are snake_case: {allowed}"))
    return problems


def holds_outputs(value: Any) -> bool:
    """Whether `value` is an Output or holds one in its mappings and sequences, at any depth."""
    problems: list[Problem] = []
    plain_value(value, "", problems)
    return bool(problems)


def plain_value(value: Any, key: str, problems: list[Problem]) -> Any:
    """`value` (at `key`) with every Output refused into `problems`, except the ones CARRIED."""
    if isinstance(value, pulumi.Output) and key in CARRIED:
        return value
    if isinstance(value, pulumi.Output):
        problems.append(Problem(key, MUST_BE_KNOWN))
        return None
    if isinstance(value, Mapping):
        return {k: plain_value(v, f"{key}.{k}", problems) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain_value(v, f"{key}[{i}]", problems) for i, v in enumerate(value)]
    return value
