"""The prod stack on the real Elasticsearch: three nodes, each in its own pod and network namespace, one cluster
over transport TLS with the node certificate in the format pulumi-tls writes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ..lib.elasticsearch_checks import assert_clean_boot, assert_deprecations_are_logged
from ..lib.harness.real_stack import RealStack, wait_ready
from ..lib.support.certs import self_signed
from .conftest import stack_fixture

prod = stack_fixture("prod")


def test_prod_boots_with_no_error_and_no_deprecation_for_its_settings(prod: RealStack) -> None:
    assert_clean_boot(prod)
    assert_deprecations_are_logged(prod)


def test_three_nodes_form_one_green_cluster(prod: RealStack) -> None:
    health = prod.wait_for_health("green", 3)
    assert health["number_of_nodes"] == 3
    names = prod.api("/_cat/nodes?h=name&format=json").body
    assert sorted(node["name"] for node in names) == ["elasticsearch-0", "elasticsearch-1", "elasticsearch-2"]
    assert len({pod.ip for pod in prod.pods}) == 3  # three network namespaces


def test_transport_tls_uses_the_stacks_sec1_ec_key(prod: RealStack) -> None:
    key = prod.cluster.get(prod.namespace, "Secret", "elasticsearch-transport-tls")
    assert key is not None
    assert key["stringData"]["tls.key"].startswith("-----BEGIN EC PRIVATE KEY-----")  # SEC 1, as pulumi-tls writes
    certificates = prod.api("/_ssl/certificates").body
    transport = [c for c in certificates if c["path"].endswith("certs/transport/tls.crt")]
    assert transport, certificates
    assert transport[0]["has_private_key"] is True


def _handshake(prod: RealStack, files: Path, certificate: str, key: str) -> subprocess.CompletedProcess[str]:
    """A TLS 1.2 handshake with node 0's transport port from the cluster network, presenting `certificate`."""
    (files / "client.crt").write_text(certificate)
    (files / "client.key").write_text(key)
    argv = ["openssl", "s_client", "-tls1_2", "-connect", f"{prod.pods[0].ip}:9300", "-cert", str(files / "client.crt")]
    argv += ["-key", str(files / "client.key")]
    return prod.pods[0].in_cluster(["sh", "-c", f"echo | {' '.join(argv)}"], timeout=30)


def test_a_node_certificate_from_another_ca_is_refused(prod: RealStack, tmp_path: Path) -> None:
    secret = prod.cluster.get(prod.namespace, "Secret", "elasticsearch-transport-tls")
    assert secret is not None
    ours = _handshake(prod, tmp_path, secret["stringData"]["tls.crt"], secret["stringData"]["tls.key"])
    assert ours.returncode == 0, ours.stdout + ours.stderr  # the control: the stack's own node certificate
    other_certificate, other_key = self_signed("another CA")  # a CA's own certificate: signed by another CA
    theirs = _handshake(prod, tmp_path, other_certificate, other_key)
    assert theirs.returncode != 0, theirs.stdout
    assert "alert" in theirs.stderr.lower(), theirs.stderr


@pytest.mark.parametrize("node", [0, 1, 2])
def test_the_elastic_user_logs_in_on_every_node_and_anonymous_gets_401(prod: RealStack, node: int) -> None:
    assert prod.api("/_security/_authenticate", node=node).body["username"] == "elastic"
    assert prod.api("/_cluster/health", user=None, node=node).status == 401
    assert prod.pods[node].ready("elasticsearch") is None  # the readiness probe logs in


def test_prestop_sets_the_delayed_timeout_on_every_index(prod: RealStack) -> None:
    created = prod.api("/orders", method="PUT", body={"settings": {"number_of_replicas": 1}})
    assert created.status == 200, created.body
    hook = prod.pods[2].containers["elasticsearch"].spec["lifecycle"]["preStop"]["exec"]["command"]
    done = prod.pods[2].exec("elasticsearch", hook, timeout=60)
    assert done.returncode == 0, done.stderr
    settings = prod.api("/orders/_settings/index.unassigned.node_left.delayed_timeout").body
    assert settings["orders"]["settings"]["index"]["unassigned"]["node_left"]["delayed_timeout"] == "5m"


