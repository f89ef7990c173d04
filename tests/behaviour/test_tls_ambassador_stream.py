"""The TLS ambassador in mode stream (TLS ended at the TCP level) on the real nginx: the dev and prod stacks
switched to `tls.mode: stream` (prod: client certificates required), their pods run by the harness.
Debian's nginx loads its stream module dynamically (the official image has it built in): the test adds the
`load_module` line to the rendered configuration, the product does not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..lib.harness.stack import TLS_PORT, StackPod, marker, run_stack
from ..lib.support.certs import self_signed
from ..lib.support.nginx import for_debian_nginx_recording
from ..lib.support.stack_settings import stack_settings
from ..lib.support.variants import render_variant

UPSTREAM = '"127.0.0.1:9201"'
"""Where each logged connection went: the app on loopback."""
LOG_WAIT_SECONDS = 30
"""How long a logged connection may take to show (nginx flushes its log once a second) before it is lost."""


@pytest.fixture(scope="module", params=["dev", "prod"])
def stream_pod(
    request: pytest.FixtureRequest, vault_agent: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StackPod]:
    stack = request.param
    recording = for_debian_nginx_recording(render_variant(stack, tls={"mode": "stream"}))
    with run_stack(stack, recording, tmp_path_factory.mktemp(f"stream-{stack}"), vault_agent) as pod:
        yield pod


def logged(stream_pod: StackPod, client: str, *, from_the_pod: bool) -> int:
    """Connections the ambassador logged as full TLS 1.3 handshakes proxied to the app, for `client`, from
    inside the pod (127.0.0.1) or from the cluster."""
    suffix = f" {UPSTREAM} TLSv1.3 . {client}"
    lines = stream_pod.pod.logs("tls-ambassador").splitlines()
    return sum(1 for line in lines if line.endswith(suffix) and line.startswith("127.0.0.1 ") == from_the_pod)


def wait_for_more(stream_pod: StackPod, before: int, client: str, *, from_the_pod: bool) -> None:
    """Until the ambassador has logged a connection more than `before` (it flushes its log once a second)."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while logged(stream_pod, client, from_the_pod=from_the_pod) <= before:
        assert time.monotonic() < deadline, stream_pod.pod.logs("tls-ambassador")[-2000:]
        time.sleep(0.1)


def test_https_reaches_the_app_and_each_connection_is_logged(stream_pod: StackPod) -> None:
    mark = marker()
    mtls = stack_settings(stream_pod.stack).tls.mtls != "off"
    client = '"O=pod-patterns,CN=ingest"' if mtls else '"-"'  # RFC 2253 order
    before = logged(stream_pod, client, from_the_pod=False)
    result = stream_pod.pod.in_cluster(stream_pod.https(f"/_cluster/health?stream={mark}"))
    assert result.returncode == 0, result.stderr
    assert f"standin: GET /_cluster/health?stream={mark}" in stream_pod.served()
    # One line for this connection: a full TLS 1.3 handshake from the cluster, proxied to the app.
    wait_for_more(stream_pod, before, client, from_the_pod=False)


def test_plain_http_on_the_tls_port_never_reaches_the_app(stream_pod: StackPod) -> None:
    mark = marker()
    plain = stream_pod.pod.in_cluster(
        ["curl", "--silent", "--max-time", "5", f"http://{stream_pod.pod.ip}:9200/?{mark}"]
    )
    assert plain.returncode != 0  # no HTTP here: the TLS handshake fails and nginx closes the connection
    assert mark not in stream_pod.served()


def test_required_client_certificates_are_checked_at_the_handshake(stream_pod: StackPod, tmp_path: Path) -> None:
    mtls = stack_settings(stream_pod.stack).tls.mtls  # the variant keeps the stack's mode
    issued = stream_pod.client_certificate()
    if mtls == "off":
        assert issued == []
        anyone = stream_pod.pod.in_cluster(stream_pod.https("/_cluster/health"))
        assert anyone.returncode == 0, anyone.stderr  # no certificate asked
        return
    assert mtls == "required", "this test knows the stacks' modes: off and required"
    mark = marker()
    resolve = f"{stream_pod.host}:{TLS_PORT}:{stream_pod.pod.ip}"
    url = f"https://{stream_pod.host}:{TLS_PORT}/_cluster/health?stream={mark}"
    curl = ["curl", "--silent", "--max-time", "5", "--resolve", resolve, "--cacert", stream_pod.ca]
    assert stream_pod.pod.in_cluster([*curl, url]).returncode != 0  # no certificate: no handshake
    cert, key = tmp_path / "intruder.crt", tmp_path / "intruder.key"
    for path, pem in zip((cert, key), self_signed("intruder"), strict=True):  # a CA the ambassador does not trust
        path.write_text(pem)
    assert stream_pod.pod.in_cluster([*curl, "--cert", str(cert), "--key", str(key), url]).returncode != 0
    assert stream_pod.pod.in_cluster([*curl, *issued, url]).returncode == 0
    assert stream_pod.served().count(f"?stream={mark}") == 1  # only the issued client got through


def test_the_exporter_reads_elasticsearch_through_the_stream_ambassador(stream_pod: StackPod) -> None:
    """The rendered exporter: https://localhost:9200, the CA, under mutual TLS its client certificate.

    nginx logs a stream connection when it closes, and the exporter keeps its connection for the next scrape:
    stopping the exporter closes it, so its line shows then, and only if the exporter went through nginx.
    Stops the exporter (the tests after this one do not use it).
    """
    mtls = stack_settings(stream_pod.stack).tls.mtls != "off"
    client = '"O=pod-patterns,CN=metrics-exporter"' if mtls else '"-"'
    before = logged(stream_pod, client, from_the_pod=True)
    scrape = stream_pod.pod.in_cluster(["curl", "--silent", "--fail", f"http://{stream_pod.pod.ip}:9114/metrics"])
    assert "elasticsearch_cluster_health_up 1" in scrape.stdout
    assert "standin: GET /_nodes/_local/stats" in stream_pod.served()
    stream_pod.pod.stop("metrics-exporter")
    wait_for_more(stream_pod, before, client, from_the_pod=True)  # the scrape's connection, from the exporter


def test_zz_readiness_asks_the_app_on_loopback_and_the_ambassador_by_tcp(stream_pod: StackPod) -> None:
    """No HTTP location in mode stream: Elasticsearch's probe asks it on 127.0.0.1:9201, nginx's probe is TCP.
    Runs last for its pod (zz): it stops Elasticsearch."""
    pod = stream_pod.pod
    app_probe = pod.containers["elasticsearch"].spec["readinessProbe"]["exec"]["command"]
    assert app_probe[4] == "http://127.0.0.1:9201"  # the readiness script (sh -c script name url ...) asks it itself
    assert pod.containers["tls-ambassador"].spec["readinessProbe"]["tcpSocket"] == {"port": TLS_PORT}
    assert pod.ready("elasticsearch") is None
    assert pod.ready("tls-ambassador") is None
    pod.stop("elasticsearch")
    gone = pod.exec("tls-ambassador", app_probe)  # the same command, in the pod's network namespace
    assert gone.returncode != 0  # nothing answers on 9201: the app's probe fails, the pod leaves the Service
