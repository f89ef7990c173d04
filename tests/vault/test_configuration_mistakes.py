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
from .host_agent import Change, run_on_host
from .server import Tenant, VaultServer, tenant


@pytest.fixture(scope="module")
def staging(vault_server: VaultServer, kube: Kube) -> Iterator[Tenant]:
    with tenant(vault_server, kube, "staging") as created:
        yield created


def _set(path: str, value: Any) -> Change:
    def change(config: dict[str, Any], _: Path) -> None:
        *parents, last = path.split(".")
        node = config
        for key in parents:
            node = node[key]
        node[last] = value

    return change


def _other_ca(config: dict[str, Any], directory: Path) -> None:
    (directory / "other-ca.crt").write_text(self_signed("some other CA")[0])
    config["vault"]["ca_cert"] = str(directory / "other-ca.crt")


def _no_ca(config: dict[str, Any], _: Path) -> None:
    del config["vault"]["ca_cert"]


def _missing_secret(config: dict[str, Any], _: Path) -> None:
    (template,) = config["template"]
    template["contents"] = template["contents"].replace("/elastic", "/no-such-secret")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("vault.address", "https://127.0.0.1:1"), "connection refused"),
        (_other_ca, "x509: certificate signed by unknown authority"),
        (_no_ca, "x509: certificate signed by unknown authority"),
        (_set("auto_auth.method.mount_path", "auth/k8s"), 'no handler for route "auth/k8s/login"'),
        (_set("auto_auth.method.config.role", "search-dev"), 'invalid role name "search-dev"'),
        (_set("auto_auth.method.config.token_path", "/nonexistent/token"), "no such file or directory"),
        (_missing_secret, "no secret exists at secret/data/tenants/"),
    ],
    ids=["address", "other-ca", "no-ca", "mount", "role", "missing-token", "missing-secret"],
)
def test_a_mistake_ends_the_agent_with_its_message_and_writes_nothing(
    change: Change, message: str, staging: Tenant, tmp_path: Path
) -> None:
    done = run_on_host(staging, tmp_path, change)
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stdout + done.stderr
    assert not (tmp_path / "secrets").exists()
