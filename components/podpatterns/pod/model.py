"""The pod model: what each pattern adds to a pod, and the one function that merges it all.

Pure data and functions, no Pulumi resources. Containers, volumes and ports are plain
Kubernetes JSON (camelCase dicts), exactly as they appear in the rendered manifests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..settings.engine import ArgumentError

Manifest = dict[str, Any]
"""A Kubernetes object or sub-object as plain JSON-compatible data (camelCase keys)."""


class PodConflictError(ArgumentError):
    """Two parts of a pod claim the same port, name or path."""


@dataclass(frozen=True)
class PodContribution:
    """What one pattern (or the application itself) adds to a pod.

    `source` names the contributor in error messages, e.g. "TlsAmbassador 'search-tls'".
    """

    source: str
    containers: Sequence[Manifest] = ()
    """Regular containers, running beside the application for the pod's whole life."""
    init_containers: Sequence[Manifest] = ()
    """Classic init containers: each runs to completion, in order, before anything else starts."""
    native_sidecars: Sequence[Manifest] = ()
    """Sidecars started before the app and stopped after it (`restartPolicy: Always`, Kubernetes 1.29+)."""
    volumes: Sequence[Manifest] = ()
    app_volume_mounts: Sequence[Manifest] = ()
    """Mounts added to the application container."""
    app_env: Sequence[Manifest] = ()
    """Environment variables added to the application container."""
    container_volume_mounts: Mapping[str, Sequence[Manifest]] = field(default_factory=dict)
    """Mounts added to other containers of the pod, by container name: a volume this contribution
    declares, shared with a container another contribution provides."""
    service_ports: Sequence[Manifest] = ()
    """Ports added to the application's client Service."""
    pod_annotations: Mapping[str, str] = field(default_factory=dict)
    loopback_ports: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """Ports a container listens on at 127.0.0.1 only, by container name: not declared in the
    pod spec (nothing outside the pod can reach them) but still taken in the pod's network namespace."""
    loopback_connections: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """Ports a container connects to at 127.0.0.1, by container name: who talks to whom inside the pod
    (drawn in the render's pod diagrams, to the container that declares the port)."""
    pod_sysctls: Sequence[Manifest] = ()
    """Namespaced sysctls for the pod's `securityContext.sysctls` ({"name": ..., "value": ...})."""
    service_account_name: str | None = None
    """The pod's ServiceAccount; at most one contribution may set it."""
    app_listen_port: int | None = field(default=None, metadata={"data": False})
    """Where the application itself listens when this contribution moves it (the TLS ambassador: the loopback
    port it proxies to); None leaves it at the target's `app_port`. A PodBuilder gives it to the preStop hooks of
    classic sidecars, which wait until the app has closed it. Not part of the data form (PodTemplateMerge takes
    the pod as the workload declares it)."""


@dataclass(frozen=True)
class MergedPod:
    """The merged parts of one pod template, ready for a workload's `spec.template`."""

    containers: list[Manifest]
    init_containers: list[Manifest]
    volumes: list[Manifest]
    service_ports: list[Manifest]
    annotations: dict[str, str]
    sysctls: list[Manifest]
    service_account_name: str | None
    app_container: str = ""
    loopback_ports: dict[str, list[int]] = field(default_factory=dict)
    """Ports each container listens on at 127.0.0.1 only (not in the pod spec), by container name."""
    loopback_connections: dict[str, list[int]] = field(default_factory=dict)
    """Ports each container connects to at 127.0.0.1, by container name."""

    def pod_spec(self, security_context: Manifest | None = None) -> Manifest:
        """The pod's `spec`: containers, init containers, volumes, ServiceAccount, and `security_context`
        (pod-level: fsGroup, runAsNonRoot, seccompProfile, ...) with the merged sysctls."""
        context = {**(security_context or {}), **({"sysctls": self.sysctls} if self.sysctls else {})}
        spec: Manifest = {"containers": self.containers}
        if self.init_containers:
            spec["initContainers"] = self.init_containers
        if self.volumes:
            spec["volumes"] = self.volumes
        if context:
            spec["securityContext"] = context
        if self.service_account_name:
            spec["serviceAccountName"] = self.service_account_name
        return spec


_observers: ContextVar[tuple[list[MergedPod], ...]] = ContextVar("merged_pod_observers", default=())


