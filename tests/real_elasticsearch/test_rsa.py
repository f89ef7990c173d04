"""Transport TLS with RSA keys (`tls.keyAlgorithm: RSA`, which the settings allow): the staging stack with that one
change boots on the real Elasticsearch with the PKCS #1 key pulumi-tls writes for RSA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from podpatterns.render import run_offline

from ..lib.elasticsearch_checks import assert_clean_boot
from ..lib.harness.real_stack import RealStack, run_real_stack
from .conftest import PROJECT_DIR


@pytest.fixture(scope="module")
def staging_rsa(
    vault_agent: Path, elasticsearch_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RealStack]:
    project = tmp_path_factory.mktemp("rsa-project")
    for name in ("Pulumi.yaml", "__main__.py"):
        (project / name).symlink_to(PROJECT_DIR / name)
    stack = yaml.safe_load((PROJECT_DIR / "stacks" / "Pulumi.staging.yaml").read_text())
    stack["config"]["pod-patterns:tls"]["keyAlgorithm"] = "RSA"
    (project / "stacks").mkdir()
    (project / "stacks" / "Pulumi.staging.yaml").write_text(yaml.safe_dump(stack))
    recording = run_offline(project, "staging")
    workdir = tmp_path_factory.mktemp("real-rsa")
    with run_real_stack("staging", recording, workdir, vault_agent, elasticsearch_home) as real:
        yield real


def test_transport_tls_with_pkcs1_rsa_keys_boots(staging_rsa: RealStack) -> None:
    secret = staging_rsa.cluster.get(staging_rsa.namespace, "Secret", "elasticsearch-transport-tls")
    assert secret is not None
    assert secret["stringData"]["tls.key"].startswith("-----BEGIN RSA PRIVATE KEY-----")  # PKCS #1, as pulumi-tls
    assert_clean_boot(staging_rsa)
    certificates = staging_rsa.api("/_ssl/certificates").body
    transport = [c for c in certificates if c["path"].endswith("certs/transport/tls.crt")]
    assert transport, certificates
    assert transport[0]["has_private_key"] is True
