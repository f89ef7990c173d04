"""No plain-text port on a Service whose pods have the TLS ambassador (a stack-wide check).

With the ambassador, the application listens on 127.0.0.1 and clients come in over TLS through the
`tls-ambassador` container. A Service port of such pods may target the ambassador, or another
container beside the application (the metrics exporter); it must not target a port of the
application container itself, except peer protocols named in `peer_ports` (Elasticsearch's node-to-node
`transport` by default), and must not target a port no container declares.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .pods import Manifest, pod_labels, pod_spec

AMBASSADOR = "tls-ambassador"
"""The container name of TlsAmbassador; the application container is the pod's first container."""
DEFAULT_PEER_PORTS = ("transport",)


@dataclass(frozen=True)
class Resource:
    """A resource of the stack: its Pulumi type, name and properties."""

    resource_type: str
    name: str
    props: Manifest


def plaintext_ports(resources: Iterable[Resource], peer_ports: Iterable[str] = DEFAULT_PEER_PORTS) -> list[str]:
    resources = list(resources)
    peers = set(peer_ports)
    problems = []
    for service in resources:
        if service.resource_type != "kubernetes:core/v1:Service":
            continue
        spec = service.props.get("spec") or {}
        selector = spec.get("selector") or {}
        for workload in resources:
            pod = pod_spec(workload.resource_type, workload.props)
            if (
                pod is None
                or not selector
                or not _selects(selector, pod_labels(workload.resource_type, workload.props))
            ):
                continue
            containers = list(pod.get("containers") or [])
            if not any(c.get("name") == AMBASSADOR for c in containers):
                continue
            for port in spec.get("ports") or []:
                problem = _port_problem(port, containers, peers)
                if problem:
                    problems.append(f"Service '{service.name}' port {port.get('port')} {problem} ({workload.name})")
    return problems


def _selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def _port_problem(port: Manifest, containers: list[Manifest], peers: set[str]) -> str | None:
    target = port.get("targetPort", port.get("port"))
    for index, container in enumerate(containers):
        for declared in container.get("ports") or []:
            if target not in (declared.get("name"), declared.get("containerPort")):
                continue
            if index == 0 and container.get("name") != AMBASSADOR and declared.get("name") not in peers:
                return f"reaches the application container '{container.get('name')}' in plain text, not through TLS"
            return None
    return f"targets {target!r}, which no container declares: the application's plain port is on 127.0.0.1"
