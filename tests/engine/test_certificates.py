"""The tls provider and the Python language host on their own (no cluster): a CA and a leaf, up, unchanged on a
second preview, the keys only as ciphertext in the state, renewed once in their renewal window, destroyed."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from ..lib.pulumi_engine import LEAF_CERTIFICATE_TYPE, Engine, Project, copy_project
from .live import state_resources

PROGRAM = Path(__file__).parent / "programs" / "certificates"
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"


@pytest.fixture(scope="module")
def certificates(built_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = copy_project(built_engine, PROGRAM, tmp_path_factory.mktemp("certificates") / "project")
    project.stack_init("test")
    project.run("up", "--stack", "test", "--yes", "--skip-preview")
    yield project
    project.run("destroy", "--stack", "test", "--yes", check=False)


def test_the_leaf_is_what_the_program_asked_for(certificates: Project) -> None:
    outputs = certificates.outputs("test")
    leaf = x509.load_pem_x509_certificate(outputs["certificate"].encode())
    ca = x509.load_pem_x509_certificate(outputs["caCertificate"].encode())
    leaf.verify_directly_issued_by(ca)
    assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey)
    assert leaf.public_key().curve.name == "secp256r1"  # type: ignore[union-attr]
    assert leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName
    ) == ["leaf.test"]
    assert leaf.not_valid_after_utc - leaf.not_valid_before_utc == datetime.timedelta(hours=24)


def test_a_second_preview_changes_nothing(certificates: Project) -> None:
    done = certificates.run("preview", "--stack", "test", "--expect-no-changes", check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_private_keys_are_ciphertext_in_the_state(certificates: Project) -> None:
    exported = certificates.run("stack", "export", "--stack", "test").stdout
    assert "PRIVATE KEY" not in exported
    state = json.loads(exported)
    keys = state_resources(state, "tls:index/privateKey:PrivateKey")
    assert len(keys) == 2
    for resource in keys:
        assert set(resource["outputs"]["privateKeyPem"]) == {SECRET_SIGNATURE, "ciphertext"}
    (stack,) = state_resources(state, "pulumi:pulumi:Stack")
    assert set(stack["outputs"]["key"]) == {SECRET_SIGNATURE, "ciphertext"}


def test_up_renews_the_leaf_in_its_renewal_window_and_only_then(certificates: Project) -> None:
    """The window is reached by moving the recorded end of validity into the past (time cannot be moved)."""
    before = certificates.outputs("test")["certificate"]
    certificates.run("up", "--stack", "test", "--yes", "--skip-preview", "--refresh")
    assert certificates.outputs("test")["certificate"] == before, "renewed outside the window"

    certificates.expire_certificates("test")
    # A plain preview already plans the new leaf: the bridge runs the provider's plan modifier (no refresh needed).
    steps = json.loads(certificates.run("preview", "--stack", "test", "--json").stdout)["steps"]
    assert {s["op"] for s in steps if s["urn"].endswith("::leaf") and LEAF_CERTIFICATE_TYPE in s["urn"]} == {"replace"}
    certificates.run("up", "--stack", "test", "--yes", "--skip-preview", "--refresh")

    after = certificates.outputs("test")
    assert after["certificate"] != before
    renewed = x509.load_pem_x509_certificate(after["certificate"].encode())
    assert renewed.not_valid_after_utc > datetime.datetime.now(datetime.UTC)
    done = certificates.run("preview", "--stack", "test", "--expect-no-changes", check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_destroy_empties_the_stack(certificates: Project) -> None:
    certificates.run("destroy", "--stack", "test", "--yes")
    assert not certificates.export("test")["deployment"].get("resources")
