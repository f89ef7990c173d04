"""The staging stack on the real Elasticsearch: one node, security on, the bootstrap password from Vault."""

from __future__ import annotations

from ..lib.elasticsearch_checks import assert_clean_boot
from ..lib.harness.real_stack import RealStack
from .conftest import stack_fixture

staging = stack_fixture("staging")


def test_staging_boots_with_no_error_and_no_deprecation_for_its_settings(staging: RealStack) -> None:
    assert_clean_boot(staging)
    assert staging.config["node.store.allow_mmap"] is False


def test_the_elastic_user_logs_in_with_vaults_password_through_keystore_init(staging: RealStack) -> None:
    assert "bootstrap.password" in staging.pods[0].logs("keystore-init")  # its `elasticsearch-keystore list`
    answer = staging.api("/_security/_authenticate")
    assert answer.status == 200, answer.body
    assert answer.body["username"] == "elastic"
    assert answer.body["authentication_realm"]["type"] == "reserved"


def test_anonymous_and_wrong_passwords_get_401(staging: RealStack) -> None:
    anonymous = staging.api("/_cluster/health", user=None)
    assert anonymous.status == 401
    assert "www-authenticate: basic" in anonymous.headers.lower()
    assert staging.api("/_cluster/health", user="kibana_system").status == 401  # a reserved user without a password


def test_the_readiness_probe_logs_in(staging: RealStack) -> None:
    """Ready means the probe's curl got the cluster's health, which Elasticsearch answers only to a known user."""
    assert staging.pods[0].ready("elasticsearch") is None


def test_transport_tls_loads_the_stacks_certificate(staging: RealStack) -> None:
    paths = [certificate["path"] for certificate in staging.api("/_ssl/certificates").body]
    for name in ("tls.crt", "ca.crt"):
        assert any(path.endswith(f"certs/transport/{name}") for path in paths), paths
