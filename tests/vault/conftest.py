"""The Vault server scripts/test starts on the test cluster (scripts/vault up); without it these tests skip, except
under CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..lib.prerequisites import require_root, unavailable
from .server import VaultServer


@pytest.fixture(scope="session")
def vault_server(tmp_path_factory: pytest.TempPathFactory) -> VaultServer:
    """The server `scripts/vault env` describes (VAULT_ADDR, VAULT_CACERT, VAULT_TOKEN, PODPATTERNS_VAULT_BIN)."""
    require_root("network, mount and PID namespaces stand in for the pods")
    names = ("VAULT_ADDR", "VAULT_CACERT", "VAULT_TOKEN", "PODPATTERNS_VAULT_BIN")
    if not all(os.environ.get(name) for name in names):
        unavailable("no test Vault server: scripts/test starts one (or: scripts/vault up; export $(scripts/vault env))")
    binary = Path(os.environ["PODPATTERNS_VAULT_BIN"]) / "vault"
    address, ca_file, token = os.environ["VAULT_ADDR"], Path(os.environ["VAULT_CACERT"]), os.environ["VAULT_TOKEN"]
    return VaultServer(binary, address, ca_file, token, home=tmp_path_factory.mktemp("vault-cli-home"))
