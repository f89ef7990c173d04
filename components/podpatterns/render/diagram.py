"""A Mermaid flowchart per pod: its containers, ports, volumes, and who talks to whom.

Drawn from the rendered objects (the pod template, the Services and PodMonitors selecting it, the
Prometheus scrape annotations) and from the merged pod the template came from (`MergedPod`, observed
while the program ran): which container is the application, what listens on 127.0.0.1 only, and who
connects to whom there, which a pod spec does not say. A workload not built with `merge_pod` is still
drawn, from its spec alone. Same objects, same text: the diagrams are kept in the golden renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..pod.model import Manifest, MergedPod
from .manifests import file_name

READ_ONLY_SOURCES = ("configMap", "secret", "projected", "downwardAPI")
"""Volume types the kubelet always mounts read-only."""
ACTORS = {
    "clients": 'clients(["clients"])',
    "peers": 'peers(["other pods, by their DNS names"])',
    "prometheus": 'prometheus(["Prometheus"])',
}
"""Who is outside the pod, as Mermaid nodes."""


def pod_diagrams(objects: Sequence[Manifest], pods: Sequence[MergedPod] = ()) -> dict[str, str]:
    """Mermaid text per workload with a pod template, keyed `<kind>_<namespace>_<name>` like its manifest."""
    diagrams = {}
    for workload in objects:
        template = workload.get("spec", {}).get("template")
        if template:
            merged = _merged_pod_of(template["spec"], pods)
            name = file_name(workload).removesuffix(".yaml")
            diagrams[name] = _Diagram(workload, template, merged, objects).text()
    return diagrams


def _merged_pod_of(spec: Manifest, pods: Sequence[MergedPod]) -> MergedPod | None:
    """The merged pod whose containers the template holds (the last one: a program may merge twice)."""
    names = ([c["name"] for c in spec.get("containers", [])], [c["name"] for c in spec.get("initContainers", [])])
    matching = [p for p in pods if ([c["name"] for c in p.containers], [c["name"] for c in p.init_containers]) == names]
    return matching[-1] if matching else None


def _id(kind: str, name: str) -> str:
    return f"{kind}_{re.sub(r'[^A-Za-z0-9]', '_', name)}"


def _label(*lines: str) -> str:
    """A quoted Mermaid label; quotes inside are written as entities."""
    return '"' + "<br/>".join(line.replace('"', "#quot;") for line in lines if line) + '"'


def _selects(selector: Mapping[str, str] | None, labels: Mapping[str, str]) -> bool:
    return bool(selector) and all(labels.get(key) == value for key, value in (selector or {}).items())


@dataclass
class _Diagram:
    workload: Manifest
    template: Manifest
    merged: MergedPod | None
    objects: Sequence[Manifest]
    outside: list[str] = field(default_factory=list)
    inside: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)

    @property
    def spec(self) -> Manifest:
        spec: Manifest = self.template["spec"]
        return spec

    @property
    def labels(self) -> dict[str, str]:
        labels: dict[str, str] = self.template.get("metadata", {}).get("labels", {})
        return labels

    def text(self) -> str:
        meta = self.workload["metadata"]
        title = f"Pod of {self.workload['kind']} {meta.get('namespace', '')}/{meta['name']}"
        self._containers()
        self._volumes()
        self._services()
        self._scrapes()
        self._loopback_connections()
        lines = ["flowchart LR", f"  %% {title}: written by python -m podpatterns.render, do not edit"]
        lines += [f"  {node}" for node in dict.fromkeys(self.outside)]
        lines += [f"  subgraph pod[{_label(title)}]", *[f"    {node}" for node in self.inside], "  end"]
        lines += [f"  {edge}" for edge in dict.fromkeys(self.edges)]
        return "\n".join(lines) + "\n"

    def _all_containers(self) -> list[Manifest]:
        return [*self.spec.get("initContainers", []), *self.spec.get("containers", [])]

    def _containers(self) -> None:
        loopback = self.merged.loopback_ports if self.merged else {}
        init_number = 0
        for container in self.spec.get("initContainers", []):
            if container.get("restartPolicy") == "Always":
                role = "native sidecar"
            else:
                init_number += 1
                role = f"init {init_number}"
            self._container(container, role, loopback.get(container["name"], []))
        app = self.merged.app_container if self.merged else ""
        for container in self.spec.get("containers", []):
            role = "app" if container["name"] == app else "sidecar" if app else "container"
            self._container(container, role, loopback.get(container["name"], []))

    def _container(self, container: Manifest, role: str, loopback_ports: Iterable[int]) -> None:
        privileged = container.get("securityContext", {}).get("privileged") is True
        lines = [f"{role}: {container['name']}", "privileged" if privileged else ""]
        lines += [f"pod IP :{p['containerPort']} {p.get('name', '')}".rstrip() for p in container.get("ports", [])]
        lines += [f"127.0.0.1:{port}" for port in loopback_ports]
        self.inside.append(f"{_id('c', container['name'])}[{_label(*lines)}]")

    def _volumes(self) -> None:
        for volume in self.spec.get("volumes", []):
            self.inside.append(f"{_id('v', volume['name'])}[({_label(volume['name'], _volume_kind(volume))})]")
        for claim in self.workload["spec"].get("volumeClaimTemplates", []):
            size = claim["spec"]["resources"]["requests"]["storage"]
            name = claim["metadata"]["name"]
            self.inside.append(f"{_id('v', name)}[({_label(name, f'PersistentVolumeClaim {size}')})]")
        read_only_volumes = {
            v["name"] for v in self.spec.get("volumes", []) if any(key in v for key in READ_ONLY_SOURCES)
        }
        for container in self._all_containers():
            for mount in container.get("volumeMounts", []):
                node, volume = _id("c", container["name"]), _id("v", mount["name"])
                if mount.get("readOnly") or mount["name"] in read_only_volumes:
                    self.edges.append(f"{volume} -.->|reads| {node}")
                else:
                    self.edges.append(f"{node} -->|writes| {volume}")

    def _declared(self, port: int | str) -> tuple[str, int] | None:
        """(node, number) of the container declaring `port` (a number or a port name) in the pod spec."""
        for container in self._all_containers():
            for declared in container.get("ports", []):
                if port in (declared["containerPort"], declared.get("name")):
                    return _id("c", container["name"]), int(declared["containerPort"])
        return None

    def _services(self) -> None:
        namespace = self.workload["metadata"].get("namespace")
        for service in self.objects:
            spec = service.get("spec", {})
            if service["kind"] != "Service" or service["metadata"].get("namespace") != namespace:
                continue
            if not _selects(spec.get("selector"), self.labels):
                continue
            name = service["metadata"]["name"]
            headless = spec.get("clusterIP") == "None"
            node = _id("s", name)
            self.outside.append(node + "{{" + _label(f"{'headless ' if headless else ''}Service {name}") + "}}")
            peer = "peers" if headless else "clients"
            self.outside.append(ACTORS[peer])
            self.edges.append(f"{peer} --> {node}")
            for port in spec.get("ports", []):
                target = port.get("targetPort", port["port"])
                declared = self._declared(target)
                if declared:
                    label = _label(f":{port['port']} → {target}")
                    self.edges.append(f"{node} -->|{label}| {declared[0]}")

    def _scrapes(self) -> None:
        """Prometheus, by the pod's scrape annotations and by PodMonitors selecting it."""
        scrapes: list[tuple[int | str, str]] = []
        annotations = self.template.get("metadata", {}).get("annotations", {})
        if annotations.get("prometheus.io/scrape") == "true" and "prometheus.io/port" in annotations:
            scrapes.append((int(annotations["prometheus.io/port"]), annotations.get("prometheus.io/path", "/metrics")))
        for monitor in self.objects:
            if monitor["kind"] == "PodMonitor" and _selects(
                monitor["spec"]["selector"].get("matchLabels"), self.labels
            ):
                scrapes += [(e["port"], e.get("path", "/metrics")) for e in monitor["spec"]["podMetricsEndpoints"]]
        for port, path in scrapes:
            declared = self._declared(port)
            if declared:
                node, number = declared
                self.outside.append(ACTORS["prometheus"])
                self.edges.append(f"prometheus -->|{_label(f':{number} {path}')}| {node}")

    def _loopback_connections(self) -> None:
        if not self.merged:
            return
        listening = {port: name for name, ports in self.merged.loopback_ports.items() for port in ports}
        for client, ports in self.merged.loopback_connections.items():
            for port in ports:
                declared = self._declared(port)
                if port in listening:
                    listener = _id("c", listening[port])
                elif declared:
                    listener = declared[0]
                else:  # nobody declares it: show the port, not a guess
                    listener = _id("p", str(port))
                    self.inside.append(f"{listener}(({_label(f'127.0.0.1:{port}', 'no declared listener')}))")
                self.edges.append(f"{_id('c', client)} -->|{_label(f'127.0.0.1:{port}')}| {listener}")


def _volume_kind(volume: Manifest) -> str:
    kind = next(key for key in volume if key != "name")
    source: Any = volume[kind]
    if kind == "emptyDir" and source.get("medium") == "Memory":
        return "emptyDir in memory"
    if kind in ("secret", "configMap", "persistentVolumeClaim"):
        name = source.get("secretName") or source.get("name") or source.get("claimName")
        return f"{kind} {name}"
    return str(kind)
