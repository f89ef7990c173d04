"""The dev stack on the real Elasticsearch: one node, security off, behind the TLS ambassador."""

from __future__ import annotations

from ..lib.elasticsearch_checks import assert_clean_boot
from ..lib.harness.real_stack import RealStack
from .conftest import stack_fixture

dev = stack_fixture("dev")


def test_dev_boots_with_no_error_and_no_deprecation_for_its_settings(dev: RealStack) -> None:
    assert_clean_boot(dev)
    assert dev.wait_for_health("yellow", 1)["number_of_nodes"] == 1


def test_dev_has_security_off_so_anonymous_requests_are_served(dev: RealStack) -> None:
    assert dev.password is None
    assert dev.api("/_cluster/health", user=None).status == 200
    assert dev.pods[0].ready("elasticsearch") is None


def test_the_exporter_reads_the_real_node_through_the_ambassador(dev: RealStack) -> None:
    """The PrometheusAdapter's exporter (Debian's prometheus-elasticsearch-exporter, as rendered: through the TLS
    ambassador on localhost:9200) reports the real cluster's health and the real JVM's heap (the harness's 512 MiB)."""
    pod = dev.pods[0]
    scraped = pod.in_cluster(["curl", "--silent", "--fail", "--max-time", "20", f"http://{pod.ip}:9114/metrics"])
    assert scraped.returncode == 0, scraped.stderr
    metrics = scraped.stdout
    assert 'elasticsearch_cluster_health_number_of_nodes{cluster="elasticsearch"} 1' in metrics
    heap = [line for line in metrics.splitlines() if line.startswith('elasticsearch_jvm_memory_max_bytes{area="heap"')]
    assert heap, metrics[:2000]
    assert float(heap[0].rsplit(" ", 1)[1]) == 512 * 2**20


def test_the_log_tailer_streams_the_real_server_log(dev: RealStack) -> None:
    """ES_LOG_STYLE=file: the real node writes <cluster>.log in the logs volume (our log4j2.file.properties), and the
    LogTailSidecar's container streams its lines to its own output, as `kubectl logs` would show them."""
    pod = dev.pods[0]
    started = f"[{pod.name}] started"
    assert started in dev.server_log()
    pod.wait_for_log("tail-elasticsearch-log", started, timeout=30)
    assert "ECS" not in pod.logs("tail-elasticsearch-log")  # the text log, not the JSON one
