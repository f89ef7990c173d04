"""The Vault agent's configuration, generated as JSON from plain settings (pure functions).

JSON rather than HCL from a text template: the agent reads both (`-config=agent.json`), and JSON
built from data is deterministic, cannot be broken by quoting, and is validated in the tests
against a schema of the agent's documented configuration.
"""

from __future__ import annotations

import json
from typing import Any

from .settings import VaultFileSettings, VaultSettings

CONFIG_DIR = "/etc/vault-agent"
"""Where the agent's configuration (a ConfigMap) is mounted."""
CA_DIR = "/etc/vault-agent-ca"
CA_FILE = "ca.crt"
TOKEN_DIR = "/var/run/secrets/vault"
"""Where the projected ServiceAccount token is mounted, in the agent's containers only."""
TOKEN_FILE = "token"
INIT_CONFIG = "agent-init.json"
RENEW_CONFIG = "agent-renew.json"
TEMPLATE_RETRIES = 3
"""Attempts to read a secret before the agent gives up (Vault's default is 12, about 2 minutes of back-off)."""


def agent_config(settings: VaultSettings, *, exit_after_auth: bool) -> dict[str, Any]:
    """The agent's configuration: Kubernetes auto-auth, one template per file, bounded retries.

    Every failure ends the agent with a non-zero exit and its message: a failed login (Vault
    unreachable, role denied) through `exit_on_err`, a secret or key it cannot read through
    `error_on_missing_key` and `exit_on_retry_failure` after `TEMPLATE_RETRIES` attempts.
    """
    vault: dict[str, Any] = {"address": settings.address, "retry": {"num_retries": TEMPLATE_RETRIES}}
    if settings.ca_config_map:
        vault["ca_cert"] = f"{CA_DIR}/{CA_FILE}"
    template_config: dict[str, Any] = {"exit_on_retry_failure": True}
    if not exit_after_auth:  # the renewing sidecar
        template_config["static_secret_render_interval"] = settings.renew_interval
    method = {
        "type": "kubernetes",
        "mount_path": f"auth/{settings.auth_mount}",
        "exit_on_err": True,
        "config": {"role": settings.role, "token_path": f"{TOKEN_DIR}/{TOKEN_FILE}"},
    }
    return {
        # A list of one: in the JSON form of the agent's HCL a block is a list of objects (a bare object is read as
        # several blocks, and the real agent refuses it: 'one and only one "method" block is required').
        "auto_auth": {"method": [method]},
        "exit_after_auth": exit_after_auth,
        "template_config": template_config,
        "template": [_template(settings, file) for file in settings.files],
        "vault": vault,
    }


def config_files(settings: VaultSettings) -> dict[str, str]:
    """The ConfigMap's data: the init container's configuration, and the renewing sidecar's."""
    files = {INIT_CONFIG: _json(agent_config(settings, exit_after_auth=True))}
    if settings.renew:
        files[RENEW_CONFIG] = _json(agent_config(settings, exit_after_auth=False))
    return files


def _json(config: dict[str, Any]) -> str:
    return json.dumps(config, indent=2, sort_keys=True) + "\n"


def _template(settings: VaultSettings, file: VaultFileSettings) -> dict[str, Any]:
    return {
        "destination": f"{settings.mount_path}/{file.name}",
        "contents": template_contents(settings.kv_mount, file),
        "error_on_missing_key": True,
        "perms": settings.file_mode,
    }


def template_contents(kv_mount: str, file: VaultFileSettings) -> str:
    """The consul-template text of one file: a read of the KV v2 secret, its keys in the file's format.

    Keys are read as fields (`.Data.data.<key>`) so that a missing key fails the agent.
    """
    read = f'{{{{ with secret "{kv_mount}/data/{file.path}" }}}}'
    return read + _FORMATS[file.format](file.keys) + "{{ end }}"


def _value(keys: tuple[str, ...]) -> str:
    (key,) = keys
    return f"{{{{ .Data.data.{key} }}}}"


def _json_object(keys: tuple[str, ...]) -> str:
    if not keys:
        return "{{ .Data.data | toJSON }}\n"
    members = ",".join(f'"{key}":{{{{ .Data.data.{key} | toJSON }}}}' for key in keys)
    return "{" + members + "}\n"


def _env_lines(keys: tuple[str, ...]) -> str:
    if not keys:
        return "{{ range $key, $value := .Data.data }}{{ $key }}={{ $value }}\n{{ end }}"
    return "".join(f"{key}={{{{ .Data.data.{key} }}}}\n" for key in keys)


_FORMATS = {"value": _value, "json": _json_object, "env": _env_lines}
