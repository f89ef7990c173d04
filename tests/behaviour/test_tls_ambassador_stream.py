"""The TLS ambassador in mode stream (TLS ended at the TCP level) on the real nginx, with the configuration
rendered from the dev and prod stacks switched to `tls.mode: stream` (prod: client certificates required)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.variants import render_variant
from .test_tls_ambassador import (
    TLS_PORT,
    RunningPod,
    ca_file,
    exporter_reads_through_the_ambassador,
    foreign_client_certificate,
    logged,
    start_pod,
)

CLIENT = "elasticsearch-client-ingest"


@pytest.fixture(params=["dev", "prod"])
def streaming(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningPod]:
    with start_pod(render_variant(request.param, tls={"mode": "stream"}), tmp_path) as pod:
        yield pod


def _issued_certificate(pod: RunningPod) -> list[str]:
    """curl options presenting the issued client certificate; none when mutual TLS is off (dev)."""
    issued = pod.files / CLIENT
    return ["--cert", str(issued / "tls.crt"), "--key", str(issued / "tls.key")] if issued.exists() else []


def test_https_reaches_the_app_and_each_connection_is_logged(streaming: RunningPod) -> None:
    result = streaming.curl("--cacert", ca_file(streaming), *_issued_certificate(streaming), streaming.url())
    assert result.returncode == 0, result.stderr
    assert '"cluster_name": "standin-cluster"' in result.stdout
    assert streaming.served() == ["/_cluster/health"]
    client = '"O=pod-patterns,CN=ingest"' if _issued_certificate(streaming) else '"-"'  # RFC 2253 order
    assert logged(streaming, f' "127.0.0.1:9201" TLSv1.3 . {client}')  # a full handshake, proxied to the app


def test_plain_http_on_the_tls_port_never_reaches_the_app(streaming: RunningPod) -> None:
    result = streaming.curl(f"http://{streaming.host}:{TLS_PORT}/")
    assert result.returncode != 0  # no HTTP here: the TLS handshake fails and nginx closes the connection
    assert streaming.served() == []


def test_required_client_certificates_are_checked_at_the_handshake(streaming: RunningPod) -> None:
    conf = (streaming.files / "tls-ambassador-config" / "nginx.conf").read_text()
    if not _issued_certificate(streaming):
        assert "ssl_verify_client" not in conf
        return  # dev: mutual TLS off, checked by the other tests without client certificates
    assert "ssl_verify_client on;" in conf
    verify = ["--cacert", ca_file(streaming)]
    assert streaming.curl(*verify, streaming.url()).returncode != 0
    cert, key = foreign_client_certificate(streaming.files)
    assert streaming.curl(*verify, "--cert", cert, "--key", key, streaming.url()).returncode != 0
    assert streaming.curl(*verify, *_issued_certificate(streaming), streaming.url()).returncode == 0
    assert streaming.served() == ["/_cluster/health"]  # only the issued client got through


def test_readiness_asks_the_app_on_loopback_and_the_ambassador_by_tcp(streaming: RunningPod) -> None:
    """No HTTP location in mode stream: Elasticsearch is probed on 127.0.0.1:9201, nginx on its port."""
    network, pod = streaming.network, streaming.pod_spec
    app = pod["containers"][0]
    ambassador = next(c for c in pod["containers"] if c["name"] == "tls-ambassador")
    assert ambassador["readinessProbe"]["tcpSocket"] == {"port": TLS_PORT}
    network.wait_for_port(network.pod, "127.0.0.1", TLS_PORT, timeout=1)
    readiness = app["readinessProbe"]["exec"]["command"]
    assert network.run(network.pod, readiness).returncode == 0
    standin = network.processes[0]
    os.killpg(standin.pid, 15)
    standin.wait()
    assert network.run(network.pod, readiness).returncode != 0  # the app is gone: not ready


def test_the_exporter_reads_elasticsearch_through_the_stream_ambassador(streaming: RunningPod) -> None:
    exporter_reads_through_the_ambassador(streaming)
    assert logged(streaming, ' "127.0.0.1:9201" TLSv1.3 . ')
