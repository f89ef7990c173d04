"""VaultSecretsInit's settings: off by default, complete when on, every bad value named with what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns.settings import AppSettings, KeyStyle, SettingsError, parse, reference_rows
from podpatterns.vault.settings import VaultSettings

STACK = KeyStyle(prefix="pod-patterns:", camel_case=True)
ON = {
    "enabled": True,
    "address": "https://vault.vault.svc:8200",
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


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"address": None}, "pod-patterns:vault.address", "is required when enabled"),
        ({"role": None}, "pod-patterns:vault.role", "is required when enabled"),
        ({"files": []}, "pod-patterns:vault.files", "list at least one file"),
        ({"address": "vault:8200"}, "pod-patterns:vault.address", "http(s)://host[:port]"),
        ({"image": "hashicorp/vault"}, "pod-patterns:vault.image", "version tag or digest"),
        ({"image": "hashicorp/vault:latest"}, "pod-patterns:vault.image", "pinned to a version"),
        ({"tokenExpirationSeconds": 300}, "pod-patterns:vault.tokenExpirationSeconds", "must be 600 to 86400"),
        ({"fileMode": "0644"}, "pod-patterns:vault.fileMode", "must be one of 0440, 0400"),
        ({"sizeLimit": "lots"}, "pod-patterns:vault.sizeLimit", '"lots" is not allowed'),
        ({"files": [{"name": "p", "path": "../etc", "keys": ["k"]}]}, "pod-patterns:vault.files[0].path", "relative"),
        ({"files": [{"name": "p", "path": 'a"b', "keys": ["k"]}]}, "pod-patterns:vault.files[0].path", "relative"),
        ({"files": [{"name": ".hidden", "path": "a", "keys": ["k"]}]}, "pod-patterns:vault.files[0].name", "file"),
        ({"files": [{"name": "p", "path": "a", "keys": ["api-key"]}]}, "pod-patterns:vault.files[0].keys", "api-key"),
        (
            {"files": [{"name": "p", "path": "a", "keys": ["k"], "format": "yaml"}]},
            "pod-patterns:vault.files[0].format",
            "value, json",
        ),
        ({"files": [{"name": "p", "path": "a"}]}, "pod-patterns:vault.files", "format value needs exactly one key"),
        ({"files": [{"path": "a", "keys": ["k"]}]}, "pod-patterns:vault.files", "files[0] needs a name and a path"),
        (
            {"files": [{"name": "p", "path": "a", "keys": ["k"]}, {"name": "p", "path": "b", "keys": ["k"]}]},
            "pod-patterns:vault.files",
            "file name p is used twice",
        ),
        (
            {"files": [{"name": "p", "path": "a", "kyes": ["k"]}]},
            "pod-patterns:vault.files[0].kyes",
            "did you mean 'keys'?",
        ),
    ],
)
def test_bad_values_name_the_key_and_what_is_allowed(change: dict[str, Any], key: str, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        stack({**ON, **change})
    assert f"stacks/Pulumi.test.yaml: {key}" in str(error.value)
    assert message in str(error.value)


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