BULK_BYTES = 90 * 2**20
"""A bulk body as large as Elasticsearch's default http.max_content_length (100 MB) admits with its framing."""


def _client_session(prod: RealStack, files: Path, *, with_certificate: bool) -> dict[str, Any]:
    """The official Python client's session (client_session.py) against node 0 through the TLS ambassador, verified
    against the stack's exported CA, with the ingest client's certificate or without one."""

    def secret_file(namespace: str, secret: str, key: str) -> str:
        found = prod.cluster.get(namespace, "Secret", secret)
        assert found is not None, secret
        path = files / f"{secret}-{key}"
        path.write_text(found["stringData"][key])
        return str(path)

    config: dict[str, Any] = {
        "url": f"https://{prod.pods[0].ip}:9200",
        "server_name": prod.cluster.service_host("elasticsearch", prod.namespace),
        "ca": secret_file(prod.namespace, "elasticsearch-tls", "ca.crt"),
        "password": prod.password,
        "bulk_bytes": BULK_BYTES,
    }
    if with_certificate:
        config["cert"] = secret_file("ingest", "elasticsearch-client-ingest", "tls.crt")
        config["key"] = secret_file("ingest", "elasticsearch-client-ingest", "tls.key")
    script = Path(__file__).with_name("client_session.py")
    done = prod.pods[0].in_cluster([sys.executable, str(script), json.dumps(config)], timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_python_client_indexes_searches_bulks_and_scrolls_through_the_ambassador(
    prod: RealStack, tmp_path: Path
) -> None:
    seen = _client_session(prod, tmp_path, with_certificate=True)
    assert "error" not in seen, seen
    assert seen["version"] == "8.19.21"
    assert seen["search_hits"] == 1
    assert seen["bulk_indexed"] == seen["bulk_count"] == seen["scrolled"]
    assert seen["bulk_count"] * 1000 >= BULK_BYTES * 0.9  # about 1 KB a document: the whole body arrived


def test_the_ambassador_refuses_a_client_without_a_certificate(prod: RealStack, tmp_path: Path) -> None:
    """mTLS required: nginx answers 403 itself, the request never reaches Elasticsearch (no X-Elastic-Product)."""
    seen = _client_session(prod, tmp_path, with_certificate=False)
    assert seen.get("error") == "AuthorizationException", seen
    assert "403 Forbidden" in seen["message"], seen
    assert "nginx" in seen["message"], seen


DOCUMENTS = 600


def test_a_rolling_restart_keeps_every_document_and_stops_no_node_while_the_cluster_is_not_green(
    prod: RealStack,
) -> None:
    """In the StatefulSet controller's order (highest ordinal first), each pod deleted as the kubelet does (preStop,
    SIGTERM) and started again with its data volume, the next one only once the restarted pod is ready, which its
    probe says only after the cluster is green again. Documents written before, with a replica, all read after."""
    settings = {"settings": {"number_of_shards": 3, "number_of_replicas": 1}}
    created = prod.api("/before-restart", method="PUT", body=settings)
    assert created.status == 200, created.body
    bulk = [line for n in range(DOCUMENTS) for line in ({"index": {"_id": str(n)}}, {"n": n})]
    written = prod.api("/before-restart/_bulk?refresh=true", method="POST", body=bulk)
    assert written.status == 200, written.body
    assert written.body["errors"] is False
    prod.wait_for_health("green", 3)  # what earlier tests left (a 90 MB index's replica) has recovered
    started = time.monotonic()
    for ordinal in (2, 1, 0):
        # Never a pod taken down while the cluster is not green (the controller waits for the previous pod's readiness).
        assert prod.wait_for_health("green", 3, timeout=5)["status"] == "green"
        prod.delete(ordinal)
        pod = prod.start(ordinal)
        wait_ready([pod])
        health = prod.api("/_cluster/health", node=ordinal).body
        assert health["status"] == "green", health  # ready only once green after its rejoin
    seconds = time.monotonic() - started
    for node in range(3):
        assert prod.api("/before-restart/_count", node=node).body["count"] == DOCUMENTS
    print(f"rolling restart of 3 nodes with real shard recovery: {seconds:.0f} s")
