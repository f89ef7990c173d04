"""Service names and ClusterIPs for pods on the real nodes (docs/cluster-services.md), as the stacks use them: a pod
resolves a Service by its short name through the cluster DNS the kubelet gives it, connects to the ClusterIP and is
taken to a ready endpoint on another node, or to itself; a headless Service's name gives its pods' own addresses (how
ElasticsearchApp's nodes find each other through `discovery.seed_hosts`); an endpoint that is not ready is not
served; CoreDNS answers nothing outside the cluster's zones."""

from __future__ import annotations

from typing import Any

from ..lib.kube import Kube
from ..lib.support.dns import NOERROR, NXDOMAIN, REFUSED, Answer, query_a
from .conftest import CLUSTER_DNS
from .pods import STAYS, container, exec_in, pod, ready

PORT = 8080
WGET = "timeout 5 wget -q -O -"
"""busybox's wget, bounded by `timeout`: Debian's busybox 1.35 wget crashes (SIGSEGV) when given its own -T."""
SERVE = (
    f"mkdir -p /tmp/www && echo $HOSTNAME > /tmp/www/index.html; trap 'exit 0' TERM; httpd -f -p {PORT} -h /tmp/www "
    "& wait"
)
"""busybox's httpd, answering its pod's name, under a PID 1 that stops on SIGTERM (httpd as PID 1 ignores it, and the
namespace's deletion waited out the grace period: 30 s a test)."""


def server(namespace: str, name: str, node: str) -> dict[str, Any]:
    probe = {"tcpSocket": {"port": PORT}, "periodSeconds": 1}
    manifest = pod(
        namespace,
        name,
        container("httpd", SERVE, readinessProbe=probe, volumeMounts=[{"name": "tmp", "mountPath": "/tmp"}]),
        volumes=[{"name": "tmp", "emptyDir": {}}],
        nodeName=node,
    )
    manifest["metadata"]["labels"] = {"app": "echo"}
    return manifest


def service(namespace: str, name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": {"app": "echo"}, "ports": [{"port": 80, "targetPort": PORT}], **spec},
    }


def test_a_pod_reaches_a_service_by_name_on_another_node_and_a_headless_name_gives_the_pods(
    kube: Kube, namespace: str, real_nodes: list[str]
) -> None:
    client_node, server_node = real_nodes[0], real_nodes[1]
    kube.apply([
        server(namespace, "echo-0", server_node),
        service(namespace, "echo"),
        service(namespace, "echo-nodes", clusterIP="None"),
        pod(namespace, "client", container("sh", STAYS), nodeName=client_node),
    ])  # fmt: skip
    ready(kube, namespace, "echo-0")
    ready(kube, namespace, "client")
    cluster_ip = kube.json("get", "service", "echo", "--namespace", namespace)["spec"]["clusterIP"]
    server_ip = kube.json("get", "pod", "echo-0", "--namespace", namespace)["status"]["podIP"]

    resolved = exec_in(kube, namespace, "client", "sh", f"nslookup echo.{namespace}.svc.cluster.local")
    assert cluster_ip in resolved, resolved
    # The short name through the search path the kubelet writes (glibc's resolver, as a program in a pod has it);
    # kube-proxy syncs a new Service within a second (minSyncPeriod): retried that long.
    fetch = f"for i in 1 2 3 4 5 6 7 8 9 10; do {WGET} http://echo/ && exit 0; sleep 0.2; done; exit 1"
    assert exec_in(kube, namespace, "client", "sh", fetch) == "echo-0\n"

    assert exec_in(kube, namespace, "echo-0", "httpd", fetch) == "echo-0\n"  # to itself (hairpin)

    headless = exec_in(kube, namespace, "client", "sh", f"nslookup echo-nodes.{namespace}.svc.cluster.local")
    assert server_ip in headless, headless
    assert cluster_ip not in headless, headless

    zone = f"{namespace}.svc.cluster.local"
    assert query_a(CLUSTER_DNS, f"echo.{zone}") == Answer(NOERROR, [cluster_ip])
    assert query_a(CLUSTER_DNS, f"echo-nodes.{zone}") == Answer(NOERROR, [server_ip])
    assert query_a(CLUSTER_DNS, f"missing.{zone}").rcode == NXDOMAIN
    assert query_a(CLUSTER_DNS, "example.com").rcode == REFUSED  # no upstream: nothing leaves the machine


def test_an_endpoint_that_is_not_ready_is_not_served(kube: Kube, namespace: str, real_nodes: list[str]) -> None:
    never_ready = server(namespace, "echo-0", real_nodes[1])
    never_ready["spec"]["containers"][0]["readinessProbe"] = {"exec": {"command": ["false"]}, "periodSeconds": 1}
    kube.apply([
        never_ready,
        service(namespace, "echo"),
        pod(namespace, "client", container("sh", STAYS), nodeName=real_nodes[0]),
    ])  # fmt: skip
    ready(kube, namespace, "client")
    kube.run("wait", "--namespace", namespace, "--for=jsonpath={.status.phase}=Running", "--timeout=90s", "pod/echo-0")
    # kube-proxy rejects a connection to a Service with no ready endpoint (an ICMP port unreachable). Seen here: a new
    # pod's first connection to such a Service may instead get no answer until `timeout` ends it; the next is refused.
    attempts = [exec_in(kube, namespace, "client", "sh", f"{WGET} http://echo/ 2>&1; echo exit=$?") for _ in range(3)]
    assert not [a for a in attempts if "echo-0" in a or "exit=0" in a], attempts
    assert [a for a in attempts if "Connection refused" in a], attempts
