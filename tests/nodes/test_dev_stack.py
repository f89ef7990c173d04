"""The dev stack deployed by the real engine onto a real node: every container started by a kubelet from the images
built here, Ready from its real probes; TLS in through the ambassador, plain text refused, Elasticsearch unreachable
but through it, metrics scraped, the log in `kubectl logs`; `pulumi destroy` stops Elasticsearch first, then its
sidecars in the reverse of their start, the log tailer shipping Elasticsearch's last line, and leaves no container,
mount or cgroup on the node.

The stack gets onto the tainted real nodes as users get onto dedicated nodes: `pod-patterns:scheduling`. The
walkthrough goes through the Service as a client in the cluster does: its name resolved by the cluster DNS, its
ClusterIP routed by kube-proxy, the certificate verified for the Service's name.
"""

from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from podpatterns.quantity import parse_cpu, parse_memory

from ..lib.elasticsearch_checks import assert_clean_boot
from ..lib.kube import Kube
from ..lib.pulumi_engine import Engine
from ..lib.support.dns import NOERROR, query_a
from .conftest import CLUSTER_DNS
from .node_traces import destroy_until_clean, memory_in_use, pod_cgroup
from .pod_checks import (
    assert_containers_share_the_network_and_their_volumes_only,
    assert_elasticsearch_stopped_first_none_killed,
    assert_init_containers_ran_in_order_before_the_app,
    assert_the_ambassador_logs_each_request,
    assert_the_certificates_expiry_is_served_from_their_secret,
    stopping,
)
from .stacks import NodeStack, curl, dev_stack

STACK = "dev"
SERVICE = "elasticsearch"


@dataclass
class Deployed:
    stack: NodeStack
    pod: dict[str, Any]

    @property
    def address(self) -> str:
        return str(self.pod["status"]["podIP"])


@pytest.fixture(scope="module")
def deployed(
    engine: Engine, kube: Kube, real_nodes: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployed]:
    with dev_stack(engine, kube, tmp_path_factory.mktemp("dev-on-real-nodes"), {}) as stack:
        (pod,) = stack.pods()
        yield Deployed(stack, pod)


def service_address(kube: Kube, namespace: str) -> str:
    """The Service's ClusterIP, as the cluster DNS answers its name."""
    answer = query_a(CLUSTER_DNS, f"{SERVICE}.{namespace}.svc.cluster.local")
    assert answer.rcode == NOERROR, answer
    (address,) = answer.addresses
    assert address == kube.json("get", "service", SERVICE, "--namespace", namespace)["spec"]["clusterIP"]
    return address


def test_every_container_runs_from_the_images_built_here_and_is_ready(
    deployed: Deployed, real_nodes: list[str]
) -> None:
    assert deployed.pod["spec"]["nodeName"] in real_nodes
    statuses = deployed.pod["status"]["containerStatuses"] + deployed.pod["status"]["initContainerStatuses"]
    running = {s["name"]: s["ready"] for s in statuses if "running" in s["state"]}
    assert running == {"elasticsearch": True, "tls-ambassador": True, "metrics-exporter": True,
                       "tail-elasticsearch-log": True}  # fmt: skip
    print(f"dev on a real node: pulumi up to every container Ready in {deployed.stack.seconds_to_ready:.0f} s")


def test_dev_boots_with_no_error_and_no_deprecation_for_its_settings(deployed: Deployed) -> None:
    assert_clean_boot(deployed.stack)
    assert deployed.stack.wait_for_health("green", 1)["number_of_nodes"] == 1


def test_security_is_off_so_anonymous_requests_are_served(deployed: Deployed) -> None:
    assert deployed.stack.config["xpack.security.enabled"] is False
    assert deployed.stack.api("/_cluster/health", user=None).status == 200


def test_the_runtime_enforces_each_containers_rendered_memory_and_cpu_limits(deployed: Deployed) -> None:
    spec = deployed.pod["spec"]
    rendered = {c["name"]: c["resources"]["limits"] for c in [*spec["initContainers"], *spec["containers"]]}
    statuses = deployed.pod["status"]["containerStatuses"] + deployed.pod["status"]["initContainerStatuses"]
    running = {s["name"]: s["containerID"].removeprefix("containerd://") for s in statuses if "running" in s["state"]}
    memory, cpu = pod_cgroup(deployed.pod, "memory"), pod_cgroup(deployed.pod, "cpu")
    enforced = {
        name: (
            int((memory / cid / "memory.limit_in_bytes").read_text()),
            int((cpu / cid / "cpu.cfs_quota_us").read_text()),
        )
        for name, cid in running.items()
    }
    period = int((cpu / "cpu.cfs_period_us").read_text())
    assert enforced == {
        name: (parse_memory(rendered[name]["memory"]), int(parse_cpu(rendered[name]["cpu"]) * period))
        for name in running
    }
    used = memory_in_use(deployed.pod)
    print(
        f"dev on a real node: the pod uses {used / 2**20:.0f} MiB (limits "
        f"{sum(m for m, _ in enforced.values()) / 2**20:.0f} MiB)"
    )


