"""The Vault server scripts/test starts (scripts/vault up), as `scripts/vault env` describes it; its CLI as root."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .prerequisites import unavailable

ENVIRONMENT = ("VAULT_ADDR", "VAULT_CACERT", "VAULT_TOKEN", "PODPATTERNS_VAULT_BIN")
"""What `scripts/vault env` prints and scripts/test exports."""


@dataclass(frozen=True)
class VaultServer:
    """The server `scripts/vault env` describes: `vault` (the same program the pods run), address, CA, root token."""

    binary: Path
    address: str
    ca_file: Path
    token: str
    home: Path
    """HOME for the CLI: the program makes ~/.cache/snowflake (a database plugin's cache) wherever HOME is."""

    def cli(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {"VAULT_ADDR": self.address, "VAULT_CACERT": str(self.ca_file), "VAULT_TOKEN": self.token}
        env["HOME"] = str(self.home)
        done = subprocess.run(
            [str(self.binary), *args], input=stdin, capture_output=True, text=True, timeout=60, check=False, env=env
        )
        if check and done.returncode != 0:
            raise AssertionError(f"vault {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
        return done

    def kv_put(self, path: str, values: Mapping[str, str]) -> None:
        """A new version of the KV version 2 secret at `path` (under secret/), with exactly these keys."""
        self.cli("kv", "put", "-mount=secret", path, "-", stdin=json.dumps(dict(values)))


def vault_server_from_environment(home: Path) -> VaultServer:
    """The server scripts/test exported (ENVIRONMENT); skips without one, except under CI."""
    if not all(os.environ.get(name) for name in ENVIRONMENT):
        unavailable("no test Vault server: scripts/test starts one (or: scripts/vault up; export $(scripts/vault env))")
    binary = Path(os.environ["PODPATTERNS_VAULT_BIN"]) / "vault"
    return VaultServer(
        binary, os.environ["VAULT_ADDR"], Path(os.environ["VAULT_CACERT"]), os.environ["VAULT_TOKEN"], home
    )
