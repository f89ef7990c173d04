"""VaultSecretsInit on HashiCorp Vault's own server and agent, logging in through the real API server.

Each test runs the prod stack's pod, rendered for a tenant of its own (tests/vault/server.py), in the namespace
harness: the `vault-agent-init` (and with renew the `vault-agent`) container is the real `vault agent` with the
rendered configuration unchanged, its projected token a real TokenRequest token of the pod's ServiceAccount, and the
server the one scripts/vault started (Kubernetes auth asking the API server's TokenReview API about each token).
"""

from __future__ import annotations

import base64
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from podpatterns.vault.agent_config import TEMPLATE_RETRIES
from podpatterns.vault.server_setup import vault_policy

from ..lib.harness import PodStartError, RunningPod
from ..lib.harness.vault import TokenIssuer
from ..lib.kube import Kube
from ..lib.standins.elasticsearch_keystore import read_keystore
from ..lib.vault_server import VaultServer
from .server import SERVICE_ACCOUNT, Tenant, tenant

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECRETS_DIR = "/vault/secrets"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
VAULT_TOKEN = re.compile(r"\bhv[sbr]\.[A-Za-z0-9_-]{20,}")


@pytest.fixture
def prod(vault_server: VaultServer, kube: Kube) -> Iterator[Tenant]:
    with tenant(vault_server, kube) as created:
        yield created


def run_failing(tenant: Tenant, workdir: Path, **cluster: Any) -> str:
    """The pod's start, which must stop at the Vault agent's init container; the agent's whole log."""
    with tenant.cluster(workdir, **cluster) as started:
        with pytest.raises(PodStartError) as failed, started.run(started.workload("elasticsearch")):
            pass
        log = (started.workdir / f"pod{started.pods}" / "logs" / "vault-agent-init.log").read_text()
    assert failed.value.container == "vault-agent-init", failed.value
    assert "keystore-init" not in failed.value.started  # the app and what follows never start
    assert log.rstrip().endswith("Error encountered during run, refer to logs for more details."), log
    return log


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def test_the_rendered_agent_logs_in_and_writes_the_files_the_app_reads(prod: Tenant, tmp_path: Path) -> None:
    with prod.cluster(tmp_path) as started, started.run(started.workload("elasticsearch")) as pod:
        token = (pod.volumes["vault-token"].path / "token").read_text()
        # Read by the app itself (uid 1000, through the fsGroup): the volume is a tmpfs in the pod's namespace.
        listed = pod.exec("elasticsearch", ["stat", "-c", "%n %a %u %g", *_files(prod, SECRETS_DIR)])
        contents = {name: pod.exec("elasticsearch", ["cat", f"{SECRETS_DIR}/{name}"]).stdout for name in FILES}
        mounts = pod.exec("elasticsearch", ["grep", f" {SECRETS_DIR} ", "/proc/mounts"]).stdout
        keystore = read_keystore(pod.volumes["config"].path / "elasticsearch.keystore")
        leaks = _token_leaks(pod, token)
    # The token: the API server's, for the pod's ServiceAccount, with the rendered audience and lifetime.
    issued = claims(token)
    assert issued["sub"] == f"system:serviceaccount:{prod.namespace}:{SERVICE_ACCOUNT}"
    assert issued["aud"] == [prod.settings.audience]
    assert issued["exp"] - issued["iat"] == prod.settings.token_expiration_seconds
    # The files: Vault's values, mode 0440, the agent's user and the pod's fsGroup, in the memory volume.
    elastic, s3 = prod.kv[prod.path("elastic")], prod.kv[prod.path("s3-snapshots")]
    assert contents == {
        "bootstrap-password": elastic["password"],
        "s3-access-key": s3["access_key"],
        "s3-secret-key": s3["secret_key"],
    }
    assert listed.returncode == 0, listed.stderr
    assert sorted(listed.stdout.split("\n")[:-1]) == [f"{SECRETS_DIR}/{name} 440 100 1000" for name in FILES]
    assert mounts.startswith("tmpfs ")
    assert " ro," in mounts
    # keystore-init put them into Elasticsearch's keystore.
    assert keystore["bootstrap.password"] == elastic["password"]
    assert keystore["s3.client.default.access_key"] == s3["access_key"]
    assert keystore["s3.client.default.secret_key"] == s3["secret_key"]
    # Neither the ServiceAccount token nor a Vault token reaches the app container: its spec, env, args, files.
    assert leaks == []


FILES = ("bootstrap-password", "s3-access-key", "s3-secret-key")


def _files(tenant: Tenant, directory: str) -> list[str]:
    return [f"{directory}/{file.name}" for file in tenant.settings.files]


def _token_leaks(pod: RunningPod, token: str) -> list[str]:
    """Where the app container could find a ServiceAccount or Vault token: its rendered spec (args, env), the
    environment and command line it runs with, and every file of its volumes."""
    app = pod.containers["elasticsearch"]
    leaks = [where for where in ("spec", "env") if _has_token(json.dumps(getattr(app, where)), token)]
    running = pod.exec("elasticsearch", ["cat", "/proc/1/environ", "/proc/1/cmdline"])
    assert running.returncode == 0, running.stderr
    if _has_token(running.stdout, token):
        leaks.append("/proc/1 environ or cmdline")
    mounts = [mount["mountPath"] for mount in app.spec.get("volumeMounts", [])]
    pattern = f"{JWT.pattern}|{VAULT_TOKEN.pattern.replace(chr(92) + 'b', '')}"
    # Every file of every volume: a minute, for a machine busy with other pods. Not the repository, which the harness
    # binds at its own path for the stand-in to run from: in a clone under /tmp (the app's /tmp volume), its test
    # sources and their token-shaped placeholders would count.
    skip_repository = f"--exclude-dir={PROJECT_DIR.name}"
    found = pod.exec("elasticsearch", ["grep", "-rlE", skip_repository, pattern, *mounts], timeout=60)
    assert found.returncode in (0, 1), found.stderr  # 1: no match
    return leaks + found.stdout.split()


