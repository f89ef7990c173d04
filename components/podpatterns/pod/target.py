"""What a pattern needs to know about the workload it extends: nothing Elasticsearch-specific.

No `from __future__ import annotations` here: the multi-language schema is inferred from these
annotations at run time (WorkloadTarget is the `target` argument's object type).
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi

from ..settings.engine import KeyStyle, Problem, SettingsError, parse
from .target_checks import CARRIES_OUTPUTS, target_problems

T = TypeVar("T")


@dataclass(frozen=True)
class WorkloadTarget:
    """A small description of the application a pattern is composed onto.

    Checked where it is built: a bad field raises SettingsError naming it and what is allowed. Only
    `namespace` may be a Pulumi Output (a Namespace's `metadata.name`, which then also orders the
    patterns' objects after it): it goes only into object metadata and certificate names, which Pulumi
    resolves at deploy time. The other fields shape object names and the pod, computed before anything
    is registered, so they must be known when the program is planned.
    """

    name: str
    """Base name of the application's Kubernetes objects; patterns name theirs `<name>-<role>`. Required."""
    namespace: pulumi.Input[str]
    """Namespace of the application's pods and Services; patterns create their objects there. Required."""
    labels: Mapping[str, str]
    """Selector labels of the application's pods. Required."""
    app_container: str
    """Name of the application's container in the pod. Required."""
    app_port: int
    """The port the application serves its clients on. Required."""
    service_name: str
    """The client Service in front of the pods. Required."""
    headless_service_name: str | None = None
    """The headless Service of a StatefulSet, whose pods have stable DNS names. Default: none."""
    replicas: int | None = None
    """Number of StatefulSet pods (their names are covered by wildcard, see pod_dns_names). Default: 1."""

    def __post_init__(self) -> None:
        problems = list(target_problems(vars(self), ""))
        if problems:
            raise SettingsError("WorkloadTarget", problems)

    @property
    def service_dns_names(self) -> tuple[pulumi.Input[str], ...]:
        """Every name the client Service answers to inside the cluster, shortest first."""
        return _dns_names(self.service_name, self.namespace)

    @property
    def pod_dns_names(self) -> tuple[pulumi.Input[str], ...]:
        """The headless Service's own names (StatefulSet only), and its pods' stable names by wildcard
        (`*.<headless>.<namespace>.svc`, ...): scaling adds pods without changing a certificate's names."""
        if self.headless_service_name is None:
            return ()
        names = _dns_names(self.headless_service_name, self.namespace)
        return (*names, *(_wildcard(name) for name in names))


def _wildcard(name: pulumi.Input[str]) -> pulumi.Input[str]:
    return f"*.{name}" if isinstance(name, str) else pulumi.Output.concat("*.", name)


def _dns_names(service: str, namespace: pulumi.Input[str]) -> tuple[pulumi.Input[str], ...]:
    suffixes = ("", ".svc", ".svc.cluster.local")
    if isinstance(namespace, str):
        return (service, *(f"{service}.{namespace}{suffix}" for suffix in suffixes))
    return (service, *(pulumi.Output.concat(service, ".", namespace, suffix) for suffix in suffixes))


def parse_pattern_args(
    settings_class: type[T], args: Mapping[str, Any], origin: str, required: tuple[str, ...] = ()
) -> tuple[T, WorkloadTarget]:
    """A pattern's arguments: its settings (every argument but `target`) and its target; raises SettingsError."""
    raw = {key: value for key, value in args.items() if key != "target"}
    settings = parse(settings_class, raw, origin=origin, style=KeyStyle(), required=required)
    return settings, require_target(args, origin)


def require_target(args: Mapping[str, Any], origin: str) -> WorkloadTarget:
    """A pattern's `target` argument, or SettingsError naming it.

    From Python it is a WorkloadTarget; through the component host (other languages) it arrives as a
    mapping of its fields, with whole numbers as floats.
    """
    target = args.get("target")
    if isinstance(target, WorkloadTarget):
        return target
    if isinstance(target, Mapping):
        return _target_from_mapping(target, origin)
    raise SettingsError(origin, [Problem("target", "is required: a WorkloadTarget describing the workload")])


_TARGET_FIELDS = {field.name: field for field in dataclasses.fields(WorkloadTarget)}
_TARGET_TYPES = {"app_port": int, "replicas": int, "labels": Mapping}


def _target_from_mapping(raw: Mapping[str, Any], origin: str) -> WorkloadTarget:
    problems = [Problem(f"target.{key}", "unknown key") for key in sorted(set(raw) - set(_TARGET_FIELDS))]
    values: dict[str, Any] = {}
    bad_types: set[str] = set()
    for name, field in _TARGET_FIELDS.items():
        value = raw.get(name)
        if value is None:
            if field.default is dataclasses.MISSING:
                problems.append(Problem(f"target.{name}", "is required"))
            continue
        wanted = _TARGET_TYPES.get(name, str)
        if isinstance(value, pulumi.Output) and name in CARRIES_OUTPUTS:
            values[name] = value
            continue
        if wanted is int and isinstance(value, float) and value.is_integer():
            value = int(value)  # the component host sends every number as a float
        if not isinstance(value, wanted) or isinstance(value, bool):
            problems.append(Problem(f"target.{name}", f"{value!r} is not allowed: expected {wanted.__name__}"))
            bad_types.add(name)
        values[name] = value
    problems += target_problems({name: value for name, value in values.items() if name not in bad_types}, "target.")
    if problems:
        raise SettingsError(origin, problems)
    return WorkloadTarget(**values)
