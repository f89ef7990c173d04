"""No secret value reaches Pulumi: not as a setting, not as a resource input, not as an output.

Nothing here can call Vault, so the proof is in two parts: the settings cannot hold a secret value
(every text field is a checked name, path or address), and a program whose stack names the paths
and keys of a KV fixture registers nothing that contains the fixture's values or what the agent's
templates would expand to.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, get_type_hints

import pulumi
import pytest
from podpatterns import ElasticsearchApp, ElasticsearchAppArgs
from podpatterns.render import Recording, run_with_mocks
from podpatterns.settings import KeyStyle, SettingsError, parse
from podpatterns.settings.engine import rule_of
from podpatterns.vault.agent_config import agent_config
from podpatterns.vault.settings import VaultFileSettings, VaultSettings

# What Vault would hold: sentinel values under the paths and keys the stack names.
KV_FIXTURE = {
    "search/test/s3": {"access_key": "AKIASENTINEL0000001", "secret_key": "sentinel/Secret+Key=002"},
    "search/test/elastic": {"password": "sentinel-Password-003"},
}
FILES = [
    {"name": "s3.env", "path": "search/test/s3", "keys": ["access_key", "secret_key"], "format": "env"},
    {"name": "s3.json", "path": "search/test/s3", "format": "json"},
    {"name": "password", "path": "search/test/elastic", "keys": ["password"]},
]


def expansions() -> list[str]:
    """Everything the agent would write from the fixture, and each value on its own."""
    values = [value for secret in KV_FIXTURE.values() for value in secret.values()]
    env = [f"{key}={value}" for secret in KV_FIXTURE.values() for key, value in secret.items()]
    return values + env + [json.dumps(secret) for secret in KV_FIXTURE.values()]


def registered_text(**vault: Any) -> str:
    """Every input of every resource a vault-enabled program registers, and its outputs, as one text."""
    app_args: ElasticsearchAppArgs = {
        "namespace": "search",
        "vault": {
            "enabled": True,
            "address": "https://vault.vault.svc:8200",
            "ca_config_map": "vault-ca",
            "role": "search",
            "files": FILES,
            **vault,
        },
    }

    def program() -> None:
        app = ElasticsearchApp("search", app_args)
        pulumi.export("endpoint", app.endpoint)

    recording = run_with_mocks(program, project="test", stack="unit", recording=Recording("test-unit"))
    assert any(r.type == "podpatterns:index:VaultSecretsInit" for r in recording.registrations)
    return json.dumps([dict(r.inputs) for r in recording.registrations]) + json.dumps(recording.outputs)


def test_no_fixture_value_or_expansion_reaches_any_input_or_output() -> None:
    text = registered_text()
    assert "search/test/s3" in text  # the paths and key names do
    assert "secret_key" in text
    for secret in expansions():
        assert secret not in text
        assert json.dumps(secret)[1:-1] not in text  # nor escaped inside a JSON document


def test_the_scan_finds_a_value_put_where_a_name_belongs() -> None:
    # The control: a checked name field can carry an alphanumeric string, and the scan sees it.
    assert "AKIASENTINEL0000001" in registered_text(role="AKIASENTINEL0000001")


def test_templates_hold_only_references_key_names_and_punctuation() -> None:
    settings = parse(
        VaultSettings, {"enabled": True, "address": "http://v:8200", "role": "r", "files": FILES}, "t", KeyStyle()
    )
    for template in agent_config(settings, exit_after_auth=True)["template"]:
        literal = re.sub(r"\{\{.*?\}\}", "", template["contents"])
        assert re.fullmatch(r'[A-Za-z0-9_"{}:,=\n]*', literal), literal
        for word in re.findall(r"[A-Za-z0-9_]+", literal):
            assert any(word in f.get("keys", []) for f in FILES), word


# Every settings field and what it holds: a new field fails here until someone says what it is.
NOT_SECRET = {
    "enabled": "switch",
    "image": "image reference",
    "address": "URL",
    "ca_config_map": "object name (the CA certificate is public)",
    "ca_key": "ConfigMap key",
    "auth_mount": "Vault path",
    "role": "Vault role name",
    "audience": "token audience",
    "token_expiration_seconds": "number",
    "kv_mount": "Vault path",
    "files": "list of file settings",
    "mount_path": "filesystem path",
    "mount_into": "container names",
    "size_limit": "quantity",
    "file_mode": "file mode",
    "run_as_user": "number",
    "renew": "switch",
    "renew_interval": "duration",
    "name": "file name",
    "path": "Vault path",
    "keys": "key names",
    "format": "choice",
}
SECRET_LOOKING = "hunter2 P@ss:w0rd!"


TEXT = {str: SECRET_LOOKING, str | None: SECRET_LOOKING, tuple[str, ...]: (SECRET_LOOKING,)}


@pytest.mark.parametrize("cls", [VaultSettings, VaultFileSettings])
def test_settings_have_no_field_for_a_secret_value(cls: type) -> None:
    fields = dataclasses.fields(cls)
    assert {f.name for f in fields} <= set(NOT_SECRET)
    hints = get_type_hints(cls)
    text_fields = [f for f in fields if hints[f.name] in TEXT]
    assert len(text_fields) >= 4
    for field in text_fields:
        rule = rule_of(field)
        if rule.choices:
            assert SECRET_LOOKING not in rule.choices
            continue
        assert rule.check, f"{field.name} accepts free text"
        with pytest.raises(ValueError, match=r"must be|keys|expected"):
            rule.check(TEXT[hints[field.name]])


def test_a_secret_looking_value_is_rejected_as_a_role() -> None:
    with pytest.raises(SettingsError, match="role"):
        registered_text(role=SECRET_LOOKING)
