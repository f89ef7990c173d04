"""The checks of a WorkloadTarget's fields: Kubernetes names, label syntax, ports as integers, Outputs."""

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi

from ..settings.checks import dns_label
from ..settings.engine import Problem

_DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_SERVICE_TEXT = (
    "a Service name (DNS-1035 label): lowercase letters, digits and '-', starting with a letter, at most 63 characters"
)
_NAME_FIELDS = ("name", "namespace", "app_container")
_SERVICE_FIELDS = ("service_name", "headless_service_name")
_OUTPUT = (
    "is a Pulumi Output, which only namespace can be: object names and the pod are computed from the other "
    "fields before anything is registered; pass the plain value"
)
CARRIES_OUTPUTS = ("namespace",)


def target_problems(values: Mapping[str, Any], prefix: str) -> Iterator[Problem]:
    """Every problem of a target's field values, keys named `<prefix><field>`."""
    for field, value in values.items():
        if isinstance(value, pulumi.Output) and field not in CARRIES_OUTPUTS:
            yield Problem(f"{prefix}{field}", _OUTPUT)
    # An Output namespace is checked by the API server when its Namespace is created.
    plain = {field: value for field, value in values.items() if not isinstance(value, pulumi.Output)}
    for field in _NAME_FIELDS:
        if field in plain and (problem := _dns_label_problem(plain[field])):
            yield Problem(f"{prefix}{field}", f"{plain[field]!r} is not allowed: {problem}")
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


def _dns_label_problem(value: Any) -> str | None:
    """What is wrong with `value` as a DNS-1123 label (the settings' own check), or None."""
    try:
        dns_label(63)(value if isinstance(value, str) else "")
    except ValueError as error:
        return str(error)
    return None


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
