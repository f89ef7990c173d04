"""The TLS ambassador on the real nginx (Debian), in the dev and prod stacks' pods run by the harness
(tests/harness): the rendered configuration, certificates made from exactly what the component asked
pulumi-tls for, clients in the cluster namespace. HTTPS end to end, plain HTTP and the app port:
tests/e2e/test_stack_pods.py.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from podpatterns import WorkloadTarget
from podpatterns.elasticsearch.config import HEALTH_PATH, LOOPBACK_HTTP_PORT
from podpatterns.tls import TlsSettings
from podpatterns.tls.contribution import AmbassadorLayout, readiness_probes

from ..harness.stack import TLS_PORT, StackPod
from ..support.certs import self_signed

STATUS = ["--output", "/dev/null", "--write-out", "%{http_code}"]


@pytest.mark.parametrize(
    ("version", "refused"), [("-tls1", True), ("-tls1_1", True), ("-tls1_2", False), ("-tls1_3", False)]
)
def test_only_tls_1_2_and_1_3_are_accepted(stack_pod: StackPod, version: str, refused: bool) -> None:
    # SECLEVEL=0 lets this client offer TLS 1.0/1.1 at all: a refusal must come from the server.
    argv = ["openssl", "s_client", version, "-cipher", "DEFAULT@SECLEVEL=0"]
    argv += ["-connect", f"{stack_pod.pod.ip}:{TLS_PORT}", "-servername", stack_pod.host]
    result = stack_pod.cluster.network.run(argv, input="", timeout=30)
    assert (result.returncode != 0) is refused, result.stdout[-500:] + result.stderr[-500:]


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


def test_mutual_tls_required_in_prod(stack_pod: StackPod, tmp_path: Path) -> None:
    issued = stack_pod.client_certificate()
    if not issued:
        nginx_conf = stack_pod.pod.volumes["tls-ambassador-config"].path / "nginx.conf"
        assert "ssl_verify_client" not in nginx_conf.read_text()
        return  # dev: mutual TLS off, checked by the other tests without client certificates
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
    client = '"O=pod-patterns,CN=metrics-exporter"' if stack_pod.stack == "prod" else '"-"'
    # The ambassador buffers its log for up to a second.
    log = stack_pod.pod.wait_for_log("tls-ambassador", '"GET /_nodes/_local/stats HTTP/1.1" 200', timeout=3)
    lines = [line for line in log.splitlines() if "/_nodes/_local/stats" in line]
    assert all(line.endswith(client) for line in lines), lines


def test_zz_a_generic_apps_readiness_through_the_ambassador_follows_the_app(stack_pod: StackPod) -> None:
    """The readiness probe TlsAmbassador gives a workload that is not Elasticsearch (`app_readiness`), run in
    this pod's ambassador: it passes through TLS (prod: without a client certificate, under mutual TLS required)
    while the app answers (prod's Elasticsearch then wants a user: 401), and fails once it is gone. Runs last for
    its pod (zz): it stops Elasticsearch."""
    pod = stack_pod.pod
    target = WorkloadTarget(
        name="elasticsearch",
        namespace="search",
        labels={"app": "elasticsearch"},
        app_container="elasticsearch",
        app_port=TLS_PORT,
        service_name="elasticsearch",
    )
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
