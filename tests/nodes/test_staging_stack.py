"""The staging stack deployed by the real engine onto a real node (tests/nodes/stacks.py says how it is hosted): its
secrets fetched from the real Vault by the pod's own ServiceAccount token into a memory volume, Elasticsearch's
security on with that password, every container Ready from its real probes; then a restart while the secret is gone
from Vault holds the pod at its Vault agent until the secret is back, and `pulumi destroy` removes it. (A certificate
renewal's rollout is prod's: tests/nodes/test_prod_stack.py.)

These replace the namespace harness's staging tests (tests/real_elasticsearch): the same checks, a real kubelet. The
stack runs with RSA keys (`tls.keyAlgorithm`), the variant the harness booted a node for; prod runs the default ECDSA.
"""

from __future__ import annotations

import json
from typing import Any

from ..lib.elasticsearch_checks import assert_clean_boot
from ..lib.kube import Kube
from ..lib.support.stack_settings import stack_settings
from ..lib.vault_server import VaultServer
from .node_traces import memory_in_use
from .pods import wait_until
from .stacks import NodeStack, curl, stack_fixture

# The key algorithm the settings allow besides prod's default ECDSA: pulumi-tls writes RSA keys as PKCS #1, which
# Elasticsearch must read for transport TLS.
staging = stack_fixture("staging", {"tls.keyAlgorithm": "RSA"})


def test_every_container_is_ready_from_its_real_probes_after_the_vault_agent_ran(staging: NodeStack) -> None:
    (pod,) = staging.pods()
    statuses = {s["name"]: s for s in pod["status"]["containerStatuses"] + pod["status"]["initContainerStatuses"]}
    assert statuses["vault-agent-init"]["state"]["terminated"]["exitCode"] == 0
    assert statuses["keystore-init"]["state"]["terminated"]["exitCode"] == 0
    running = {name: s["ready"] for name, s in statuses.items() if "running" in s["state"]}
    assert running == {"elasticsearch": True, "tls-ambassador": True, "metrics-exporter": True,
                       "tail-elasticsearch-log": True}  # fmt: skip
    print(f"staging on a real node: pulumi up to every container Ready in {staging.seconds_to_ready:.0f} s")


def test_staging_boots_with_no_error_and_no_deprecation_for_its_settings(staging: NodeStack) -> None:
    assert_clean_boot(staging)
    assert staging.config["node.store.allow_mmap"] is False


def test_the_secret_is_in_a_memory_volume_the_app_reads_and_nowhere_else(staging: NodeStack) -> None:
    (pod,) = staging.pods()
    name = pod["metadata"]["name"]
    mounts = staging.exec(name, "elasticsearch", "cat", "/proc/self/mounts").stdout
    (secrets_mount,) = [line.split() for line in mounts.splitlines() if line.split()[1] == "/vault/secrets"]
    assert secrets_mount[2] == "tmpfs"
    listing = staging.exec(name, "elasticsearch", "stat", "-c", "%a %n", "/vault/secrets/bootstrap-password").stdout
    assert listing.split()[0] == "440"
    environment = staging.exec(name, "elasticsearch", "cat", "/proc/1/environ").stdout
    assert staging.password not in environment
    assert "VAULT_TOKEN" not in environment
    assert staging.password not in json.dumps(pod["spec"])


def test_the_elastic_user_logs_in_with_vaults_password_through_keystore_init(staging: NodeStack, kube: Kube) -> None:
    (pod,) = staging.pods()
    keystore = kube.run("logs", "--namespace", staging.namespace, pod["metadata"]["name"], "-c", "keystore-init")
    assert "bootstrap.password" in keystore.stdout  # its `elasticsearch-keystore list`
    answer = staging.api("/_security/_authenticate")
    assert answer.status == 200, answer.body
    assert answer.body["username"] == "elastic"
    assert answer.body["authentication_realm"]["type"] == "reserved"


def test_anonymous_and_wrong_passwords_get_401(staging: NodeStack) -> None:
    anonymous = staging.api("/_cluster/health", user=None)
    assert anonymous.status == 401
    assert "www-authenticate: basic" in anonymous.headers.lower()
    assert staging.api("/_cluster/health", user="kibana_system").status == 401  # a reserved user without a password


