"""A pod contribution as plain data, the `podContribution` output every pattern hands to other Pulumi languages.

No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
Keys are snake_case here and camelCase in the schema (the SDK maps them); the Kubernetes objects inside
(containers, volumes, mounts, env, ports) are Kubernetes JSON, camelCase, as in a manifest.
"""

import dataclasses
from collections.abc import Mapping
from typing import Any, Required, TypedDict

import pulumi

from ..settings.engine import KeyStyle, Problem, SettingsError
from ..settings.inputs import MUST_BE_KNOWN, plain_value
from .model import PodContribution


class PodContributionData(TypedDict, total=False):
    """What a pattern adds to a workload's pod: merge it into the pod template with PodTemplateMerge."""

    source: Required[str]
    """Who contributes, as conflict messages name it, e.g. TlsAmbassador 'orders-tls' on orders. Required."""
    containers: list[dict[str, Any]]
    """Regular containers (Kubernetes JSON), running beside the application for the pod's whole life."""
    init_containers: list[dict[str, Any]]
    """Classic init containers: each runs to completion, in order, before anything else starts."""
    native_sidecars: list[dict[str, Any]]
    """Sidecars started before the application and stopped after it (restartPolicy Always, Kubernetes 1.29+)."""
    volumes: list[dict[str, Any]]
    """Pod volumes (Kubernetes JSON)."""
    app_volume_mounts: list[dict[str, Any]]
    """Volume mounts added to the application's container."""
    app_env: list[dict[str, Any]]
    """Environment variables added to the application's container."""
    container_volume_mounts: dict[str, list[dict[str, Any]]]
    """Volume mounts added to other containers of the pod, by container name."""
    service_ports: list[dict[str, Any]]
    """Ports to add to the application's client Service."""
    pod_annotations: dict[str, str]
    """Pod annotations, e.g. pod-patterns.io/tls-sha256 (certificate and nginx configuration): rolls the pods."""
    loopback_ports: dict[str, list[int]]
    """Ports a container listens on at 127.0.0.1 only, by container name (taken in the pod, not in its spec)."""
    loopback_connections: dict[str, list[int]]
    """Ports a container connects to at 127.0.0.1, by container name."""
    pod_sysctls: list[dict[str, Any]]
    """Namespaced sysctls for the pod's securityContext.sysctls (name and value)."""
    service_account_name: str
    """The pod's ServiceAccount (at most one contribution may set it)."""


DATA_FIELDS = tuple(field for field in dataclasses.fields(PodContribution) if field.metadata.get("data", True))
"""The fields of a PodContribution that its data form (PodContributionData) carries."""


def contribution_data(contribution: PodContribution) -> PodContributionData:
    """`contribution` as plain data; empty parts left out, annotation values may stay Outputs."""
    data: dict[str, Any] = {}
    for field in DATA_FIELDS:
        value = getattr(contribution, field.name)
        if value:
            data[field.name] = _plain(value)
    return data  # type: ignore[return-value]


def contribution_from_data(data: Mapping[str, Any]) -> PodContribution:
    """A PodContribution from its data (snake_case keys); whole numbers that arrived as floats become integers."""
    fields = dict(data)
    for ports_by_container in ("loopback_ports", "loopback_connections"):
        if ports_by_container in fields:
            fields[ports_by_container] = {c: [int(p) for p in ps] for c, ps in fields[ports_by_container].items()}
    return PodContribution(**fields)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


_CONTRIBUTION_KEYS = {KeyStyle(camel_case=True).spell(f.name): f.name for f in DATA_FIELDS}
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
            _CONTRIBUTION_KEYS[k]: dict(v) if k == "podAnnotations" else plain_value(v, f"{key}.{k}", problems)
            for k, v in value.items()
        }
        if len(problems) == known_before:
            contributions.append(contribution_from_data(fields))
    if problems:
        raise SettingsError(origin, problems)
    return contributions
