"""Fixtures of the real-node tests: the cluster's kubelet nodes (scripts/cluster up --real-nodes) and a namespace of
each test's own, whose pods tolerate the nodes' taint and select them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..lib.kube import Kube, unique_suffix
from ..lib.prerequisites import unavailable
from ..lib.vault_server import VaultServer, vault_server_from_environment

REAL_NODE_SELECTOR = {"type": "real"}
REAL_NODE_TOLERATION = {"key": "pod-patterns.dev/real-node", "operator": "Exists", "effect": "NoSchedule"}
CLUSTER_DNS = "10.89.0.1"
"""The kubelets' clusterDNS: CoreDNS on the nodes' bridge gateway (scripts/lib/nodes.sh: NODES_GATEWAY)."""


@pytest.fixture(scope="session")
def real_nodes(kube: Kube) -> list[str]:
    """The names of the cluster's real nodes, Ready (scripts/test starts them for tests/nodes)."""
    nodes = kube.json("get", "nodes", "--selector", "type=real")["items"]
    if not nodes:
        unavailable("the test cluster has no real nodes: scripts/cluster down, then scripts/cluster up --real-nodes")
    kube.run("wait", "--for=condition=Ready", "--timeout=60s", *(f"node/{n['metadata']['name']}" for n in nodes))
    return sorted(n["metadata"]["name"] for n in nodes)


@pytest.fixture
def namespace(kube: Kube, real_nodes: list[str]) -> Iterator[str]:
    """A namespace of the test's own (Pod Security restricted enforced), deleted with its pods afterwards."""
    name = f"nodes{unique_suffix()}"
    labels = {"pod-security.kubernetes.io/enforce": "restricted"}
    kube.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}])
    yield name
    kube.run("delete", "namespace", name, "--wait=true", "--timeout=120s", check=False)


@pytest.fixture(scope="session")
def vault(tmp_path_factory: pytest.TempPathFactory) -> VaultServer:
    """The test Vault server (scripts/test starts it with the cluster): the stacks' pods on the real nodes reach it at
    https://vault.vault.svc:8200 (scripts/lib/vault-server.sh: vault_in_cluster)."""
    return vault_server_from_environment(tmp_path_factory.mktemp("vault-cli-home"))
