"""Elasticsearch security: settings that name each missing piece, the transport CA and node certificate under
Pulumi mocks, the keystore init container and the elasticsearch.yml it all ends in."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from podpatterns import ElasticsearchApp
from podpatterns.elasticsearch import ElasticsearchAppArgs
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.render import Recording, kubernetes_objects, run_with_mocks
from podpatterns.render.offline import deploy_time_placeholder
from podpatterns.settings import KeyStyle, SettingsError, parse

SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert"
STACK = KeyStyle(prefix="pod-patterns:", camel_case=True)
PASSWORD_FILE = {"name": "bootstrap-password", "path": "search/elastic", "keys": ["password"]}
S3_FILES = [
    {"name": "s3-access-key", "path": "search/s3", "keys": ["access_key"]},
    {"name": "s3-secret-key", "path": "search/s3", "keys": ["secret_key"]},
]
VAULT = {"enabled": True, "address": "https://vault.vault.svc:8200", "caConfigMap": "vault-ca", "role": "search"}
S3_KEYSTORE = [
    {"name": "s3.client.default.access_key", "file": "s3-access-key"},
    {"name": "s3.client.default.secret_key", "file": "s3-secret-key"},
]
SECURE = {
    "security": {"enabled": True},
    "vault": {**VAULT, "files": [PASSWORD_FILE]},
    "metrics": {"enabled": True, "credentialsSecret": "exporter-credentials"},
}


def load(**raw: Any) -> AppSettings:
    return parse(AppSettings, {"namespace": "search", **raw}, "stacks/Pulumi.test.yaml", STACK)


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        ({**SECURE, "tls": {"enabled": False}}, "pod-patterns:security", "needs tls.enabled"),
        ({**SECURE, "vault": {"enabled": False}}, "pod-patterns:security", "needs vault.enabled"),
        ({**SECURE, "metrics": {"enabled": True}}, "pod-patterns:metrics", "set credentialsSecret"),
        (
            {**SECURE, "security": {"enabled": True, "bootstrapPasswordFile": "elastic"}},
            "pod-patterns:security",
            "reads the Vault file elastic, which vault.files does not list (bootstrap-password)",
        ),
        (
            {**SECURE, "vault": {**VAULT, "files": [{**PASSWORD_FILE, "format": "json"}]}},
            "pod-patterns:security",
            "whose format is json: use format value",
        ),
        (
            {**SECURE, "elasticsearch": {"keystore": [{"name": "bootstrap.password", "file": "bootstrap-password"}]}},
            "pod-patterns:elasticsearch",
            "bootstrap.password is listed twice",
        ),
        (
            {"vault": {**VAULT, "files": S3_FILES}, "elasticsearch": {"keystore": S3_KEYSTORE}},
            "pod-patterns:network",
            "snapshotCidrs is empty",
        ),
        (
            {"elasticsearch": {"keystore": [{"name": "S3 key", "file": "f"}]}},
            "pod-patterns:elasticsearch.keystore[0].name",
            "dotted Elasticsearch setting name",
        ),
        (
            {"elasticsearch": {"keystore": [{"name": "s3.client.default.access_key"}]}},
            "pod-patterns:elasticsearch.keystore",
            "needs a name",
        ),
    ],
)
def test_each_missing_piece_is_named(raw: dict[str, Any], key: str, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        load(**raw)
    assert f"{key}: " in str(error.value)
    assert message in str(error.value)


def test_the_keystore_takes_the_bootstrap_password_first_then_the_listed_settings() -> None:
    settings = load(
        **{
            **SECURE,
            "elasticsearch": {"keystore": S3_KEYSTORE},
            "vault": {**VAULT, "files": [PASSWORD_FILE, *S3_FILES]},
            "network": {"snapshotCidrs": ["10.40.0.0/24"]},
        }
    )
    assert settings.keystore_entries == (
        ("bootstrap.password", "bootstrap-password"),
        ("s3.client.default.access_key", "s3-access-key"),
        ("s3.client.default.secret_key", "s3-secret-key"),
    )
    assert load().keystore_entries == ()  # security off, nothing listed: no keystore init container


def run(args: ElasticsearchAppArgs) -> Recording:
    return run_with_mocks(lambda: ElasticsearchApp("search", args), project="test", stack="unit")


ARGS: ElasticsearchAppArgs = {
    "namespace": "search",
    "elasticsearch": {
        "name": "search",
        "nodes": 3,
        "keystore": [{"name": "s3.client.default.access_key", "file": "s3-access-key"}],
    },
    "security": {"enabled": True},
    "vault": {
        "enabled": True,
        "address": "https://vault.vault.svc:8200",
        "ca_config_map": "vault-ca",
        "role": "search",
        "files": [PASSWORD_FILE, S3_FILES[0]],
    },
    "network": {"snapshot_cidrs": ["10.40.0.0/24"]},
    "tls": {"mtls": "required", "clients": ["ingest"]},
}


def objects(recording: Recording) -> dict[tuple[str, str], Any]:
    return {(m["kind"], m["metadata"]["name"]): m for m in kubernetes_objects(recording)}


def test_a_transport_ca_of_its_own_signs_one_node_certificate_for_every_pod() -> None:
    recording = run(ARGS)
    by_name = {r.name: r for r in recording.registrations}
    # Not the ambassador's CA: its client certificates (ingest here) must not open the transport port.
    transport_ca, ambassador_ca = by_name["search-transport-ca"], by_name["search-tls-ca"]
    assert transport_ca.inputs["privateKeyPem"] != ambassador_ca.inputs["privateKeyPem"]
    node = by_name["search-transport-node-cert"].inputs
    assert node["caCertPem"] == deploy_time_placeholder(SELF_SIGNED, "search-transport-ca", "certPem")
    assert node["allowedUses"] == ["digital_signature", "server_auth", "client_auth"]
    assert node["earlyRenewalHours"] == 720  # renewed with the ambassador's, at the same pulumi up
    names = by_name["search-transport-node-csr"].inputs["dnsNames"]
    # Every pod, present and future, by wildcard: scaling out issues no new certificate.
    assert "*.search-headless.search.svc.cluster.local" in names
    secret = objects(recording)["Secret", "search-transport-tls"]
    assert secret["type"] == "kubernetes.io/tls"


def test_elasticsearch_turns_security_on_with_transport_tls_and_its_keystore_from_vault() -> None:
    made = objects(run(ARGS))
    yml = yaml.safe_load(made["ConfigMap", "search-config"]["data"]["elasticsearch.yml"])
    assert yml["xpack.security.enabled"] is True
    assert yml["xpack.security.http.ssl.enabled"] is False  # HTTP on 127.0.0.1, TLS at the ambassador
    assert yml["http.host"] == "127.0.0.1"
    assert yml["xpack.security.transport.ssl.client_authentication"] == "required"
    assert yml["xpack.security.transport.ssl.certificate_authorities"] == ["certs/transport/ca.crt"]
    pod = made["StatefulSet", "search"]["spec"]["template"]
    inits = {c["name"]: c for c in pod["spec"]["initContainers"] if c.get("restartPolicy") != "Always"}
    assert list(inits) == ["config-init", "vault-agent-init", "keystore-init"]  # after the files are written
    command = inits["keystore-init"]["command"]
    assert command[-2:] == [
        "bootstrap.password=/vault/secrets/bootstrap-password",
        "s3.client.default.access_key=/vault/secrets/s3-access-key",
    ]
    assert "elasticsearch-keystore add --force --stdin" in command[2]
    (app,) = [c for c in pod["spec"]["containers"] if c["name"] == "elasticsearch"]
    mounts = {m["mountPath"]: m["name"] for m in app["volumeMounts"]}
    assert mounts["/usr/share/elasticsearch/config/certs/transport"] == "transport-tls"
    probe = app["readinessProbe"]["exec"]["command"]
    assert probe[:2] == ["sh", "-c"]
    assert (probe[3], probe[-1]) == ("elasticsearch-readiness", "/vault/secrets/bootstrap-password")
    assert not any("correct horse" in part or "elastic:" in part for part in probe[3:])  # no password on argv
    assert "pod-patterns.io/transport-tls-sha256" in pod["metadata"]["annotations"]
    egress = made["NetworkPolicy", "search"]["spec"]["egress"]
    assert {"to": [{"ipBlock": {"cidr": "10.40.0.0/24"}}], "ports": [{"port": 443, "protocol": "TCP"}]} in egress