def test_transport_tls_loads_the_stacks_certificate_with_its_pkcs1_rsa_key(staging: NodeStack) -> None:
    key = staging.secret_file(staging.namespace, "elasticsearch-transport-tls", "tls.key").read_text()
    assert key.startswith("-----BEGIN RSA PRIVATE KEY-----")  # PKCS #1, as pulumi-tls writes RSA keys
    certificates = staging.api("/_ssl/certificates").body
    for name in ("tls.crt", "ca.crt"):
        assert any(c["path"].endswith(f"certs/transport/{name}") for c in certificates), certificates
    (node,) = [c for c in certificates if c["path"].endswith("certs/transport/tls.crt")]
    assert node["has_private_key"] is True


def test_tls_in_through_the_service_with_the_password_and_metrics_with_the_exporters_login(
    staging: NodeStack, kube: Kube
) -> None:
    address = kube.json("get", "service", "elasticsearch", "--namespace", staging.namespace)["spec"]["clusterIP"]
    health = staging.curl(address, "/_cluster/health")
    assert health.returncode == 0, health.stderr
    assert json.loads(health.stdout)["number_of_nodes"] == 1
    plain = curl("--output", "/dev/null", "--write-out", "%{http_code}", f"http://{address}:9200/")
    assert plain.stdout == "400"
    # The exporter logs in as the user its Secret names (made once the cluster answered): the health it reports
    # comes from Elasticsearch, which answers no anonymous request.
    metrics = curl(f"http://{address}:9114/metrics")
    assert 'elasticsearch_cluster_health_number_of_nodes{cluster="elasticsearch"} 1' in metrics.stdout, metrics.stdout


def _init_failed(staging: NodeStack, replaced: str, container: str) -> dict[str, Any] | None:
    """The status of `container` in the pod that replaced the one of uid `replaced`, once it has failed."""
    for pod in staging.pods():
        if pod["metadata"]["uid"] == replaced:
            continue
        for status in pod["status"].get("initContainerStatuses", []):
            ended = status["state"].get("terminated") or status.get("lastState", {}).get("terminated")
            if status["name"] == container and ended and ended["exitCode"] != 0:
                return {"pod": pod, **status}
    return None


def test_a_secret_gone_from_vault_holds_a_new_pod_at_vault_agent_init_until_it_is_back(
    staging: NodeStack, kube: Kube, vault: VaultServer
) -> None:
    """The pod restarted while its secret is missing from Vault: the real agent fails naming the path, and the
    kubelet never starts what follows it (keystore-init, the sidecars, Elasticsearch), retrying it instead. Once the
    secret is back the pod starts on its own at the next try, Elasticsearch with the password."""
    (secret,) = stack_settings("staging").vault.files
    assert secret.path
    (before,) = staging.pods()
    vault.cli("kv", "metadata", "delete", "-mount=secret", secret.path)
    try:
        kube.run("delete", "pod", before["metadata"]["name"], "--namespace", staging.namespace, "--wait=false")
        wait_until(lambda: bool(_init_failed(staging, before["metadata"]["uid"], "vault-agent-init")),
                   "failed vault-agent-init", 180)  # fmt: skip
        failed = _init_failed(staging, before["metadata"]["uid"], "vault-agent-init")
        assert failed
        name = failed["pod"]["metadata"]["name"]
        previous = ["--previous"] if failed["restartCount"] else []
        logs = kube.run("logs", "--namespace", staging.namespace, name, "-c", "vault-agent-init", *previous).stdout
        assert f"no secret exists at secret/data/{secret.path}" in logs, logs[-2000:]
        states = {s["name"]: s["state"] for s in failed["pod"]["status"]["initContainerStatuses"]}
        states |= {s["name"]: s["state"] for s in failed["pod"]["status"]["containerStatuses"]}
        assert states.pop("config-init")["terminated"]["exitCode"] == 0
        states.pop("vault-agent-init")
        assert all("waiting" in state for state in states.values()), states  # none ever started
    finally:
        vault.kv_put(secret.path, dict.fromkeys(secret.keys, staging.password))
    kube.run("wait", "--namespace", staging.namespace, "--for=condition=Ready", "--timeout=300s", f"pod/{name}",
             timeout=360)  # fmt: skip
    assert staging.api("/_security/_authenticate").status == 200


def test_destroy_leaves_nothing_on_the_node(staging: NodeStack) -> None:
    """Last: `pulumi destroy`; the pod stops (its rendered preStop and grace period) and the node holds no container,
    pod directory, cgroup or mount of it."""
    (pod,) = staging.pods()
    used = memory_in_use(pod)
    destroyed, clean = staging.destroy()
    print(
        f"staging on a real node: the pod uses {used / 2**20:.0f} MiB; pulumi destroy in {destroyed:.0f} s, "
        f"the node clean {clean:.0f} s after it began"
    )
