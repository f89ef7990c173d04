"""Component arguments as plain values: every argument must be known when the program is planned.

The patterns check the arguments and merge the pod before registering any resource, so that bad input
creates nothing. Python programs pass plain values; an Output cannot be read while the program is being
planned, so it is refused, naming the argument. Other languages reach the components through
`podpatterns.provider`, which settles their Outputs first (keeping their dependencies) and leaves an
Output only where a value is not known yet: refused here in the same way.
"""

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pulumi

from ..contribution_data import contribution_from_data
from ..podmodel import PodContribution
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
    plain = {key: _plain(value, key, problems) for key, value in args.items()}
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
    _plain(value, "", problems)
    return bool(problems)


def _plain(value: Any, key: str, problems: list[Problem]) -> Any:
    if isinstance(value, pulumi.Output) and key in CARRIED:
        return value
    if isinstance(value, pulumi.Output):
        problems.append(Problem(key, MUST_BE_KNOWN))
        return None
    if isinstance(value, Mapping):
        return {k: _plain(v, f"{key}.{k}", problems) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v, f"{key}[{i}]", problems) for i, v in enumerate(value)]
    return value


_CONTRIBUTION_KEYS = {KeyStyle(camel_case=True).spell(f.name): f.name for f in dataclasses.fields(PodContribution)}
"""camelCase key (as other Pulumi languages spell it) to field name."""


def contributions_from_args(values: Any, origin: str) -> list[PodContribution]:
    """ElasticsearchApp's `contributions`: PodContributions from Python, camelCase mappings from other languages."""
    if isinstance(values, pulumi.Output):
        raise SettingsError(origin, [Problem("contributions", MUST_BE_KNOWN)])
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
        # Annotation values may be Outputs (a TlsAmbassador's rotation hash): they only reach the pod template.
        known_before = len(problems)
        fields: dict[str, Any] = {
            _CONTRIBUTION_KEYS[k]: dict(v) if k == "podAnnotations" else _plain(v, f"{key}.{k}", problems)
            for k, v in value.items()
        }
        if len(problems) == known_before:
            contributions.append(contribution_from_data(fields))
    if problems:
        raise SettingsError(origin, problems)
    return contributions
