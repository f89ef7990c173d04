"""The Elasticsearch stand-in answers as Elasticsearch would, and refuses what Elasticsearch refuses:
node filters resolved as Elasticsearch resolves them, credentials checked when security is on, and no start with
security on but without transport TLS files or a bootstrap password."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..lib.standins.elasticsearch import NODE, ElasticsearchStandIn, security_password
from ..lib.standins.elasticsearch_keystore import run as keystore


@pytest.fixture
def standin() -> Iterator[ElasticsearchStandIn]:
    running = ElasticsearchStandIn().start()
    yield running
    running.stop()


def get(standin: ElasticsearchStandIn, path: str, user: str | None = None) -> tuple[int, Any, dict[str, str]]:
    request = urllib.request.Request(f"http://127.0.0.1:{standin.port}{path}")
    if user is not None:
        request.add_header("Authorization", "Basic " + base64.b64encode(user.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), dict(error.headers)


@pytest.mark.parametrize(
    ("node_filter", "selected"),
    [
        ("_local", True),
        ("_all", True),
        ("*", True),
        ("_master", True),
        (NODE, True),
        ("standin-*", True),
        ("master:true", True),
        ("data:true", True),
        ("ingest:true", True),
        ("coordinating_only:true", False),
        ("ml:true", False),
        ("other-node", False),
        ("rack:r1", False),
        ("_all,master:false", False),
        ("_all,ml:false", True),
        ("coordinating_only:true,_local", True),
    ],
)
def test_node_filters_select_as_elasticsearch_resolves_them(
    standin: ElasticsearchStandIn, node_filter: str, selected: bool
) -> None:
    status, body, _ = get(standin, f"/_nodes/{node_filter}/stats")
    assert status == 200
    assert [n["name"] for n in body["nodes"].values()] == ([NODE] if selected else [])
    assert body["_nodes"]["total"] == int(selected)


def test_without_security_credentials_are_ignored_as_elasticsearch_does(standin: ElasticsearchStandIn) -> None:
    assert get(standin, "/_cluster/health")[0] == 200
    assert get(standin, "/_cluster/health", "anyone:anything")[0] == 200


def test_with_security_every_request_needs_a_known_user_and_its_password() -> None:
    standin = ElasticsearchStandIn(users={"exporter": "pa55-w0rd"}).start()
    try:
        status, body, headers = get(standin, "/_cluster/health")
        assert (status, body["error"]["type"]) == (401, "security_exception")
        assert body["error"]["reason"] == "missing authentication credentials for REST request [/_cluster/health]"
        assert headers["WWW-Authenticate"].startswith('Basic realm="security"')
        status, body, _ = get(standin, "/_nodes/_local/stats", "exporter:wrong")
        assert status == 401
        assert (
            body["error"]["reason"] == "unable to authenticate user [exporter] for REST request [/_nodes/_local/stats]"
        )
        assert get(standin, "/", "someone:pa55-w0rd")[0] == 401
        status, body, _ = get(standin, "/_nodes/_local/stats", "exporter:pa55-w0rd")
        assert (status, list(body["nodes"])) == (200, ["n0d3-id"])
    finally:
        standin.stop()


TRANSPORT = {
    "xpack.security.enabled": True,
    "xpack.security.transport.ssl.enabled": True,
    "xpack.security.transport.ssl.key": "certs/transport/tls.key",
    "xpack.security.transport.ssl.certificate": "certs/transport/tls.crt",
    "xpack.security.transport.ssl.certificate_authorities": ["certs/transport/ca.crt"],
}


def test_with_security_it_refuses_to_start_without_transport_tls_files_or_a_bootstrap_password(
    tmp_path: Path,
) -> None:
    """README Security: the stand-in refuses to start as Elasticsearch does (the e2e pods rely on it)."""
    assert security_password(tmp_path, {"xpack.security.enabled": False}) is None
    with pytest.raises(SystemExit, match="transport TLS is off"):
        security_password(tmp_path, {**TRANSPORT, "xpack.security.transport.ssl.enabled": False})
    with pytest.raises(SystemExit, match="must be a path inside the config directory"):
        security_password(tmp_path, {**TRANSPORT, "xpack.security.transport.ssl.key": "/etc/tls.key"})
    with pytest.raises(FileNotFoundError, match=r"tls\.key"):
        security_password(tmp_path, TRANSPORT)
    certs = tmp_path / "certs" / "transport"
    certs.mkdir(parents=True)
    for name in ("tls.key", "tls.crt", "ca.crt"):
        (certs / name).write_text("-----BEGIN CERTIFICATE-----\n")
    (certs / "ca.crt").write_text("not a certificate")
    with pytest.raises(SystemExit, match=r"ca\.crt holds no PEM"):
        security_password(tmp_path, TRANSPORT)
    (certs / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    with pytest.raises(SystemExit, match="security is on: "):
        security_password(tmp_path, TRANSPORT)  # no keystore
    access_key = ["add", "--force", "--stdin", "s3.client.default.access_key"]  # arguments, not a command line
    keystore(access_key, tmp_path / "elasticsearch.keystore", "a")
    with pytest.raises(SystemExit, match=r"no bootstrap\.password"):
        security_password(tmp_path, TRANSPORT)
    password = ["add", "--force", "--stdin", "bootstrap.password"]  # arguments, not a command line
    keystore(password, tmp_path / "elasticsearch.keystore", "s3cret\n")
    assert security_password(tmp_path, TRANSPORT) == "s3cret"
