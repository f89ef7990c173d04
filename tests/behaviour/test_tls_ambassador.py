"""The TLS ambassador on the real nginx (Debian), in the dev and prod stacks' pods run by the harness
(tests/lib/harness): the rendered configuration, certificates made from exactly what the component asked
pulumi-tls for, clients in the cluster namespace. HTTPS end to end, plain HTTP and the app port: on the real
nodes, tests/nodes/test_dev_stack.py.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from podpatterns.elasticsearch.config import HEALTH_PATH, LOOPBACK_HTTP_PORT
from podpatterns.tls import TlsSettings
from podpatterns.tls.contribution import AmbassadorLayout, readiness_probes

from ..lib.harness.stack import TLS_PORT, StackPod
from ..lib.support.certs import self_signed
from ..lib.support.stack_settings import stack_settings
from ..lib.support.workload_targets import workload_target

STATUS = ["--output", "/dev/null", "--write-out", "%{http_code}"]


SUITES = {
    "-tls1": "ECDHE-ECDSA-AES128-SHA",
    "-tls1_1": "ECDHE-ECDSA-AES128-SHA",
    "-tls1_2": "ECDHE-ECDSA-AES128-GCM-SHA256",
}
"""A suite each version can negotiate with the stacks' ECDSA certificate (TLS 1.3 has its own)."""
PROTOCOL_VERSION_ALERT = "SSL alert number 70"
"""The server's protocol_version alert, as OpenSSL's client reports it (no shared cipher would be 40)."""


def s_client(stack_pod: StackPod, *options: str) -> list[str]:
    """OpenSSL's client to the pod's ambassador, with `options`."""
    address = f"{stack_pod.pod.ip}:{TLS_PORT}"
    return ["openssl", "s_client", *options, "-connect", address, "-servername", stack_pod.host]


@pytest.mark.parametrize(
    ("version", "refused"), [("-tls1", True), ("-tls1_1", True), ("-tls1_2", False), ("-tls1_3", False)]
)
def test_only_tls_1_2_and_1_3_are_accepted(stack_pod: StackPod, version: str, refused: bool) -> None:
    """The client offers only `version`, with a suite that version could negotiate (SECLEVEL=0 lets OpenSSL
    offer TLS 1.0 and 1.1 at all): a refusal must be the server's protocol_version alert."""
    argv = s_client(stack_pod, version)
    if version in SUITES:
        argv += ["-cipher", f"{SUITES[version]}@SECLEVEL=0"]
    result = stack_pod.cluster.network.run(argv, input="", timeout=30)
    output = result.stdout + result.stderr
    if refused:
        assert result.returncode != 0
        assert PROTOCOL_VERSION_ALERT in output, output[-1000:]
    else:
        assert result.returncode == 0, output[-1000:]
        negotiated = "TLSv1.3" if version == "-tls1_3" else f"TLSv1.2, Cipher is {SUITES[version]}"
        assert f"New, {negotiated}" in output


def test_a_clients_renegotiation_is_refused(stack_pod: StackPod) -> None:
    """A TLS 1.2 client asks to renegotiate (OpenSSL's client does on a line "R"): the server answers with the
    no_renegotiation alert and the connection ends, as nginx promises since 0.8.23 (renegotiation costs the server a
    handshake each time for nothing: a denial of service; TLS 1.3 has none)."""
    result = stack_pod.cluster.network.run(s_client(stack_pod, "-tls1_2"), input="R\n", timeout=30)
    output = result.stdout + result.stderr
    assert "RENEGOTIATING" in output, output[-1000:]
    assert result.returncode != 0
    assert "no renegotiation" in output, output[-1000:]


