"""The Vault agent stand-in is strict: it logs in only as the Vault server it stands for would let it.

The prod stack's rendered agent configuration, pointed at local files, runs as `vault agent -config=...`
(tests/lib/standins/vault/agent.go); each wrong address, CA, auth method, mount, role, token or unknown key
makes it exit non-zero with the agent's kind of message, and writes nothing.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from podpatterns.pod.model import Manifest

from ..lib.standins.vault import PROD_KV
from ..lib.standins.vault.server import VAULT_SERVER
from ..lib.support.certs import self_signed

Change = Callable[[dict[str, Any]], None]


def jwt(audience: str) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part({'aud': [audience]})}.c2lnbmF0dXJl"


def prod_config(rendered: dict[str, list[Manifest]], directory: Path) -> dict[str, Any]:
    """The prod stack's init configuration with its token, CA and secrets under `directory`."""
    (config_map,) = [m for m in rendered["prod"] if m["metadata"]["name"] == "elasticsearch-vault-agent"]
    config: dict[str, Any] = json.loads(config_map["data"]["agent-init.json"])
    config["auto_auth"]["method"]["config"]["token_path"] = str(directory / "token")
    config["vault"]["ca_cert"] = str(directory / "ca.crt")
    for template in config["template"]:
        template["destination"] = str(directory / "secrets" / Path(template["destination"]).name)
    return config


def run_agent(
    vault_agent: Path, rendered: dict[str, list[Manifest]], directory: Path, change: Change | None = None
) -> subprocess.CompletedProcess[str]:
    ca, _ = self_signed("kubernetes")
    (directory / "server.json").write_text(json.dumps({**VAULT_SERVER, "ca": ca}))
    (directory / "kv.json").write_text(json.dumps(PROD_KV))
    (directory / "ca.crt").write_text(ca)
    (directory / "token").write_text(jwt("vault"))
    config = prod_config(rendered, directory)
    if change:
        change(config)
    (directory / "agent.json").write_text(json.dumps(config))
    return subprocess.run(
        [str(vault_agent), "agent", f"-config={directory / 'agent.json'}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
        env={**os.environ, "VAULT_STANDIN_DIR": str(directory)},
    )


def test_the_rendered_prod_configuration_logs_in_and_writes_the_secrets(
    vault_agent: Path, rendered: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    result = run_agent(vault_agent, rendered, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secrets" / "bootstrap-password").read_text() == "correct horse battery staple"


def _set(path: str, value: Any) -> Change:
    def change(config: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = config
        for key in parents:
            node = node[key]
        node[last] = value

    return change


def _other_ca_file(config: dict[str, Any]) -> None:
    other = Path(config["vault"]["ca_cert"]).with_name("other-ca.crt")
    other.write_text(self_signed("some other CA")[0])
    config["vault"]["ca_cert"] = str(other)


def _token_for(audience: str) -> Change:
    def change(config: dict[str, Any]) -> None:
        Path(config["auto_auth"]["method"]["config"]["token_path"]).write_text(jwt(audience))

    return change


def _unknown_key(config: dict[str, Any]) -> None:
    config["auto_auth"]["method"]["config"]["rol"] = config["auto_auth"]["method"]["config"]["role"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("vault.address", "https://vault.elsewhere:8200"), "no such host"),
        (_set("vault.ca_cert", ""), "certificate signed by unknown authority"),
        (_other_ca_file, "certificate signed by unknown authority"),
        (_set("auto_auth.method.type", "approle"), 'unknown auth method type "approle"'),
        (_set("auto_auth.method.mount_path", "auth/k8s"), 'no handler for route "auth/k8s/login"'),
        (_set("auto_auth.method.config.role", "search-dev"), 'invalid role name "search-dev"'),
        (_set("auto_auth.method.config.token_path", ""), 'token_path ""'),
        (_set("auto_auth.method.config.token_path", "/nonexistent/token"), "no such file or directory"),
        (_token_for("kubernetes"), 'invalid audience (aud) claim: audience "kubernetes"'),
        (_unknown_key, 'unknown field "rol"'),
        (_set("exit_after_auht", True), 'unknown field "exit_after_auht"'),
    ],
    ids=[
        "address",
        "no-ca",
        "other-ca",
        "method",
        "mount",
        "role",
        "no-token",
        "missing-token",
        "audience",
        "unknown-nested-key",
        "unknown-key",
    ],
)
def test_wrong_input_is_refused_and_nothing_is_written(
    change: Change, message: str, vault_agent: Path, rendered: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    result = run_agent(vault_agent, rendered, tmp_path, change)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "secrets").exists()