@contextmanager
def observe_merged_pods() -> Iterator[list[MergedPod]]:
    """Every pod `merge_pod` returns while in the block, in this context and the tasks it starts.

    The offline render draws its pod diagrams from them: what a pod spec cannot say (loopback
    listeners, who connects to whom) is known only to the contributions.
    """
    pods: list[MergedPod] = []
    token = _observers.set((*_observers.get(), pods))
    try:
        yield pods
    finally:
        _observers.reset(token)


@dataclass
class _Claims:
    """Who took what so far, for error messages that name both parties."""

    owners: dict[object, str] = field(default_factory=dict)

    def take(self, what: object, owner: str, describe: str, advice: str) -> None:
        if what in self.owners:
            raise PodConflictError(f"{describe} is claimed by {self.owners[what]} and by {owner}: {advice}")
        self.owners[what] = owner


def merge_pod(
    app_container: str, contributions: Sequence[PodContribution], claim_templates: Sequence[str] = ()
) -> MergedPod:
    """Merge contributions into one pod, the application's first.

    `app_container` names the container that receives `app_env` and `app_volume_mounts`;
    `claim_templates` names the StatefulSet volume claims that mounts may use besides volumes.
    Classic init containers run first, in contribution order, then native sidecars start.
    Raises PodConflictError naming both parties for: a port taken twice in the pod's shared
    network namespace, a container or volume name used twice, two mounts at one path in one
    container, an env variable or annotation set twice, a Service port or port name used twice,
    a mount of a volume nobody declared, or a loopback connection from a container nobody provides.
    """
    containers = [_copy(c, contribution) for contribution in contributions for c in contribution.containers]
    init_containers = [_copy(c, contribution) for contribution in contributions for c in contribution.init_containers]
    sidecars = [
        {**_copy(c, contribution), "restartPolicy": "Always"}
        for contribution in contributions
        for c in contribution.native_sidecars
    ]
    app = _find_app(app_container, containers)
    _extend_app(app, contributions)

    everything = containers + init_containers + sidecars
    _mount_into_named(everything, contributions)
    _check_container_names(everything)
    volumes = _merge_volumes(contributions)
    _check_mounts(everything, {v["name"] for v in volumes} | set(claim_templates))
    _check_ports(containers + sidecars, contributions)
    connections = _by_container(contributions, "loopback_connections")
    _check_connections(connections, {c["name"] for c in everything})
    pod = MergedPod(
        containers=[_strip(c) for c in containers],
        init_containers=[_strip(c) for c in init_containers + sidecars],
        volumes=volumes,
        service_ports=_merge_service_ports(contributions),
        annotations=_merge_annotations(contributions),
        sysctls=_merge_sysctls(contributions),
        service_account_name=_merge_service_account(contributions),
        app_container=app_container,
        loopback_ports=_by_container(contributions, "loopback_ports"),
        loopback_connections=connections,
    )
    for observed in _observers.get():
        observed.append(pod)
    return pod


_SOURCE = "__source__"  # carried on copies while merging, removed before output


def _copy(container: Manifest, contribution: PodContribution) -> Manifest:
    return {**container, _SOURCE: contribution.source}


def _strip(container: Manifest) -> Manifest:
    return {k: v for k, v in container.items() if k != _SOURCE}


def _party(container: Manifest) -> str:
    return f"container '{container['name']}' (from {container[_SOURCE]})"


def _find_app(name: str, containers: list[Manifest]) -> Manifest:
    for container in containers:
        if container["name"] == name:
            return container
    raise PodConflictError(f"no contribution provides the application container '{name}'")


def _extend_app(app: Manifest, contributions: Sequence[PodContribution]) -> None:
    claims = _Claims()
    env: list[Manifest] = []
    mounts = list(app.get("volumeMounts", []))
    own_env = PodContribution(source=app[_SOURCE], app_env=app.get("env", []))
    for contribution in (own_env, *contributions):
        for variable in contribution.app_env:
            claims.take(
                variable["name"],
                contribution.source,
                f"env variable {variable['name']} of container '{app['name']}'",
                "two parties set the same variable; configure one of them to use another",
            )
            env.append(variable)
        mounts.extend(contribution.app_volume_mounts)
    if env:
        app["env"] = env
    if mounts:
        app["volumeMounts"] = mounts


