"""What a pattern needs to know about the workload it extends: nothing Elasticsearch-specific.

No `from __future__ import annotations` here: the multi-language schema is inferred from these
annotations at run time (WorkloadTarget is the `target` argument's object type).
"""

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi

from .settings.engine import KeyStyle, Problem, SettingsError, parse

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
    """Number of StatefulSet pods named through the headless Service. Default: 1."""

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
        """Stable per-pod names through the headless Service (StatefulSet only), and its own names."""
        if self.headless_service_name is None:
            return ()
        names = list(_dns_names(self.headless_service_name, self.namespace))
        for ordinal in range(self.replicas or 1):
            pod = f"{self.name}-{ordinal}.{self.headless_service_name}"
            names.extend(_dns_names(pod, self.namespace))
        return tuple(names)


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


_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_DNS_LABEL_TEXT = (
    "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, "
    "at most 63 characters"
)
_SERVICE_TEXT = (
    "a Service name (DNS-1035 label): lowercase letters, digits and '-', starting with a letter, at most 63 characters"
)
_NAME_FIELDS = {"name": _DNS_LABEL, "namespace": _DNS_LABEL, "app_container": _DNS_LABEL}
_SERVICE_FIELDS = ("service_name", "headless_service_name")
_OUTPUT = (
    "is a Pulumi Output, which only namespace can be: object names and the pod are computed from the other "
    "fields before anything is registered; pass the plain value"
)
_CARRIES_OUTPUTS = ("namespace",)


def target_problems(values: Mapping[str, Any], prefix: str) -> Iterator[Problem]:
    """Every problem of a target's field values, keys named `<prefix><field>`."""
    for field, value in values.items():
        if isinstance(value, pulumi.Output) and field not in _CARRIES_OUTPUTS:
            yield Problem(f"{prefix}{field}", _OUTPUT)
    # An Output namespace is checked by the API server when its Namespace is created.
    plain = {field: value for field, value in values.items() if not isinstance(value, pulumi.Output)}
    for field, pattern in _NAME_FIELDS.items():
        if field in plain and not _matches(pattern, plain[field]):
            yield Problem(f"{prefix}{field}", f"{plain[field]!r} is not allowed: must be {_DNS_LABEL_TEXT}")
    for field in _SERVICE_FIELDS:
        value = plain.get(field)
        if value is not None and not _matches(_DNS_1035_LABEL, value):
            yield Problem(f"{prefix}{field}", f"{value!r} is not allowed: must be {_SERVICE_TEXT}")
    if "labels" in plain:
        yield from (Problem(f"{prefix}labels", problem) for problem in _label_problems(plain["labels"]))
    if "app_port" in plain and not _whole_number(plain["app_port"], 1, 65535):
        yield Problem(f"{prefix}app_port", f"{plain['app_port']!r} is not allowed: must be an int from 1 to 65535")
    replicas = plain.get("replicas")
    if replicas is not None and not _whole_number(replicas, 1, None):
        yield Problem(f"{prefix}replicas", f"{replicas!r} is not allowed: must be an int of at least 1")


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.match(value) is not None


def _whole_number(value: Any, minimum: int, maximum: int | None) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False  # "8080" or 8080.0 would be rendered as they are: a number the API server refuses
    return minimum <= value and (maximum is None or value <= maximum)


def _label_problems(labels: Any) -> Iterator[str]:
    """Kubernetes label syntax: keys `[prefix/]name`, values at most 63 characters; at least one (a selector)."""
    if not isinstance(labels, Mapping) or not labels:
        yield f"{labels!r} is not allowed: must be a non-empty mapping of label keys to values (the pods' selector)"
        return
    for key, value in labels.items():
        if isinstance(key, pulumi.Output) or isinstance(value, pulumi.Output):
            yield f"label {key!r} {_OUTPUT}"
            continue
        prefix, slash, name = key.rpartition("/") if isinstance(key, str) else ("", "", "")
        if not _matches(_LABEL_NAME, name) or (slash and (len(prefix) > 253 or not _matches(_DNS_SUBDOMAIN, prefix))):
            yield (
                f"label key {key!r} is not allowed: must be an optional DNS subdomain prefix and '/', then a name of "
                "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
            )
        if not isinstance(value, str) or (value and not _LABEL_NAME.match(value)):
            yield (
                f"label value {value!r} (key {key!r}) is not allowed: must be text of at most 63 letters, digits, "
                "'-', '_' or '.', starting and ending with a letter or digit, or empty"
            )


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
        if isinstance(value, pulumi.Output) and name in _CARRIES_OUTPUTS:
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
