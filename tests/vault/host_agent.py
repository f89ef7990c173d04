"""HashiCorp Vault's agent run on the host with a tenant's rendered configuration, pointed at local paths: the
test server's address and CA, a real token of the tenant's ServiceAccount in a file, destinations in a directory.
For what needs no pod (formats, configuration mistakes); the pod tests run the configuration unchanged."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from podpatterns.vault.agent_config import agent_config

from .server import SERVICE_ACCOUNT, Tenant

Change = Callable[[dict[str, Any], Path], None]
"""Changes the configuration before the run (given the run's directory)."""


def run_on_host(tenant: Tenant, directory: Path, change: Change | None = None) -> subprocess.CompletedProcess[str]:
    """`vault agent -config=...` (init: exits after writing the files), its output as text; files under
    `directory`/secrets."""
    config = agent_config(tenant.settings, exit_after_auth=True)
    token = tenant.tokens()(tenant.namespace, SERVICE_ACCOUNT, tenant.settings.audience, 600)
    (directory / "token").write_text(token)
    config["vault"].update(address=tenant.server.address, ca_cert=str(tenant.server.ca_file))
    config["auto_auth"]["method"][0]["config"]["token_path"] = str(directory / "token")
    for template in config["template"]:
        template["destination"] = str(directory / "secrets" / Path(template["destination"]).name)
    if change:
        change(config, directory)
    (directory / "agent.json").write_text(json.dumps(config))
    # Not the tests' VAULT_ADDR and VAULT_TOKEN: they would override the configuration's address, and log in.
    env = {key: value for key, value in os.environ.items() if not key.startswith("VAULT_")}
    return subprocess.run(
        [str(tenant.server.binary), "agent", f"-config={directory / 'agent.json'}"],
        capture_output=True, text=True, timeout=60, check=False, env={**env, "HOME": str(directory)},
    )  # fmt: skip