def _mount_into_named(containers: list[Manifest], contributions: Sequence[PodContribution]) -> None:
    by_name = {container["name"]: container for container in containers}
    for contribution in contributions:
        for name, mounts in contribution.container_volume_mounts.items():
            if name not in by_name:
                raise PodConflictError(
                    f"{contribution.source} mounts volumes into container '{name}', "
                    "but no contribution provides that container"
                )
            by_name[name]["volumeMounts"] = [*by_name[name].get("volumeMounts", []), *mounts]


def _check_container_names(containers: Iterable[Manifest]) -> None:
    claims = _Claims()
    for container in containers:
        claims.take(
            container["name"],
            container[_SOURCE],
            f"container name '{container['name']}'",
            "names must be unique across containers and init containers; rename one",
        )


def _merge_volumes(contributions: Sequence[PodContribution]) -> list[Manifest]:
    claims = _Claims()
    volumes: list[Manifest] = []
    for contribution in contributions:
        for volume in contribution.volumes:
            claims.take(
                volume["name"], contribution.source, f"volume name '{volume['name']}'", "rename one of the volumes"
            )
            volumes.append(volume)
    return volumes


def _check_mounts(containers: Iterable[Manifest], volume_names: set[str]) -> None:
    for container in containers:
        claims = _Claims()
        for mount in container.get("volumeMounts", []):
            claims.take(
                mount["mountPath"],
                f"volume '{mount['name']}'",
                f"mount path {mount['mountPath']} in {_party(container)}",
                "two volumes cannot be mounted at one path; move one",
            )
            if mount["name"] not in volume_names:
                raise PodConflictError(
                    f"{_party(container)} mounts volume '{mount['name']}' at {mount['mountPath']}, "
                    "but no contribution declares that volume"
                )


def _check_ports(running: Iterable[Manifest], contributions: Sequence[PodContribution]) -> None:
    claims = _Claims()
    advice = "containers in a pod share one network namespace; move one of them to another port"
    for container in running:
        for port in container.get("ports", []):
            protocol = port.get("protocol", "TCP")
            number = port["containerPort"]
            claims.take((number, protocol), _party(container), f"port {number}/{protocol}", advice)
    for contribution in contributions:
        for name, ports in contribution.loopback_ports.items():
            for number in ports:
                owner = f"container '{name}' (from {contribution.source}, on 127.0.0.1)"
                claims.take((number, "TCP"), owner, f"port {number}/TCP", advice)


def _by_container(contributions: Sequence[PodContribution], attribute: str) -> dict[str, list[int]]:
    merged: dict[str, list[int]] = {}
    for contribution in contributions:
        for name, ports in getattr(contribution, attribute).items():
            merged.setdefault(name, []).extend(int(port) for port in ports)
    return merged


def _check_connections(connections: dict[str, list[int]], containers: set[str]) -> None:
    for name in connections:
        if name not in containers:
            raise PodConflictError(
                f"a loopback connection comes from container '{name}', which no contribution provides"
            )


def _merge_service_ports(contributions: Sequence[PodContribution]) -> list[Manifest]:
    numbers, names = _Claims(), _Claims()
    ports: list[Manifest] = []
    for contribution in contributions:
        for port in contribution.service_ports:
            numbers.take(port["port"], contribution.source, f"Service port {port['port']}", "use another port")
            names.take(port["name"], contribution.source, f"Service port name '{port['name']}'", "rename one")
            ports.append(port)
    return ports


def _merge_annotations(contributions: Sequence[PodContribution]) -> dict[str, str]:
    claims = _Claims()
    annotations: dict[str, str] = {}
    for contribution in contributions:
        for key, value in contribution.pod_annotations.items():
            claims.take(key, contribution.source, f"pod annotation {key}", "only one pattern may set it")
            annotations[key] = value
    return dict(sorted(annotations.items()))


def _merge_sysctls(contributions: Sequence[PodContribution]) -> list[Manifest]:
    claims = _Claims()
    sysctls: list[Manifest] = []
    for contribution in contributions:
        for sysctl in contribution.pod_sysctls:
            claims.take(sysctl["name"], contribution.source, f"sysctl {sysctl['name']}", "only one pattern may set it")
            sysctls.append(sysctl)
    return sysctls


def _merge_service_account(contributions: Sequence[PodContribution]) -> str | None:
    claims = _Claims()
    for contribution in contributions:
        if contribution.service_account_name is not None:
            claims.take("serviceAccountName", contribution.source, "the pod's ServiceAccount", "only one may set it")
    names = [c.service_account_name for c in contributions if c.service_account_name is not None]
    return names[0] if names else None
