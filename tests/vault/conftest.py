"""The Vault server and the control plane scripts/test starts (scripts/vault up, scripts/cluster up); without them
these tests skip, except under CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..behaviour.conftest import require_root, unavailable
from ..cluster.kube import Kube
from .server import VaultServer


@pytest.fixture(scope="session")
def kube() -> Kube:
    """kubectl on the test cluster; both variables must be set (a KUBECONFIG alone may be a real cluster's)."""
    kubeconfig, bin_dir = os.environ.get("KUBECONFIG"), os.environ.get("PODPATTERNS_KUBE_BIN")
    if not (kubeconfig and bin_dir):
        unavailable("no test cluster: scripts/test starts one (or: scripts/cluster up; export $(scripts/cluster env))")
    return Kube(Path(bin_dir) / "kubectl", Path(kubeconfig))


@pytest.fixture(scope="session")
def vault_server() -> VaultServer:
    """The server `scripts/vault env` describes (VAULT_ADDR, VAULT_CACERT, VAULT_TOKEN, PODPATTERNS_VAULT_BIN)."""
    require_root("network, mount and PID namespaces stand in for the pods")
    names = ("VAULT_ADDR", "VAULT_CACERT", "VAULT_TOKEN", "PODPATTERNS_VAULT_BIN")
    if not all(os.environ.get(name) for name in names):
        unavailable("no test Vault server: scripts/test starts one (or: scripts/vault up; export $(scripts/vault env))")
    binary = Path(os.environ["PODPATTERNS_VAULT_BIN"]) / "vault"
    return VaultServer(binary, os.environ["VAULT_ADDR"], Path(os.environ["VAULT_CACERT"]), os.environ["VAULT_TOKEN"])
