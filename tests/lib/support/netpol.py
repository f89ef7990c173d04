"""A small evaluator of Kubernetes NetworkPolicy semantics: may endpoint A open a connection to B on a port?

It follows the networking.k8s.io/v1 API's rules, as a conforming network plugin enforces them:
- a pod selected by no policy of a direction (Ingress or Egress) is open in that direction;
- a pod selected by some policy of a direction accepts (or opens) only what some rule of those policies allows;
- a connection needs both: egress allowed at the source and ingress allowed at the destination;
- `policyTypes` defaults to Ingress, plus Egress when the policy has egress rules;
- in a peer, `podSelector` alone means pods of the policy's namespace, `namespaceSelector` alone every pod of
  the matching namespaces, both together the matching pods in the matching namespaces; `ipBlock` matches by
  address (used here for endpoints outside the cluster);
- an empty or missing `from`/`to` matches every peer, empty or missing `ports` every port; a port without a
  protocol is TCP; a named port is the destination's container port of that name; `endPort` makes a range.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class Endpoint:
    """A pod (with a namespace) or an address outside the cluster (namespace None)."""

    name: str
    namespace: str | None
    labels: Mapping[str, str] = field(default_factory=dict)
    ip: str = "10.244.0.10"
    named_ports: Mapping[str, int] = field(default_factory=dict)
    """Container ports by name, for policies that name ports."""


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); {} matches all."""
    selector = selector or {}
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        matched = {
            "In": present and labels.get(key) in values,
            "NotIn": not present or labels.get(key) not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]
        if not matched:
            return False
    return True


class Cluster:
    """NetworkPolicies and namespace labels; answers whether connections are allowed."""

    def __init__(self, policies: Sequence[Mapping[str, Any]], namespace_labels: Mapping[str, Mapping[str, str]] = {}):
        self.policies = [p for p in policies if p["kind"] == "NetworkPolicy"]
        self.namespace_labels = namespace_labels

    def labels_of_namespace(self, namespace: str) -> dict[str, str]:
        return {NAMESPACE_NAME_LABEL: namespace, **self.namespace_labels.get(namespace, {})}

    def allows(self, source: Endpoint, destination: Endpoint, port: int, protocol: str = "TCP") -> bool:
        connection: dict[str, Any] = {"destination": destination, "port": port, "protocol": protocol}
        egress = self._direction_allows("Egress", source, destination, **connection)
        ingress = self._direction_allows("Ingress", destination, source, **connection)
        return egress and ingress

    def _direction_allows(
        self, direction: str, subject: Endpoint, peer: Endpoint, *, destination: Endpoint, port: int, protocol: str
    ) -> bool:
        """Whether the policies selecting `subject` for `direction` allow the connection with `peer`."""
        selecting = [p for p in self.policies if direction in _policy_types(p) and self._selects(p, subject)]
        if not selecting:
            return True
        rules_key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        for policy in selecting:
            namespace = policy["metadata"]["namespace"]
            for rule in policy["spec"].get(rules_key) or []:
                peers = rule.get(peers_key) or []
                peer_ok = not peers or any(self._peer_matches(p, namespace, peer) for p in peers)
                ports = rule.get("ports") or []
                port_ok = not ports or any(_port_matches(p, destination, port, protocol) for p in ports)
                if peer_ok and port_ok:
                    return True
        return False

    def _selects(self, policy: Mapping[str, Any], pod: Endpoint) -> bool:
        return pod.namespace == policy["metadata"]["namespace"] and selector_matches(
            policy["spec"].get("podSelector"), pod.labels
        )

    def _peer_matches(self, peer: Mapping[str, Any], policy_namespace: str, endpoint: Endpoint) -> bool:
        if "ipBlock" in peer:
            address = ipaddress.ip_address(endpoint.ip)
            block = peer["ipBlock"]
            excluded = any(address in ipaddress.ip_network(e) for e in block.get("except", []))
            return address in ipaddress.ip_network(block["cidr"]) and not excluded
        if endpoint.namespace is None:
            return False  # selectors only ever match pods
        if "namespaceSelector" in peer:
            namespace_ok = selector_matches(peer["namespaceSelector"], self.labels_of_namespace(endpoint.namespace))
        else:
            namespace_ok = endpoint.namespace == policy_namespace
        return namespace_ok and selector_matches(peer.get("podSelector"), endpoint.labels)


def _policy_types(policy: Mapping[str, Any]) -> list[str]:
    spec = policy["spec"]
    if "policyTypes" in spec:
        return list(spec["policyTypes"])
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


def _port_matches(rule_port: Mapping[str, Any], destination: Endpoint, port: int, protocol: str) -> bool:
    if rule_port.get("protocol", "TCP") != protocol:
        return False
    wanted = rule_port.get("port")
    if wanted is None:
        return True
    if isinstance(wanted, str):
        return destination.named_ports.get(wanted) == port
    return wanted <= port <= rule_port.get("endPort", wanted)
