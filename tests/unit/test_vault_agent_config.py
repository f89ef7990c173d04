"""The Vault agent's configuration: valid for the agent's documented schema, and made of the stack's paths and keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from podpatterns.pod.model import Manifest
from podpatterns.settings import KeyStyle, parse
from podpatterns.vault.agent_config import agent_config, config_files, template_contents
from podpatterns.vault.settings import VaultFileSettings, VaultSettings

from ..conftest import PROJECT_DIR, STACKS

SCHEMA = json.loads((Path(__file__).parent / "vault_agent_config.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def vault(**overrides: Any) -> VaultSettings:
    raw = {
        "enabled": True,
        "address": "https://vault.example:8200",
        "ca_config_map": "vault-ca",
        "role": "orders",
        "files": [{"name": "db-password", "path": "orders/db", "keys": ["password"]}],
        **overrides,
    }
    return parse(VaultSettings, raw, "test", KeyStyle())


def agent_configs(rendered: dict[str, list[Manifest]]) -> dict[str, dict[str, Any]]:
    """Every agent configuration of every stack, by "<stack>/<file>"."""
    configs = {}
    for stack, objects in rendered.items():
        for manifest in objects:
            if manifest["kind"] == "ConfigMap" and manifest["metadata"]["name"].endswith("-vault-agent"):
                for key, text in manifest["data"].items():
                    configs[f"{stack}/{key}"] = json.loads(text)
    return configs


VARIANTS = {
    "defaults": vault(),
    "every format, CA, other mounts, renewal": vault(
        ca_config_map="vault-ca",
        auth_mount="k8s/prod",
        kv_mount="kv",
        renew=True,
        files=[
            {"name": "a", "path": "x/a", "keys": ["one"]},
            {"name": "b.json", "path": "x/b", "format": "json"},
            {"name": "c.json", "path": "x/c", "keys": ["k1", "k2"], "format": "json"},
            {"name": "d.env", "path": "x/d", "format": "env"},
            {"name": "e.env", "path": "x/e", "keys": ["USER", "PASS"], "format": "env"},
        ],
    ),
}


def test_the_staging_and_prod_configs_are_all_checked(rendered: dict[str, list[Manifest]]) -> None:
    assert sorted(agent_configs(rendered)) == ["prod/agent-init.json", "staging/agent-init.json"]


def test_every_stack_config_matches_the_documented_schema(rendered: dict[str, list[Manifest]]) -> None:
    for name, config in agent_configs(rendered).items():
        errors = [error.message for error in VALIDATOR.iter_errors(config)]
        assert errors == [], name


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_matches_the_documented_schema(variant: str) -> None:
    for text in config_files(VARIANTS[variant]).values():
        VALIDATOR.validate(json.loads(text))


@pytest.mark.parametrize(
    ("break_it", "complaint"),
    [
        (lambda c: c.update(exit_after_auht=True), "exit_after_auht"),
        (lambda c: c.update(exit_after_auth="true"), "'true' is not of type 'boolean'"),
        (lambda c: c["auto_auth"]["method"][0]["config"].pop("role"), "'role' is a required property"),
        (lambda c: c["auto_auth"]["method"][0]["config"].update(jwt="x"), "'jwt' was unexpected"),
        (lambda c: c["template"][0].pop("destination"), "'destination' is a required property"),
        (lambda c: c["template"][0].update(source="/t.ctmpl"), "is valid under each of"),
        (lambda c: c["template"][0].update(perms="440"), None),  # octal without a leading 0 is allowed
        (lambda c: c["template"][0].update(perms="0999"), "does not match"),
        (lambda c: c["vault"].update(address="vault:8200"), "does not match"),
        (lambda c: c["auto_auth"].update(sink=[{"type": "file"}]), "'config' is a required property"),
    ],
)
def test_the_schema_rejects_what_the_agent_rejects(break_it: Any, complaint: str | None) -> None:
    config = agent_config(vault(), exit_after_auth=True)
    break_it(config)
    errors = [error.message for error in VALIDATOR.iter_errors(config)]
    if complaint is None:
        assert errors == []
    else:
        assert any(complaint in error for error in errors), errors


def test_init_exits_after_auth_and_the_sidecar_does_not() -> None:
    files = config_files(vault(renew=True))
    init, renew = json.loads(files["agent-init.json"]), json.loads(files["agent-renew.json"])
    assert init["exit_after_auth"] is True
    assert renew["exit_after_auth"] is False
    # Only the sidecar reads the secrets again, every renewInterval (default 5m, consul-template's own default).
    assert "static_secret_render_interval" not in init["template_config"]
    assert renew["template_config"].pop("static_secret_render_interval") == "5m"
    assert {**init, "exit_after_auth": None} == {**renew, "exit_after_auth": None}
    custom = json.loads(config_files(vault(renew=True, renew_interval="30s"))["agent-renew.json"])
    assert custom["template_config"]["static_secret_render_interval"] == "30s"
    assert "agent-renew.json" not in config_files(vault())


def test_failures_end_the_agent_with_bounded_retries() -> None:
    config = agent_config(vault(), exit_after_auth=True)
    assert config["auto_auth"]["method"][0]["exit_on_err"] is True  # login refused or Vault unreachable
    assert config["template_config"] == {"exit_on_retry_failure": True}
    assert config["vault"]["retry"] == {"num_retries": 3}
    assert all(t["error_on_missing_key"] for t in config["template"])
    assert "sink" not in config["auto_auth"]  # the token stays in the agent's memory


def test_kubernetes_auth_and_vault_connection() -> None:
    config = agent_config(vault(ca_config_map="vault-ca", auth_mount="k8s/prod"), exit_after_auth=True)
    assert config["auto_auth"]["method"] == [
        {
            "type": "kubernetes",
            "mount_path": "auth/k8s/prod",
            "exit_on_err": True,
            "config": {"role": "orders", "token_path": "/var/run/secrets/vault/token"},
        }
    ]
    assert config["vault"]["ca_cert"] == "/etc/vault-agent-ca/ca.crt"
    plain = vault(address="http://vault.example:8200", ca_config_map=None)
    assert "ca_cert" not in agent_config(plain, exit_after_auth=True)["vault"]


@pytest.mark.parametrize(
    ("keys", "format", "contents"),
    [
        (["password"], "value", '{{ with secret "secret/data/p" }}{{ .Data.data.password }}{{ end }}'),
        ([], "json", '{{ with secret "secret/data/p" }}{{ .Data.data | toJSON }}\n{{ end }}'),
        (
            ["a", "b"],
            "json",
            '{{ with secret "secret/data/p" }}{"a":{{ .Data.data.a | toJSON }},"b":{{ .Data.data.b | toJSON }}}\n'
            "{{ end }}",
        ),
        (
            [],
            "env",
            '{{ with secret "secret/data/p" }}{{ range $key, $value := .Data.data }}{{ $key }}={{ $value }}\n'
            "{{ end }}{{ end }}",
        ),
        (["A", "B"], "env", '{{ with secret "secret/data/p" }}A={{ .Data.data.A }}\nB={{ .Data.data.B }}\n{{ end }}'),
    ],
)
def test_template_formats(keys: list[str], format: str, contents: str) -> None:
    file = VaultFileSettings(name="f", path="p", keys=tuple(keys), format=format)
    assert template_contents("secret", file) == contents


def test_templates_paths_and_keys_come_from_the_stack(rendered: dict[str, list[Manifest]]) -> None:
    configs = agent_configs(rendered)
    for stack in STACKS:
        document = yaml.safe_load((PROJECT_DIR / "stacks" / f"Pulumi.{stack}.yaml").read_text())
        stack_vault = document["config"].get("pod-patterns:vault", {})
        if not stack_vault.get("enabled"):
            assert not any(name.startswith(f"{stack}/") for name in configs)
            continue
        templates = configs[f"{stack}/agent-init.json"]["template"]
        assert len(templates) == len(stack_vault["files"])
        for template, file in zip(templates, stack_vault["files"], strict=True):
            assert template["destination"] == f"/vault/secrets/{file['name']}"
            assert template["contents"].startswith(f'{{{{ with secret "secret/data/{file["path"]}" }}}}')
            read_keys = set(template["contents"].split(".Data.data.")[1:])
            assert {key.split(" ")[0] for key in read_keys} == set(file.get("keys", []))