def https(kube: Kube, namespace: str, address: str, path: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """GET `path` from the ambassador at `address`, its certificate verified for the Service's name."""
    secret = kube.json("get", "secret", "--namespace", namespace, f"{SERVICE}-tls")
    ca = tmp_path / "ca.crt"
    ca.write_bytes(base64.b64decode(secret["data"]["ca.crt"]))
    name = f"{SERVICE}.{namespace}.svc"
    return curl("--cacert", str(ca), "--resolve", f"{name}:9200:{address}", f"https://{name}:9200{path}")


def test_the_kubelet_ran_the_init_containers_in_order_before_elasticsearch(deployed: Deployed) -> None:
    assert_init_containers_ran_in_order_before_the_app(deployed.pod)


def test_containers_share_the_network_and_their_volumes_only(deployed: Deployed, kube: Kube) -> None:
    assert_containers_share_the_network_and_their_volumes_only(kube, deployed.pod)


def test_the_ambassador_logs_each_request_and_serves_the_certificates_expiry(
    deployed: Deployed, kube: Kube, tmp_path: Path
) -> None:
    get = partial(https, kube, deployed.stack.namespace, deployed.address, tmp_path=tmp_path)
    assert_the_ambassador_logs_each_request(kube, deployed.pod, get)
    assert_the_certificates_expiry_is_served_from_their_secret(kube, deployed.pod)


def test_tls_in_plain_text_refused_and_elasticsearch_only_behind_the_ambassador(
    deployed: Deployed, kube: Kube, tmp_path: Path
) -> None:
    address = service_address(kube, deployed.stack.namespace)
    health = https(kube, deployed.stack.namespace, address, "/_cluster/health", tmp_path)
    assert health.returncode == 0, health.stderr  # the certificate verified for the Service's name
    assert '"status":"green"' in health.stdout
    plain = curl("--write-out", "%{http_code}", "--output", "/dev/null", f"http://{address}:9200/")
    assert plain.stdout == "400"  # nginx's answer to plain HTTP on its TLS port
    refused = curl(f"http://{deployed.address}:9201/")
    assert refused.returncode == 7  # nothing listens on the pod's address: Elasticsearch is on 127.0.0.1 only


def test_metrics_are_scraped_through_the_service(deployed: Deployed, kube: Kube) -> None:
    metrics = curl(f"http://{service_address(kube, deployed.stack.namespace)}:9114/metrics")
    assert metrics.returncode == 0, metrics.stderr
    assert 'elasticsearch_cluster_health_status{cluster="elasticsearch",color="green"} 1' in metrics.stdout
    # The real JVM's heap, read by the exporter through the ambassador: the rendered -Xmx.
    (java_options,) = [e["value"] for c in deployed.pod["spec"]["containers"] for e in c.get("env", [])
                       if e["name"] == "ES_JAVA_OPTS"]  # fmt: skip
    (xmx,) = re.findall(r"-Xmx(\d+)m", java_options)
    heap = re.search(r'^elasticsearch_jvm_memory_max_bytes\{area="heap".*\} (\S+)$', metrics.stdout, re.MULTILINE)
    assert heap, metrics.stdout[:2000]
    assert float(heap[1]) == int(xmx) * 2**20


def test_the_log_is_in_kubectl_logs(deployed: Deployed, kube: Kube) -> None:
    name = deployed.pod["metadata"]["name"]
    logs = kube.run("logs", "--namespace", deployed.stack.namespace, name, "-c", "tail-elasticsearch-log")
    assert "started" in logs.stdout or "recovered" in logs.stdout, logs.stdout[-2000:]
    assert "ECS" not in logs.stdout  # ES_LOG_STYLE=file: the text log (our log4j2.file.properties), not the JSON one


def test_destroy_stops_elasticsearch_then_its_sidecars_and_leaves_nothing_on_the_node(
    deployed: Deployed, kube: Kube
) -> None:
    destroy = partial(deployed.stack.project.run, "destroy", "--stack", STACK, "--yes")
    with stopping(kube, deployed.pod) as stopped:
        destroyed, clean = destroy_until_clean(destroy, Path(kube.kubeconfig).parent / "nodes", [deployed.pod])
    print(f"dev on a real node: pulumi destroy in {destroyed:.0f} s, the node clean {clean:.0f} s after it began")
    print(f"dev on a real node: containers ended (status, from Elasticsearch's exit): {stopped.timeline()}")
    assert_elasticsearch_stopped_first_none_killed(deployed.pod, stopped)
