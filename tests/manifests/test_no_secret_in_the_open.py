"""No secret in the open: private keys and secret values only in Secrets' data, and Pulumi secrets all the way.

Every stack is rendered, its pulumi-tls placeholders replaced by real keys and certificates made
from what the program asked for (tests/lib/support/certs.py); then every object and every stack output
is scanned. The values of the stacks' Vault secrets (a KV fixture under the paths and keys the stacks
name) and of any `secure:` config (rendered as its placeholder) must not appear anywhere either.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
import yaml
from podpatterns.render import Recording, kubernetes_objects
from podpatterns.render.offline import SECRET_PLACEHOLDER, deploy_time_placeholder

from ..conftest import PROJECT_DIR, STACKS
from ..lib.support.certs import Materialized, materialize
from ..lib.support.exposure import Exposure, exposures, uncovered_paths

PRIVATE_KEY = "tls:index/privateKey:PrivateKey"


def kv_fixture() -> dict[str, str]:
    """A sentinel value for every key of every Vault secret the stacks name (keyless files: a whole secret)."""
    values = {"secure: config": SECRET_PLACEHOLDER}
    for stack in STACKS:
        document = yaml.safe_load((PROJECT_DIR / "stacks" / f"Pulumi.{stack}.yaml").read_text())
        for file in document["config"].get("pod-patterns:vault", {}).get("files", []):
            for key in file.get("keys") or ["whole-secret"]:
                values[f"Vault {file['path']}#{key}"] = f"sentinel-{file['path'].replace('/', '-')}-{key}-Zq81"
    return values


def private_keys(recording: Recording, made: Materialized) -> dict[str, str]:
    """Each private key, as its real PEM and as the render's placeholder for it."""
    keys = {}
    for registration in recording.registrations:
        if registration.type == PRIVATE_KEY:
            placeholder = deploy_time_placeholder(PRIVATE_KEY, registration.name, "privateKeyPem")
            keys[f"key {registration.name}"] = made.values[placeholder]
            keys[f"key {registration.name} (placeholder)"] = placeholder
    return keys


def scan(recording: Recording, plant: Any = None) -> list[Exposure]:
    made = materialize(recording)
    objects = [made.resolve(manifest) for manifest in kubernetes_objects(recording)]
    if plant:
        plant(objects, made)
    return exposures(objects, made.resolve(recording.outputs), {**private_keys(recording, made), **kv_fixture()})


@pytest.mark.parametrize("stack", STACKS)
def test_no_private_key_or_secret_value_outside_secret_data(stack: str, recordings: dict[str, Recording]) -> None:
    assert scan(recordings[stack]) == []


@pytest.mark.parametrize("stack", STACKS)
def test_private_keys_are_in_tls_secrets(stack: str, recordings: dict[str, Recording]) -> None:
    # The control for the test above: the keys are really there, where they belong.
    made = materialize(recordings[stack])
    secrets = [made.resolve(m) for m in kubernetes_objects(recordings[stack]) if m["kind"] == "Secret"]
    assert secrets
    for secret in secrets:
        assert secret["type"] == "kubernetes.io/tls"
        assert secret["stringData"]["tls.key"].startswith("-----BEGIN ")
        assert "PRIVATE KEY-----" in secret["stringData"]["tls.key"]


def first_config_map(objects: list[dict[str, Any]]) -> dict[str, Any]:
    return next(m for m in objects if m["kind"] == "ConfigMap")


def plant_key_in_config_map(objects: list[dict[str, Any]], made: Materialized) -> None:
    key = next(v for v in made.values.values() if "PRIVATE KEY-----" in v)
    first_config_map(objects)["data"]["leaked.pem"] = key


def plant_base64_key_in_binary_data(objects: list[dict[str, Any]], made: Materialized) -> None:
    key = next(v for v in made.values.values() if "PRIVATE KEY-----" in v)
    first_config_map(objects)["binaryData"] = {"leaked": base64.b64encode(key.encode()).decode()}


def plant_vault_value_in_env(objects: list[dict[str, Any]], made: Materialized) -> None:
    (workload,) = [m for m in objects if m["kind"] == "StatefulSet"]
    value = next(v for k, v in kv_fixture().items() if k.startswith("Vault "))
    workload["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "PW", "value": value})


def plant_key_in_secret_annotation(objects: list[dict[str, Any]], made: Materialized) -> None:
    secret = next(m for m in objects if m["kind"] == "Secret")
    secret["metadata"]["annotations"] = {"copy": secret["stringData"]["tls.key"]}


@pytest.mark.parametrize(
    ("plant", "where", "what"),
    [
        (plant_key_in_config_map, "ConfigMap search-prod/elasticsearch-ambassador: data.leaked.pem", "PEM"),
        (plant_base64_key_in_binary_data, "ConfigMap search-prod/elasticsearch-ambassador: binaryData.leaked", "PEM"),
        (plant_vault_value_in_env, "StatefulSet search-prod/elasticsearch: spec.template.spec.containers[0]", "Vault"),
        (plant_key_in_secret_annotation, "metadata.annotations.copy", "PEM"),
    ],
    ids=["key-in-configmap", "base64-key-in-binarydata", "vault-value-in-env", "key-in-secret-annotation"],
)
def test_the_scanner_catches_a_planted_secret(
    plant: Any, where: str, what: str, recordings: dict[str, Recording]
) -> None:
    found = scan(recordings["prod"], plant)
    assert found, "the planted secret was not found"
    assert all(where in exposure.where for exposure in found), found
    assert any(what in exposure.what for exposure in found), found


def test_the_scanner_catches_a_key_in_a_stack_output(recordings: dict[str, Recording]) -> None:
    recording = copy.copy(recordings["dev"])
    placeholder = deploy_time_placeholder(PRIVATE_KEY, "elasticsearch-tls-server-key", "privateKeyPem")
    recording.outputs = {**recording.outputs, "serverKey": placeholder}
    found = scan(recording)
    assert [e.where for e in found] == ["stack output serverKey", "stack output serverKey"]
    assert {e.what for e in found} == {"a PEM private key", "key elasticsearch-tls-server-key"}


@pytest.mark.parametrize("stack", STACKS)
def test_every_input_holding_a_private_key_is_a_pulumi_secret(stack: str, recordings: dict[str, Recording]) -> None:
    recording = recordings[stack]
    keys = [
        deploy_time_placeholder(PRIVATE_KEY, r.name, "privateKeyPem")
        for r in recording.registrations
        if r.type == PRIVATE_KEY
    ]
    holders = 0
    for registration in recording.registrations:
        for key in keys:
            if any(key in text for text in _texts(registration.inputs)):
                holders += 1
                assert uncovered_paths(registration.inputs, registration.secret_paths, key) == [], registration.name
    # Each key signs its request or certificate, and goes into its Secret; the CA key signs every certificate.
    assert holders >= 2 * len(keys)


def test_an_input_holding_a_key_in_the_clear_is_reported() -> None:
    inputs = {"stringData": {"tls.key": "KEY"}, "metadata": {"annotations": {"k": "the KEY"}}}
    assert uncovered_paths(inputs, ("stringData",), "KEY") == ["metadata.annotations.k"]


def _texts(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [t for v in _children(value) for t in _texts(v)]


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else []
