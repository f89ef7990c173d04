"""The Vault server scripts/test starts on the test cluster (scripts/vault up); without it these tests skip, except
under CI."""

from __future__ import annotations

import pytest

from ..lib.prerequisites import require_root
from ..lib.vault_server import VaultServer, vault_server_from_environment


@pytest.fixture(scope="session")
def vault_server(tmp_path_factory: pytest.TempPathFactory) -> VaultServer:
    """The server `scripts/vault env` describes (VAULT_ADDR, VAULT_CACERT, VAULT_TOKEN, PODPATTERNS_VAULT_BIN)."""
    require_root("network, mount and PID namespaces stand in for the pods")
    return vault_server_from_environment(tmp_path_factory.mktemp("vault-cli-home"))
