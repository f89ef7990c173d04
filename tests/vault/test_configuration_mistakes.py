"""Mistakes in where the agent looks for Vault, or how it logs in, each ending HashiCorp Vault's own agent with a
non-zero exit, its message (the README's troubleshooting table quotes them) and no file written (the agent on the
host: tests/vault/host_agent.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..lib.kube import Kube
from ..lib.support.certs import self_signed
from ..lib.vault_server import VaultServer
from .host_agent import Change, run_on_host
from .server import Tenant, tenant


@pytest.fixture(scope="module")
def staging(vault_server: VaultServer, kube: Kube) -> Iterator[Tenant]:
    with tenant(vault_server, kube, "staging") as created:
        yield created


def _set(path: str, value: Any) -> Change:
    def change(config: dict[str, Any], _: Path) -> None:
        *parents, last = path.split(".")
        node: Any = config
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]  # auto_auth.method is a list of one
        node[last] = value

    return change


def _other_ca(config: dict[str, Any], directory: Path) -> None:
    (directory / "other-ca.crt").write_text(self_signed("some other CA")[0])
    config["vault"]["ca_cert"] = str(directory / "other-ca.crt")


def _no_ca(config: dict[str, Any], _: Path) -> None:
    del config["vault"]["ca_cert"]


def _wrong_path(config: dict[str, Any], _: Path) -> None:
    (template,) = config["template"]
    template["contents"] = template["contents"].replace("/elastic", "/no-such-secret")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("vault.address", "https://127.0.0.1:1"), "connection refused"),
        (_other_ca, "x509: certificate signed by unknown authority"),
        (_no_ca, "x509: certificate signed by unknown authority"),
        # No auth method there: Vault refuses the unauthenticated request as it refuses any other.
        (
            _set("auto_auth.method.0.mount_path", "auth/k8s"),
            "/v1/auth/k8s/login\n  | Code: 403. Errors:\n  | \n  | * permission denied",
        ),
        (_set("auto_auth.method.0.config.role", "search-dev"), 'invalid role name "search-dev"'),
        (_set("auto_auth.method.0.config.token_path", "/nonexistent/token"), "no such file or directory"),
        # The least policy allows only the right paths: a wrong one is refused before Vault looks for it.
        (_wrong_path, "permission denied"),
    ],
    ids=["address", "other-ca", "no-ca", "mount", "role", "missing-token", "wrong-path"],
)
def test_a_mistake_ends_the_agent_with_its_message_and_writes_nothing(
    change: Change, message: str, staging: Tenant, tmp_path: Path
) -> None:
    done = run_on_host(staging, tmp_path, change)
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stdout + done.stderr
    assert not (tmp_path / "secrets").exists()


def test_a_secret_that_is_gone_is_named(vault_server: VaultServer, kube: Kube, tmp_path: Path) -> None:
    with tenant(vault_server, kube, "staging") as created:
        (path,) = created.kv
        vault_server.cli("kv", "metadata", "delete", "-mount=secret", path)
        done = run_on_host(created, tmp_path)
    assert done.returncode == 1
    assert f"no secret exists at secret/data/{path}" in done.stdout + done.stderr
    assert not (tmp_path / "secrets").exists()