def test_sslyze_finds_mozilla_intermediate_compliance(stack_pod: StackPod) -> None:
    sslyze = str(Path(sys.executable).parent / "sslyze")
    target = f"{stack_pod.host}:{TLS_PORT}{{{stack_pod.pod.ip}}}"
    # The cluster's own CA is the trust anchor clients use; sslyze's store only holds public CAs.
    argv = [sslyze, "--mozilla_config=intermediate", f"--certinfo_ca_file={stack_pod.ca}", target]
    result = stack_pod.pod.in_cluster(argv, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{stack_pod.host}:{TLS_PORT}: OK - Compliant." in result.stdout


def test_the_readiness_path_is_closed_to_the_cluster(stack_pod: StackPod) -> None:
    through_tls = stack_pod.pod.in_cluster(stack_pod.https("/_ambassador/upstream-health", *STATUS))
    assert through_tls.stdout == "403"  # the in-pod readiness path is closed to the cluster
    assert stack_pod.pod.ready("elasticsearch") is None  # while the app's probe, from inside the pod, passes


def test_client_certificates_as_the_stack_asks(stack_pod: StackPod, tmp_path: Path) -> None:
    """Branches on the stack's tls.mtls: off lets a client without a certificate through; required (prod)
    answers 403 without one, 200 with the issued one, 400 with one from another CA."""
    mtls = stack_settings(stack_pod.stack).tls.mtls
    issued = stack_pod.client_certificate()
    if mtls == "off":
        assert issued == []
        plain = stack_pod.pod.in_cluster(stack_pod.https("/_cluster/health", *STATUS))
        assert plain.stdout == "200"
        return
    assert mtls == "required", "this test knows the stacks' modes: off and required"
    assert issued
    mark = uuid.uuid4().hex[:12]
    resolve = f"{stack_pod.host}:{TLS_PORT}:{stack_pod.pod.ip}"
    url = f"https://{stack_pod.host}:{TLS_PORT}/_cluster/health?tls={mark}"
    curl = ["curl", "--silent", "--max-time", "5", "--resolve", resolve, "--cacert", stack_pod.ca, *STATUS]
    curl += stack_pod.login()  # Elasticsearch's own user: the certificate alone opens the ambassador only
    assert stack_pod.pod.in_cluster([*curl, url]).stdout == "403"
    assert stack_pod.pod.in_cluster([*curl, *issued, url]).stdout == "200"
    cert, key = tmp_path / "intruder.crt", tmp_path / "intruder.key"
    for path, pem in zip((cert, key), self_signed("intruder"), strict=True):  # a CA the ambassador does not trust
        path.write_text(pem)
    assert stack_pod.pod.in_cluster([*curl, "--cert", str(cert), "--key", str(key), url]).stdout == "400"
    assert stack_pod.served().count(f"?tls={mark}") == 1  # only the issued client got through


def test_the_exporter_reads_elasticsearch_through_the_ambassador(stack_pod: StackPod) -> None:
    """The rendered exporter: https://localhost:9200, the CA, a client certificate under mutual TLS."""
    exporter = stack_pod.pod.containers["metrics-exporter"].spec
    assert not any("skip-verify" in arg for arg in exporter["args"])
    scrape = stack_pod.pod.in_cluster(["curl", "--silent", "--fail", f"http://{stack_pod.pod.ip}:9114/metrics"])
    assert "elasticsearch_cluster_health_up 1" in scrape.stdout
    assert "standin: GET /_nodes/_local/stats" in stack_pod.served()
    mtls = stack_settings(stack_pod.stack).tls.mtls != "off"
    client = '"O=pod-patterns,CN=metrics-exporter"' if mtls else '"-"'
    # The ambassador flushes its log once a second: wait for the line (wait_for_log's own deadline).
    log = stack_pod.pod.wait_for_log("tls-ambassador", '"GET /_nodes/_local/stats HTTP/1.1" 200')
    lines = [line for line in log.splitlines() if "/_nodes/_local/stats" in line]
    assert all(line.endswith(client) for line in lines), lines


def test_zz_a_generic_apps_readiness_through_the_ambassador_follows_the_app(stack_pod: StackPod) -> None:
    """The readiness probe TlsAmbassador gives a workload that is not Elasticsearch (`app_readiness`), run in
    this pod's ambassador: it passes through TLS (prod: without a client certificate, under mutual TLS required)
    while the app answers (prod's Elasticsearch then wants a user: 401), and fails once it is gone. Runs last for
    its pod (zz): it stops Elasticsearch."""
    pod = stack_pod.pod
    target = workload_target("elasticsearch", "search", app_port=TLS_PORT)
    layout = AmbassadorLayout(target, LOOPBACK_HTTP_PORT, HEALTH_PATH, app_readiness=True)
    command = readiness_probes(layout, TlsSettings())["readinessProbe"]["exec"]["command"]
    ready = pod.exec("tls-ambassador", command)
    if stack_pod.security:  # prod: the probe reached Elasticsearch through TLS, which refuses an anonymous user
        assert "returned error: 401" in ready.stderr
    else:
        assert ready.returncode == 0, ready.stderr
    pod.stop("elasticsearch")
    gone = pod.exec("tls-ambassador", command)
    assert gone.returncode != 0
    assert "502" in gone.stderr  # nginx answers, the app behind it does not