def _has_token(text: str, token: str) -> bool:
    return token in text or bool(JWT.search(text) or VAULT_TOKEN.search(text))


def _other_account(issue: TokenIssuer) -> TokenIssuer:
    return lambda namespace, _, audience, seconds: issue(namespace, "default", audience, seconds)


def _other_namespace(issue: TokenIssuer) -> TokenIssuer:
    return lambda _, account, audience, seconds: issue("default", account, audience, seconds)


def _other_audience(issue: TokenIssuer) -> TokenIssuer:
    return lambda namespace, account, _, seconds: issue(namespace, account, "not-vault", seconds)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_other_account, "service account name not authorized"),
        (_other_namespace, "namespace not authorized"),
        (_other_audience, "invalid audience (aud) claim: audience claim does not match any expected audience"),
    ],
    ids=["other-service-account", "other-namespace", "other-audience"],
)
def test_only_the_bound_service_account_namespace_and_audience_log_in(
    change: Any, message: str, prod: Tenant, tmp_path: Path
) -> None:
    # The other namespace's ServiceAccount of the same name: only its namespace differs.
    prod.kube.apply(
        [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": SERVICE_ACCOUNT, "namespace": "default"}}]
    )
    log = run_failing(prod, tmp_path, issuer=change(prod.tokens()))
    assert message in log
    assert "Code: 403" in log


def test_a_missing_key_stops_the_init_container(prod: Tenant, tmp_path: Path) -> None:
    prod.server.kv_put(prod.path("elastic"), {"pass": "the key is not password"})
    log = run_failing(prod, tmp_path)
    assert 'map has no entry for key \\"password\\"' in log  # as the agent quotes it


@pytest.mark.parametrize("dropped", ["elastic", "s3-snapshots"])
def test_the_least_policy_is_needed_whole(dropped: str, prod: Tenant, tmp_path: Path) -> None:
    """The role's policy is exactly vault_policy (the README's): with it the pod starts (the first test); without
    the line of any one secret, the agent is refused that secret and the pod stops."""
    path = f"secret/data/{prod.path(dropped)}"
    lines = vault_policy(prod.settings).splitlines(keepends=True)
    assert any(path in line for line in lines)
    kept = "".join(line for line in lines if path not in line)
    prod.server.cli("policy", "write", str(prod.settings.role), "-", stdin=kept)
    log = run_failing(prod, tmp_path)
    assert f"vault.read({path})" in log
    assert "permission denied" in log
    # A secret it cannot read is tried again vault.retry.num_retries times, then the agent gives up.
    assert f"retry attempt {TEMPLATE_RETRIES} after" in log
    assert f"retry attempt {TEMPLATE_RETRIES + 1} after" not in log
    assert "exceeded maximum retries" in log


def test_a_vault_that_is_down_ends_the_init_container_at_its_first_login(prod: Tenant, tmp_path: Path) -> None:
    """Vault's Service answers but no server is behind it (each connection is closed at once): with `exit_on_err`
    the agent does not try the login again (the kubelet's back-off restarts the container); it exits non-zero naming
    the address, having written nothing."""
    with socket.socket() as closed:  # a loopback port nothing listens on
        closed.bind(("127.0.0.1", 0))
        nowhere = closed.getsockname()
    log = run_failing(prod, tmp_path, upstream=nowhere)
    assert log.count("agent.auth.handler: error authenticating") == 1
    # The relay closes each connection at once: the agent reads EOF, or a reset (or a broken pipe) when the close
    # beats its request.
    login = re.escape('Put \\"https://vault.vault.svc:8200/v1/auth/kubernetes/login\\": ')
    assert re.search(login + r"(EOF|[^\n]*(connection reset by peer|broken pipe))", log), log
    assert "retry attempt" not in log


def test_the_sidecar_rewrites_a_rotated_secret_within_its_interval_and_elasticsearch_keeps_its_keystore(
    vault_server: VaultServer, kube: Kube, tmp_path: Path
) -> None:
    interval = 2
    with (
        tenant(vault_server, kube, renew=True, renewInterval=f"{interval}s") as renewing,
        renewing.cluster(tmp_path) as started,
        started.run(started.workload("elasticsearch")) as pod,
    ):
        assert pod.containers["vault-agent"].process.poll() is None  # the sidecar keeps running
        path = renewing.path("elastic")
        before = renewing.kv[path]["password"]
        renewing.server.kv_put(path, {"password": "rotated: version 2"})
        rotated = time.monotonic()
        while (now := _read(pod, "bootstrap-password")) == before:
            assert time.monotonic() - rotated < interval + ROTATION_SLACK, "the file was not rewritten"
            time.sleep(0.2)
        assert now == "rotated: version 2"
        keystore = read_keystore(pod.volumes["config"].path / "elasticsearch.keystore")
    assert keystore["bootstrap.password"] == before  # read at start only: a rotation takes a restart


ROTATION_SLACK = 10
"""Seconds beyond the interval for the agent's read and write on a busy machine."""


def _read(pod: RunningPod, name: str) -> str:
    return pod.exec("elasticsearch", ["cat", f"{SECRETS_DIR}/{name}"]).stdout
