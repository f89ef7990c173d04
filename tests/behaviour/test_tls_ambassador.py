"""The TLS ambassador on the real nginx (Debian), in the dev and prod stacks' pods run by the harness
(tests/harness): the rendered configuration, certificates made from exactly what the component asked
pulumi-tls for, clients in the cluster namespace. HTTPS end to end, plain HTTP and the app port:
tests/e2e/test_stack_pods.py.
"""

from __future__ import annotations

import datetime
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from podpatterns.render import Recording

from ..harness.stack import TLS_PORT, StackPod, run_stack
from .conftest import require_program

STATUS = ["--output", "/dev/null", "--write-out", "%{http_code}"]


@pytest.fixture(scope="module", params=["dev", "prod"])
def running(
    request: pytest.FixtureRequest,
    recordings: dict[str, Recording],
    vault_agent: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StackPod]:
    require_program("nginx", "nginx-light")
    stack = request.param
    with run_stack(stack, recordings[stack], tmp_path_factory.mktemp(f"tls-{stack}"), vault_agent) as pod:
        yield pod


@pytest.mark.parametrize(
    ("version", "refused"), [("-tls1", True), ("-tls1_1", True), ("-tls1_2", False), ("-tls1_3", False)]
)
def test_only_tls_1_2_and_1_3_are_accepted(running: StackPod, version: str, refused: bool) -> None:
    # SECLEVEL=0 lets this client offer TLS 1.0/1.1 at all: a refusal must come from the server.
    argv = ["openssl", "s_client", version, "-cipher", "DEFAULT@SECLEVEL=0"]
    argv += ["-connect", f"{running.pod.ip}:{TLS_PORT}", "-servername", running.host]
    result = running.cluster.network.run(argv, input="", timeout=30)
    assert (result.returncode != 0) is refused, result.stdout[-500:] + result.stderr[-500:]


def test_sslyze_finds_mozilla_intermediate_compliance(running: StackPod) -> None:
    sslyze = str(Path(sys.executable).parent / "sslyze")
    target = f"{running.host}:{TLS_PORT}{{{running.pod.ip}}}"
    # The cluster's own CA is the trust anchor clients use; sslyze's store only holds public CAs.
    argv = [sslyze, "--mozilla_config=intermediate", f"--certinfo_ca_file={running.ca}", target]
    result = running.pod.in_cluster(argv, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{running.host}:{TLS_PORT}: OK - Compliant." in result.stdout


def test_the_readiness_path_is_closed_to_the_cluster(running: StackPod) -> None:
    through_tls = running.pod.in_cluster(running.https("/_ambassador/upstream-health", *STATUS))
    assert through_tls.stdout == "403"  # the in-pod readiness path is closed to the cluster
    assert running.pod.ready("elasticsearch") is None  # while the app's probe, from inside the pod, passes


def _foreign_client_certificate(directory: Path) -> tuple[str, str]:
    """A client certificate signed by a CA the ambassador does not trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "intruder")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "intruder.crt", directory / "intruder.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


def test_mutual_tls_required_in_prod(running: StackPod, tmp_path: Path) -> None:
    issued = running.client_certificate()
    if not issued:
        nginx_conf = running.pod.volumes["tls-ambassador-config"].path / "nginx.conf"
        assert "ssl_verify_client" not in nginx_conf.read_text()
        return  # dev: mutual TLS off, checked by the other tests without client certificates
    mark = uuid.uuid4().hex[:12]
    resolve = f"{running.host}:{TLS_PORT}:{running.pod.ip}"
    url = f"https://{running.host}:{TLS_PORT}/_cluster/health?tls={mark}"
    curl = ["curl", "--silent", "--max-time", "5", "--resolve", resolve, "--cacert", running.ca, *STATUS]
    assert running.pod.in_cluster([*curl, url]).stdout == "403"
    assert running.pod.in_cluster([*curl, *issued, url]).stdout == "200"
    cert, key = _foreign_client_certificate(tmp_path)
    assert running.pod.in_cluster([*curl, "--cert", cert, "--key", key, url]).stdout == "400"
    assert running.served().count(f"?tls={mark}") == 1  # only the issued client got through


def test_the_exporter_reads_elasticsearch_through_the_ambassador(running: StackPod) -> None:
    """The rendered exporter: https://localhost:9200, the CA, a client certificate under mutual TLS."""
    exporter = running.pod.containers["metrics-exporter"].spec
    assert not any("skip-verify" in arg for arg in exporter["args"])
    scrape = running.pod.in_cluster(["curl", "--silent", "--fail", f"http://{running.pod.ip}:9114/metrics"])
    assert "elasticsearch_cluster_health_up 1" in scrape.stdout
    assert "standin: GET /_nodes/_local/stats" in running.served()
    client = '"O=pod-patterns,CN=metrics-exporter"' if running.stack == "prod" else '"-"'
    assert '"GET /_nodes/_local/stats HTTP/1.1" 200' in running.pod.logs("tls-ambassador")
    lines = [line for line in running.pod.logs("tls-ambassador").splitlines() if "/_nodes/_local/stats" in line]
    assert all(line.endswith(client) for line in lines), lines
