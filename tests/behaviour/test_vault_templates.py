"""The agent's templates, executed by Go's text/template (the engine under consul-template and the Vault agent).

The Vault binary is not in the package registries, so the agent itself cannot run here; its
templates can: the Vault agent stand-in (tests/lib/standins/vault/agent.go) runs each template of a rendered
agent configuration against a KV v2 fixture, with consul-template's `secret` and `toJSON` semantics and
`error_on_missing_key`, and writes the files with the configured perms.
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from podpatterns.pod.model import Manifest
from podpatterns.settings import KeyStyle, parse
from podpatterns.vault.agent_config import agent_config
from podpatterns.vault.settings import VaultSettings

from ..lib.standins.vault import PROD_KV


def render(
    vault_agent: Path, config: dict[str, Any], fixture: dict[str, Any], out: Path
) -> subprocess.CompletedProcess[str]:
    (out / "agent.json").write_text(json.dumps(config))
    (out / "kv.json").write_text(json.dumps(fixture))
    command = [str(vault_agent), str(out / "agent.json"), str(out / "kv.json"), str(out / "root")]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)


def stack_config(rendered: dict[str, list[Manifest]], stack: str) -> dict[str, Any]:
    (config_map,) = [m for m in rendered[stack] if m["metadata"]["name"] == "elasticsearch-vault-agent"]
    config: dict[str, Any] = json.loads(config_map["data"]["agent-init.json"])
    return config


def test_prod_templates_write_the_files_the_app_reads(
    vault_agent: Path, rendered: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    result = render(vault_agent, stack_config(rendered, "prod"), PROD_KV, tmp_path)
    assert result.returncode == 0, result.stderr
    secrets = tmp_path / "root" / "vault" / "secrets"
    # One value per file, as keystore-init adds them to the keystore (elasticsearch-keystore add --stdin).
    assert sorted(p.name for p in secrets.iterdir()) == ["bootstrap-password", "s3-access-key", "s3-secret-key"]
    assert (secrets / "bootstrap-password").read_text() == "correct horse battery staple"  # exactly, no newline
    assert (secrets / "s3-access-key").read_text() == "AKIAEXAMPLE"
    assert (secrets / "s3-secret-key").read_text() == "wJal/rXU+tnF=EXAMPLE"
    assert {stat.S_IMODE(p.stat().st_mode) for p in secrets.iterdir()} == {0o440}


def test_staging_templates_read_only_staging_paths(
    vault_agent: Path, rendered: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    # The prod fixture has no staging secrets: the agent would fail rather than write anything.
    result = render(vault_agent, stack_config(rendered, "staging"), PROD_KV, tmp_path)
    assert result.returncode == 1
    assert "no secret exists at secret/data/search/staging/elastic" in result.stderr


def test_a_missing_key_fails_instead_of_writing_no_value(
    vault_agent: Path, rendered: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    kv = {**PROD_KV, "secret/data/search/prod/s3-snapshots": {"access_key": "AKIAEXAMPLE"}}
    result = render(vault_agent, stack_config(rendered, "prod"), kv, tmp_path)
    assert result.returncode == 1
    assert 'map has no entry for key "secret_key"' in result.stderr


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ({"keys": ["user", "pass"], "format": "json"}, '{"user":"app","pass":"p\\"w\\n"}\n'),
        ({"format": "env"}, 'pass=p"w\n\nuser=app\n'),
        ({"keys": ["user"], "format": "value"}, "app"),
    ],
)
def test_formats(vault_agent: Path, tmp_path: Path, file: dict[str, Any], expected: str) -> None:
    settings = parse(
        VaultSettings,
        {"enabled": True, "address": "http://v:8200", "role": "r", "files": [{"name": "f", "path": "app", **file}]},
        "test",
        KeyStyle(),
    )
    kv = {"secret/data/app": {"user": "app", "pass": 'p"w\n'}}
    result = render(vault_agent, agent_config(settings, exit_after_auth=True), kv, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "root" / "vault" / "secrets" / "f").read_text() == expected
