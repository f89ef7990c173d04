"""Settings of Elasticsearch's own security: users on HTTP, TLS between nodes, and its keystore fed from Vault."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...settings.engine import setting
from .user_config import keystore_entry_name

_SETTING_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)+$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
S3_CLIENT_PREFIX = "s3.client."
BOOTSTRAP_PASSWORD = "bootstrap.password"
"""The keystore entry Elasticsearch takes the `elastic` user's password from until it is changed through the API."""


def _setting_name(value: str) -> None:
    if not _SETTING_NAME.match(value):
        raise ValueError("must be a dotted Elasticsearch setting name, such as s3.client.default.access_key")
    keystore_entry_name(value)


def _file_name(value: str) -> None:
    if not _FILE_NAME.match(value):
        raise ValueError("must be a file name of vault.files: letters, digits, '.', '_', '-', not starting with '.'")


@dataclass(frozen=True)
class KeystoreEntrySettings:
    """One secure setting, added to Elasticsearch's keystore from one Vault file at every start."""

    name: str | None = setting(
        None,
        "Secure setting name, such as s3.client.default.access_key (required): one Elasticsearch registers as "
        "secure (docs/elasticsearch-settings.md).",
        check=_setting_name,
        allowed="secure setting name",
    )
    file: str | None = setting(
        None,
        "Name of the vault.files entry (format value) holding the value (required).",
        check=_file_name,
        allowed="file name",
    )


@dataclass(frozen=True)
class SecuritySettings:
    """Elasticsearch security (X-Pack): users and passwords on HTTP, mutual TLS between the nodes."""

    enabled: bool = setting(
        False,
        "Turn Elasticsearch security on: every HTTP request needs a user (the ambassador passes credentials "
        "through), and the transport port 9300 takes only TLS from nodes holding the stack's node certificate. "
        "Needs tls.enabled (HTTP stays on 127.0.0.1 behind the ambassador) and vault.enabled (the password).",
    )
    bootstrap_password_file: str = setting(
        "bootstrap-password",
        "The vault.files entry (format value) with the elastic user's password, added to the keystore as "
        "bootstrap.password; the readiness probe authenticates with it.",
        check=_file_name,
        allowed="file name",
    )


def keystore_entries(
    security: SecuritySettings, keystore: Sequence[KeystoreEntrySettings]
) -> tuple[tuple[str, str], ...]:
    """(setting, Vault file) pairs the keystore init container adds: the bootstrap password, then `keystore`."""
    entries = [(BOOTSTRAP_PASSWORD, security.bootstrap_password_file)] if security.enabled else []
    entries += [(str(entry.name), str(entry.file)) for entry in keystore]
    return tuple(entries)


def keystore_problem(
    entries: tuple[tuple[str, str], ...], vault_files: dict[str, str], vault_enabled: bool
) -> tuple[str, str] | None:
    """(key, message) when the keystore entries cannot be fed from Vault's files (name to format), else None."""
    names = [name for name, _ in entries]
    for name in names:
        if names.count(name) > 1:
            return (
                "elasticsearch",
                f"keystore: the setting {name} is listed twice (bootstrap.password comes from security)",
            )
    for name, file in entries:
        key = "security" if name == BOOTSTRAP_PASSWORD else "elasticsearch"
        if not vault_enabled:
            return key, f"the keystore entry {name} comes from the Vault file {file}: it needs vault.enabled"
        if file not in vault_files:
            listed = ", ".join(vault_files) or "none"
            return (
                key,
                f"the keystore entry {name} reads the Vault file {file}, which vault.files does not list ({listed})",
            )
        if vault_files[file] != "value":
            return key, f"the keystore entry {name} reads {file}, whose format is {vault_files[file]}: use format value"
    return None


def uses_s3(entries: tuple[tuple[str, str], ...]) -> bool:
    return any(name.startswith(S3_CLIENT_PREFIX) for name, _ in entries)
