"""VaultSecretsInit's settings: off by default, complete when on, every bad value named with what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.settings import KeyStyle, SettingsError, parse, reference_rows
from podpatterns.vault.settings import VaultSettings

STACK = KeyStyle(prefix="pod-patterns:", camel_case=True)
ON = {
    "enabled": True,
    "address": "https://vault.vault.svc:8200",
    "caConfigMap": "vault-ca",
    "role": "search",
    "files": [{"name": "password", "path": "search/elastic", "keys": ["password"]}],
}


def stack(vault: dict[str, Any], **top: Any) -> AppSettings:
    """Settings as the stack file gives them (keys without the project prefix, as the loader passes them)."""
    return parse(AppSettings, {"vault": vault, **top}, "stacks/Pulumi.test.yaml", STACK)


def test_off_by_default_and_needs_nothing_then() -> None:
    settings = parse(AppSettings, {}, "test", STACK)
    assert settings.vault == VaultSettings()
    assert settings.vault.enabled is False


def test_stack_spelling_and_lists_of_files() -> None:
    vault = stack({**ON, "kvMount": "kv", "files": [*ON["files"], {"name": "s3.env", "path": "a/b", "format": "env"}]})
    assert vault.vault.kv_mount == "kv"
    assert [(f.name, f.path, f.keys, f.format) for f in vault.vault.files] == [
        ("password", "search/elastic", ("password",), "value"),
        ("s3.env", "a/b", (), "env"),
    ]


def test_files_arrive_as_json_text_from_the_cli() -> None:
    vault = stack({**ON, "files": '[{"name": "p", "path": "x/y", "keys": ["k"]}]'}).vault
    assert vault.files[0].path == "x/y"


def test_renewal_needs_native_sidecars() -> None:
    with pytest.raises(SettingsError, match=r"pod-patterns:vault: renewal runs the agent as a native sidecar.*1\.29"):
        stack({**ON, "renew": True}, kubernetesVersion="1.28")
    assert stack({**ON, "renew": True}, kubernetesVersion="1.29").vault.renew
    assert not stack({**ON, "enabled": False, "renew": True}, kubernetesVersion="1.28").vault.enabled


def test_reference_documents_the_file_list() -> None:
    rows = {key: (default, allowed) for key, default, allowed, _ in reference_rows(AppSettings, STACK)}
    assert rows["pod-patterns:vault.files"] == ("[]", "list of mappings")
    assert rows["pod-patterns:vault.files[].format"] == ('"value"', "one of value, json, env")
    assert rows["pod-patterns:vault.files[].name"] == ("", "file name")


def test_vaults_ca_is_required_with_https_and_not_defaulted_to_the_api_servers() -> None:
    without_ca = {key: value for key, value in ON.items() if key != "caConfigMap"}
    with pytest.raises(SettingsError) as error:
        stack(without_ca)
    assert "pod-patterns:vault.caConfigMap" in str(error.value)
    assert "kube-root-ca.crt is the API server's CA" in str(error.value)
    assert stack({**without_ca, "address": "http://vault.vault.svc:8200"}).vault.ca_config_map is None
