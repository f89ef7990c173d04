"""What a pattern needs to know about the workload it extends: nothing Elasticsearch-specific."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .settings.engine import KeyStyle, Problem, SettingsError, parse

T = TypeVar("T")


@dataclass(frozen=True)
class WorkloadTarget:
    """A small description of the application a pattern is composed onto."""

    name: str
    """Base name of the application's Kubernetes objects; patterns name theirs `<name>-<role>`."""
    namespace: str
    labels: Mapping[str, str]
    """Selector labels of the application's pods."""
    app_container: str
    """Name of the application's container in the pod."""
    app_port: int
    """The port the application serves its clients on."""
    service_name: str
    """The client Service in front of the pods."""
    headless_service_name: str | None = None
    """The headless Service of a StatefulSet, whose pods have stable DNS names."""
    replicas: int = 1

    @property
    def service_dns_names(self) -> tuple[str, ...]:
        """Every name the client Service answers to inside the cluster, shortest first."""
        return _dns_names(self.service_name, self.namespace)

    @property
    def pod_dns_names(self) -> tuple[str, ...]:
        """Stable per-pod names through the headless Service (StatefulSet only), and its own names."""
        if self.headless_service_name is None:
            return ()
        names = list(_dns_names(self.headless_service_name, self.namespace))
        for ordinal in range(self.replicas):
            pod = f"{self.name}-{ordinal}.{self.headless_service_name}"
            names.extend(_dns_names(pod, self.namespace))
        return tuple(names)


def _dns_names(service: str, namespace: str) -> tuple[str, ...]:
    return (
        service,
        f"{service}.{namespace}",
        f"{service}.{namespace}.svc",
        f"{service}.{namespace}.svc.cluster.local",
    )


def parse_pattern_args(
    settings_class: type[T], args: Mapping[str, Any], origin: str, required: tuple[str, ...] = ()
) -> tuple[T, WorkloadTarget]:
    """A pattern's arguments: its settings (every argument but `target`) and its target; raises SettingsError."""
    raw = {key: value for key, value in args.items() if key != "target"}
    settings = parse(settings_class, raw, origin=origin, style=KeyStyle(), required=required)
    return settings, require_target(args, origin)


def require_target(args: Mapping[str, Any], origin: str) -> WorkloadTarget:
    """A pattern's `target` argument, or SettingsError naming it."""
    target = args.get("target")
    if not isinstance(target, WorkloadTarget):
        raise SettingsError(origin, [Problem("target", "is required: a WorkloadTarget describing the workload")])
    return target
