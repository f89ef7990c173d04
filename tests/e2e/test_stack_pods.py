"""Issue 7, on the dev and prod stacks' pods as rendered, each run once by the harness (conftest.py):
what the pod does for its clients, and how its containers share (or do not share) the pod."""

from __future__ import annotations

import json
import re

import yaml
from podpatterns.logtail.settings import NATIVE_SIDECAR_MINOR

from ..lib.harness.stack import LOG_FILE, StackPod, marker
from ..lib.standins.elasticsearch_keystore import read_keystore
from ..lib.standins.vault import PROD_KV
from ..lib.support.stack_settings import stack_settings

CONFIG_DIR = "/usr/share/elasticsearch/config"
STATUS = ["--output", "/dev/null", "--write-out", "%{http_code}"]
HEALTH = 'elasticsearch_cluster_health_status{cluster="elasticsearch",color="%s"} 1'


def test_https_from_the_cluster_reaches_elasticsearch_and_is_logged_by_the_ambassador(stack_pod: StackPod) -> None:
    mark = marker()
    result = stack_pod.pod.in_cluster(stack_pod.https(f"/_cluster/health?e2e={mark}"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cluster_name"] == "elasticsearch"  # cluster.name of the rendered config
    # The ambassador flushes its log once a second: wait for the line (wait_for_log's own deadline).
    stack_pod.pod.wait_for_log("tls-ambassador", f'"GET /_cluster/health?e2e={mark} HTTP/1.1" 200')
    assert f"standin: GET /_cluster/health?e2e={mark}" in stack_pod.served()  # Elasticsearch itself answered


def test_plain_http_on_9200_fails_and_9201_answers_only_inside_the_pod(stack_pod: StackPod) -> None:
    pod = stack_pod.pod
    mark = marker()
    plain = pod.in_cluster(["curl", "--silent", "--write-out", "%{http_code}", f"http://{pod.ip}:9200/?e2e={mark}"])
    assert plain.stdout.endswith("400")  # nginx: plain HTTP sent to an HTTPS port
    app = pod.in_cluster(["curl", "--silent", "--max-time", "3", f"http://{pod.ip}:9201/"])
    assert app.returncode == 7  # connection refused: nothing listens on the pod's address
    curl = ["curl", "--silent", "--max-time", "3", *stack_pod.login()]
    inside = pod.exec("tls-ambassador", [*curl, f"http://127.0.0.1:9201/?e2e={mark}"])
    assert inside.returncode == 0, inside.stderr
    assert json.loads(inside.stdout)["tagline"] == "You Know, for Search"
    assert stack_pod.served().count(f"?e2e={mark}") == 1  # the plain HTTP request never reached it


def test_metrics_on_9114_show_the_cluster_health(stack_pod: StackPod) -> None:
    pod = stack_pod.pod

    def metrics() -> str:
        result = pod.in_cluster(["curl", "--silent", "--fail", "--max-time", "10", f"http://{pod.ip}:9114/metrics"])
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "elasticsearch_cluster_health_up 1" in metrics()
    assert HEALTH % "green" in metrics()
    turn = [
        "curl",
        "--silent",
        "--fail",
        *stack_pod.login(),
        "--request",
        "PUT",
        "http://127.0.0.1:9201/_standin/health/%s",
    ]
    try:
        assert pod.exec("elasticsearch", [*turn[:-1], turn[-1] % "red"]).returncode == 0
        assert HEALTH % "red" in metrics()
    finally:
        pod.exec("elasticsearch", [*turn[:-1], turn[-1] % "green"])


def test_the_log_sidecar_streams_the_log_file_elasticsearch_writes(stack_pod: StackPod) -> None:
    pod = stack_pod.pod
    assert pod.containers["elasticsearch"].env["ES_LOG_STYLE"] == "file"
    mark = marker()
    assert pod.in_cluster(stack_pod.https(f"/?e2e={mark}")).returncode == 0
    streamed = pod.wait_for_log("tail-elasticsearch-log", f"standin: GET /?e2e={mark}")
    assert "listening on 127.0.0.1:9201" in streamed  # its first line, written before the request
    assert pod.exec("tail-elasticsearch-log", ["cat", LOG_FILE]).stdout in streamed
    assert f"?e2e={mark}" not in pod.logs("elasticsearch")  # to its file, not to stdout


def test_containers_share_the_network_but_not_files_or_processes(stack_pod: StackPod) -> None:
    pod = stack_pod.pod
    mark = marker()
    # Network: the exporter's port answers on the loopback of another container.
    shared = pod.exec("elasticsearch", ["curl", "--silent", "--max-time", "5", "http://127.0.0.1:9114/healthz"])
    assert shared.returncode == 0, shared.stderr
    # Files: each container's /tmp is its own; the logs emptyDir is shared (read-only for the tailer).
    assert pod.exec("elasticsearch", ["sh", "-c", f"echo {mark} > /tmp/private"]).returncode == 0
    assert pod.exec("elasticsearch", ["cat", "/tmp/private"]).stdout.strip() == mark
    assert pod.exec("tls-ambassador", ["cat", "/tmp/private"]).returncode != 0
    shared_file = "/usr/share/elasticsearch/logs/shared"
    assert pod.exec("elasticsearch", ["sh", "-c", f"echo {mark} > {shared_file}"]).returncode == 0
    assert pod.exec("tail-elasticsearch-log", ["cat", shared_file]).stdout.strip() == mark
    refused = pod.exec("tail-elasticsearch-log", ["sh", "-c", f"echo x > {shared_file}"])
    assert "Read-only file system" in refused.stderr  # readOnly: true on the tailer's mount
    root_write = pod.exec("elasticsearch", ["touch", "/usr/share/elasticsearch/x"])
    assert "Read-only file system" in root_write.stderr  # readOnlyRootFilesystem
    # Processes: each container sees only its own.
    listing = ["sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"]
    in_app = pod.exec("elasticsearch", listing).stdout
    in_tailer = pod.exec("tail-elasticsearch-log", listing).stdout
    assert "tests.lib.standins.elasticsearch" in in_app
    assert "tail -F" in in_tailer
    for other in ("nginx", "tail -F", "prometheus-elasticsearch-exporter"):
        assert other not in in_app
    assert "tests.lib.standins.elasticsearch" not in in_tailer


def documented_init_order(stack: str) -> list[tuple[str, str]]:
    """(init container, what it must have done before the next starts), in the order the README gives, from
    what the stack file asks for: the image's config copied, the node prepared, secrets fetched, then the
    native sidecars (the renewing agent, from 1.29 the ambassador and the exporter, the tailers) running."""
    settings = stack_settings(stack)
    order = [("config-init", "exited 0")]
    order += [("sysctl-init", "exited 0")] if settings.sysctl.mode == "init" else []
    order += [("vault-agent-init", "exited 0")] if settings.vault.enabled else []
    order += [("keystore-init", "exited 0")] if settings.keystore_entries else []  # from the files Vault wrote
    order += [("vault-agent", "ready")] if settings.vault.enabled and settings.vault.renew else []
    if settings.kubernetes_minor >= NATIVE_SIDECAR_MINOR:  # they serve and read Elasticsearch: stopped after it
        order += [("tls-ambassador", "ready")] if settings.tls.enabled else []
        order += [("metrics-exporter", "ready")] if settings.metrics.enabled else []
    if settings.logs.enabled and settings.logs.mode != "classic":
        order += [
            (f"tail-{file.replace('.', '-')}", "ready")
            for file in settings.logs.files or [f"{settings.elasticsearch.name}.log"]
        ]
    return order


def test_init_containers_complete_in_order_before_the_app_starts(stack_pod: StackPod) -> None:
    pod = stack_pod.pod
    events = [(name, what) for _, name, what in pod.events]
    expected = documented_init_order(stack_pod.stack)
    assert [c["name"] for c in pod.spec["initContainers"]] == [name for name, _ in expected]
    app_started = events.index(("elasticsearch", "started"))
    previous = -1
    for name, done_when in expected:
        started, done = events.index((name, "started")), events.index((name, done_when))
        assert previous < started < done < app_started, events
        previous = done
    # What they did is there when the app starts: the image's config copied, the node prepared, secrets.
    assert pod.exec("elasticsearch", ["cat", "/usr/share/elasticsearch/config/jvm.options"]).returncode == 0
    settings = stack_settings(stack_pod.stack)
    if settings.sysctl.mode == "init":
        max_map_count = stack_pod.cluster.sysctls["vm.max_map_count"].read_text().strip()
        # Raised on the node's stand-in, which starts at a fresh node's 65530 (Cluster's NODE_SYSCTLS): the harness
        # never writes this machine's. (The machine's own value is no check: prod's sysctl-init on the real nodes,
        # whose node this machine is, raises it while the suite runs; scripts/cluster down restores it.)
        assert max_map_count == "1048576"
    if settings.vault.enabled:
        secret = pod.exec("elasticsearch", ["cat", "/vault/secrets/bootstrap-password"])
        assert secret.stdout == "correct horse battery staple"


def test_the_ambassador_serves_the_certificates_expiry_metrics_from_their_secret(stack_pod: StackPod) -> None:
    pod = stack_pod.pod
    served = pod.in_cluster(["curl", "--silent", "--fail", "--max-time", "5", f"http://{pod.ip}:9117/metrics"])
    assert served.returncode == 0, served.stderr
    secret = stack_pod.cluster.get(stack_pod.namespace, "Secret", "elasticsearch-tls")
    assert secret is not None
    assert served.stdout == secret["stringData"]["expiry.prom"]  # what pulumi-tls said, written with the certs
    # In Unix seconds, a number Prometheus can parse (not pulumi-tls's RFC 3339).
    assert re.search(r'^podpatterns_tls_certificate_not_after_seconds\{certificate="ca"\} \d+$', served.stdout, re.M)
    other = pod.in_cluster(["curl", "--silent", "--write-out", "%{http_code}", f"http://{pod.ip}:9117/tls.key"])
    assert other.stdout.endswith("404")  # only the metrics, never another file of the Secret


def test_security_in_prod_users_keystore_from_vault_and_transport_tls(stack_pod: StackPod) -> None:
    """prod: every request needs the elastic user (the bootstrap password Vault holds, put into the keystore by
    keystore-init), the keystore also holds the S3 credentials, the node certificate is in the config directory.
    dev: security off, said in its stack file."""
    pod = stack_pod.pod
    config = yaml.safe_load(pod.exec("elasticsearch", ["cat", f"{CONFIG_DIR}/elasticsearch.yml"]).stdout)
    if stack_pod.stack == "dev":
        assert config["xpack.security.enabled"] is False
        assert "keystore-init" not in [c["name"] for c in pod.spec["initContainers"]]
        return
    assert config["xpack.security.transport.ssl.verification_mode"] == "certificate"
    mark = marker()
    anonymous = [arg for arg in stack_pod.https(f"/?e2e={mark}", *STATUS) if not arg.startswith("elastic:")]
    anonymous.remove("--user")
    assert pod.in_cluster(anonymous).stdout == "401"
    wrong = [*anonymous[:-1], "--user", "elastic:guess", anonymous[-1]]
    assert pod.in_cluster(wrong).stdout == "401"
    assert pod.in_cluster(stack_pod.https(f"/?e2e={mark}", *STATUS)).stdout == "200"
    assert f"standin: GET /?e2e={mark} user=elastic" in stack_pod.served()  # only the logged-in request
    keystore = read_keystore(pod.volumes["config"].path / "elasticsearch.keystore")
    s3 = PROD_KV["secret/data/search/prod/s3-snapshots"]
    assert keystore["bootstrap.password"] == PROD_KV["secret/data/search/prod/elastic"]["password"]
    assert keystore["s3.client.default.access_key"] == s3["access_key"]
    assert keystore["s3.client.default.secret_key"] == s3["secret_key"]
    listed = pod.logs("keystore-init")
    assert "s3.client.default.secret_key" in listed
    assert s3["secret_key"] not in listed  # names only
    node = pod.exec(
        "elasticsearch",
        [
            "openssl",
            "x509",
            "-noout",
            "-ext",
            "subjectAltName,extendedKeyUsage",
            "-in",
            f"{CONFIG_DIR}/certs/transport/tls.crt",
        ],
    )
    assert "*.elasticsearch-headless.search-prod.svc.cluster.local" in node.stdout  # every pod, by wildcard
    assert "TLS Web Client Authentication, TLS Web Server Authentication" in node.stdout
