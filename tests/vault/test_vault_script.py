"""scripts/vault itself: a second Vault server in a directory of the test's own, beside the one the suite uses.

`up` proves the server alive and set up before it says so (TLS from its own CA, unsealed, KV version 2 at secret/,
Kubernetes auth against the test cluster, the stacks' roles and least policies); starting twice is harmless; `down`
leaves no process and no file.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from podpatterns.vault.server_setup import role_parameters, vault_policy

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube
from ..lib.support.processes import alive, processes_naming
from ..lib.support.stack_settings import stack_settings
from ..lib.vault_server import VaultServer

SCRIPT = PROJECT_DIR / "scripts" / "vault"


def vault(command: str, directory: Path) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("VAULT_") and k != "PODPATTERNS_VAULT_PORT"}
    # The cluster's Service vault.vault stays the suite's server's: the stacks on the real nodes log in there.
    environment = {**inherited, "PODPATTERNS_VAULT_DIR": str(directory), "PODPATTERNS_VAULT_SERVICE": "false"}
    return subprocess.run([SCRIPT, command], env=environment, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def directory(vault_server: VaultServer, kube: Kube, tmp_path: Path) -> Iterator[Path]:
    """A server directory of the test's own (the program is built already: the suite's server runs it)."""
    path = tmp_path / "vault"
    yield path
    vault("down", path)


def test_up_sets_vault_up_as_the_readme_says_twice_is_harmless_and_down_leaves_nothing(directory: Path) -> None:
    first = vault("up", directory)
    assert first.returncode == 0, first.stderr
    settings = dict(line.split("=", 1) for line in first.stdout.splitlines())
    assert set(settings) == {"VAULT_ADDR", "VAULT_CACERT", "VAULT_TOKEN", "PODPATTERNS_VAULT_BIN"}
    server = VaultServer(
        Path(settings["PODPATTERNS_VAULT_BIN"]) / "vault",
        settings["VAULT_ADDR"],
        Path(settings["VAULT_CACERT"]),
        settings["VAULT_TOKEN"],
        home=directory,
    )
    status = json.loads(server.cli("status", "-format=json").stdout)
    assert (status["initialized"], status["sealed"], status["storage_type"]) == (True, False, "inmem")
    mounts = json.loads(server.cli("secrets", "list", "-format=json").stdout)
    assert (mounts["secret/"]["type"], mounts["secret/"]["options"]) == ("kv", {"version": "2"})
    config = json.loads(server.cli("read", "-format=json", "auth/kubernetes/config").stdout)["data"]
    assert config["kubernetes_host"].startswith("https://127.0.0.1:")
    assert "BEGIN CERTIFICATE" in config["kubernetes_ca_cert"]
    for stack in ("prod", "staging"):
        app = stack_settings(stack)
        role = json.loads(server.cli("read", "-format=json", f"auth/kubernetes/role/{app.vault.role}").stdout)["data"]
        wanted = role_parameters(app.vault, f"{app.elasticsearch.name}-vault", app.namespace)
        assert role["bound_service_account_names"] == [wanted["bound_service_account_names"]]
        assert role["bound_service_account_namespaces"] == [wanted["bound_service_account_namespaces"]]
        assert role["audience"] == wanted["audience"]
        assert role["token_policies"] == [app.vault.role]
        policy = server.cli("policy", "read", str(app.vault.role)).stdout
        assert policy.strip() == vault_policy(app.vault).strip()
    pid = (directory / "pid").read_text().strip()
    second = vault("up", directory)
    assert second.returncode == 0, second.stderr
    assert "already up" in second.stderr
    assert (directory / "pid").read_text().strip() == pid
    down = vault("down", directory)
    assert down.returncode == 0, down.stderr
    assert processes_naming(directory) == []
    assert not directory.exists()
    assert not alive(pid)
