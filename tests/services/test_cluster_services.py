"""Cluster DNS and Service routing (scripts/lib/cluster_services.sh): `scripts/cluster up` with
PODPATTERNS_CLUSTER_SERVICES starts CoreDNS and kube-proxy for pods on a link of the host, here a bridge of the
test's own standing in for the real nodes' bridge; `down` leaves no process, nft table, route or setting behind.

CoreDNS answers from the API server's Services and EndpointSlices; kube-proxy (nftables) routes a ClusterIP to an
endpoint listening on an address of the link, and stops when the endpoint goes; a pod (a network namespace wired as
the CNI bridge plugin wires one) resolves a Service and reaches another pod, and itself, through it. Every address
is on this machine.
"""

from __future__ import annotations

import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube
from ..lib.prerequisites import require_program, require_root
from ..lib.support.dns import NOERROR, NXDOMAIN, REFUSED, Answer, query_a
from ..lib.support.processes import processes_naming

LINK = "pp-svc-test0"
SUBNET = "10.201.0.0/16"
LISTEN = "10.201.0.1"  # CoreDNS, as the real nodes' gateway is
ENDPOINT = "10.201.0.10"  # a host process standing in for a pod
NAMESPACE = "services-test"
WAIT = 30.0  # seconds; kube-proxy and CoreDNS follow a change within a second on the quiet machine


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


def machine_state() -> dict[str, object]:
    """What up may change on the machine: nft tables, links, routes to the ClusterIPs, IPv4 forwarding."""
    links = (line.split(":")[1].split("@")[0].strip() for line in run("ip", "-o", "link").splitlines())
    return {
        "tables": sorted(run("nft", "list", "tables").splitlines()),
        # Pods' veths come and go with any real node's pods on the machine: not ours to compare.
        "links": sorted(link for link in links if not link.startswith("veth")),
        "service routes": run("ip", "route", "show", "10.96.0.0/16"),
        "ip_forward": Path("/proc/sys/net/ipv4/ip_forward").read_text(),
    }


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"timed out after {WAIT} s waiting for {what}"
        time.sleep(0.1)


def cluster(command: str, directory: Path, setting: str) -> subprocess.CompletedProcess[str]:
    """scripts/cluster COMMAND for a cluster in `directory` with PODPATTERNS_CLUSTER_SERVICES=`setting`."""
    env = {k: v for k, v in os.environ.items() if k != "PODPATTERNS_CLUSTER_PORT"}
    env |= {"PODPATTERNS_CLUSTER_DIR": str(directory), "PODPATTERNS_CLUSTER_SERVICES": setting}
    script = PROJECT_DIR / "scripts" / "cluster"
    return subprocess.run([script, command], env=env, capture_output=True, text=True, timeout=900, check=False)


@dataclass
class Services:
    directory: Path
    kube: Kube
    before: dict[str, object]

    def cluster(self, command: str) -> subprocess.CompletedProcess[str]:
        return cluster(command, self.directory, f"{LISTEN} {LINK} {SUBNET} kwok-node-a")


@pytest.fixture(scope="module")
def services(kube: Kube, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A cluster of the module's own with CoreDNS and kube-proxy on the bridge (the programs of `kube` reused)."""
    require_root("a link, its addresses and kube-proxy's nft tables")
    require_program("nft", "nftables")
    before = machine_state()
    run("ip", "link", "add", LINK, "type", "bridge")  # no dummy links in this kernel
    try:
        run("ip", "addr", "add", f"{LISTEN}/16", "dev", LINK)
        run("ip", "addr", "add", f"{ENDPOINT}/32", "dev", LINK)
        run("ip", "link", "set", LINK, "up")
        directory = tmp_path_factory.mktemp("services") / "cluster"
        services = Services(directory, Kube(kube.kubectl, directory / "kubeconfig"), before)
        up = services.cluster("up")
        assert up.returncode == 0, up.stderr
        services.kube.run("create", "namespace", NAMESPACE)
        yield services
        services.cluster("down")
    finally:
        subprocess.run(["ip", "link", "delete", LINK], capture_output=True, check=False)


def name(service: str) -> str:
    return f"{service}.{NAMESPACE}.svc.cluster.local"


def endpoint_slice(service: str, endpoints: list[tuple[str, str]], port: int) -> str:
    """An EndpointSlice made by hand (the Services have no selector): (address, hostname) pairs, all ready."""
    items = "".join(f"- {{addresses: [{a}], hostname: {h}, conditions: {{ready: true}}}}\n" for a, h in endpoints)
    return f"""apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: {service}-hand
  namespace: {NAMESPACE}
  labels: {{kubernetes.io/service-name: {service}, endpointslice.kubernetes.io/managed-by: pod-patterns-tests}}
addressType: IPv4
ports: [{{name: main, port: {port}, protocol: TCP}}]
endpoints:
{items}"""


def service(service: str, port: int, headless: bool = False) -> str:
    cluster_ip = "\n  clusterIP: None" if headless else ""
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {service}, namespace: {NAMESPACE}}}
spec:{cluster_ip}
  ports: [{{name: main, port: {port}, protocol: TCP}}]
"""


def test_dns_answers_a_service_and_a_headless_services_pods_and_nxdomain_for_the_unknown(services: Services) -> None:
    services.kube.run("apply", "-f", "-", stdin=service("web", 80))
    cluster_ip = services.kube.run("get", "service", "web", "-n", NAMESPACE, "-o", "jsonpath={.spec.clusterIP}").stdout
    pods = [("10.201.1.2", "es-0"), ("10.201.1.3", "es-1")]
    services.kube.run("apply", "-f", "-", stdin=service("es", 9300, headless=True) + "---\n" + endpoint_slice(
        "es", pods, 9300))  # fmt: skip
    eventually(lambda: query_a(LISTEN, name("es")).addresses == ["10.201.1.2", "10.201.1.3"], "the headless Service")
    assert query_a(LISTEN, name("web")) == Answer(NOERROR, [cluster_ip])
    assert query_a(LISTEN, f"es-1.{name('es')}").addresses == ["10.201.1.3"]
    assert query_a(LISTEN, name("nothing-here")).rcode == NXDOMAIN
    assert query_a(LISTEN, f"es-9.{name('es')}").rcode == NXDOMAIN
    assert query_a(LISTEN, "example.com").rcode == REFUSED  # no upstream: these machines reach no other DNS


class _Hello(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(b"hello from the endpoint\n")


def answer(address: str, port: int) -> bytes | None:
    """What a TCP connection to address:port reads first; None when it is refused or times out."""
    try:
        with socket.create_connection((address, port), timeout=1) as connection:
            return connection.recv(100)
    except OSError:
        return None


def test_kube_proxy_routes_a_cluster_ip_to_its_endpoint_until_the_endpoint_goes(services: Services) -> None:
    with socketserver.ThreadingTCPServer((ENDPOINT, 0), _Hello) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        services.kube.run("apply", "-f", "-", stdin=service("routed", 8080) + "---\n" + endpoint_slice(
            "routed", [(ENDPOINT, "endpoint")], port))  # fmt: skip
        cluster_ip = services.kube.run(
            "get", "service", "routed", "-n", NAMESPACE, "-o", "jsonpath={.spec.clusterIP}"
        ).stdout
        eventually(lambda: answer(cluster_ip, 8080) == b"hello from the endpoint\n", f"{cluster_ip}:8080 routed")
        services.kube.run("delete", "endpointslice", "routed-hand", "-n", NAMESPACE)
        eventually(lambda: answer(cluster_ip, 8080) is None, f"{cluster_ip}:8080 to stop being routed")
        assert answer(ENDPOINT, port) == b"hello from the endpoint\n"  # the endpoint itself still answers
        server.shutdown()


SERVER = """
import socketserver, sys
class Hello(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(f"hello {self.client_address[0]}\\n".encode())
socketserver.TCPServer((sys.argv[1], int(sys.argv[2])), Hello).serve_forever()
"""
CLIENT = """
import socket, sys
sys.path.insert(0, sys.argv[1])
from dns import query_a
(address,) = query_a(sys.argv[2], sys.argv[3]).addresses
with socket.create_connection((address, int(sys.argv[4])), timeout=5) as connection:
    print(connection.recv(100).decode(), end="")
"""


@contextmanager
def pod(index: int) -> Iterator[tuple[str, str]]:
    """A network namespace on LINK as the real nodes' CNI bridge plugin makes a pod's: a veth in hairpin mode, an
    address of the subnet, the gateway (CoreDNS's address) as default route. Yields its name and address."""
    namespace, veth, address = f"pp-svc-pod{index}", f"pp-svc-veth{index}", f"10.201.1.{index}"
    run("ip", "netns", "add", namespace)
    try:
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        run("ip", "link", "set", veth, "master", LINK, "up")
        run("bridge", "link", "set", "dev", veth, "hairpin", "on")
        run("ip", "-n", namespace, "addr", "add", f"{address}/16", "dev", "eth0")
        run("ip", "-n", namespace, "link", "set", "eth0", "up")
        run("ip", "-n", namespace, "route", "add", "default", "via", LISTEN)
        yield namespace, address
    finally:
        run("ip", "netns", "delete", namespace)  # the veth pair goes with it


def test_a_pod_resolves_a_service_and_reaches_another_pod_and_itself_through_it(services: Services) -> None:
    with pod(1) as (client, _), pod(2) as (server, address):
        port = 8080
        command = ["ip", "netns", "exec", server, sys.executable, "-c", SERVER, address, str(port)]
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as listening:
            try:
                eventually(lambda: answer(address, port) is not None, "the server pod to listen")
                services.kube.run("apply", "-f", "-", stdin=service("pods", 80) + "---\n" + endpoint_slice(
                    "pods", [(address, "server")], port))  # fmt: skip
                support = str(PROJECT_DIR / "tests" / "lib" / "support")

                def hello_through_the_service(namespace: str) -> str:
                    command = ["ip", "netns", "exec", namespace, sys.executable, "-c", CLIENT, support, LISTEN,
                               name("pods"), "80"]  # fmt: skip
                    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
                    return done.stdout

                # Masqueraded: the server sees the gateway, through which its reply goes back un-translated.
                eventually(lambda: hello_through_the_service(client) == f"hello {LISTEN}\n", "pod to pod")
                assert hello_through_the_service(server) == f"hello {LISTEN}\n"  # hairpin: a pod to itself
            finally:
                listening.kill()


def test_down_leaves_no_process_table_route_or_setting(services: Services) -> None:
    assert "table ip kube-proxy" in run("nft", "list", "tables")
    down = services.cluster("down")
    assert down.returncode == 0, down.stderr
    assert processes_naming(services.directory) == []
    assert not services.directory.exists()
    run("ip", "link", "delete", LINK)
    assert machine_state() == services.before


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("10.201.0.1 pp-svc-test0 10.201.0.0/16", "it takes four words, LISTEN_IP LINK POD_CIDR NODE_NAME"),
        ("10.201.0.1 pp-svc-absent 10.201.0.0/16 kwok-node-a", "the link 'pp-svc-absent' is missing or lacks"),
    ],
)
def test_a_bad_setting_is_named_and_leaves_nothing(kube: Kube, tmp_path: Path, setting: str, message: str) -> None:
    require_root("the cluster's services start as root")
    directory = tmp_path / "cluster"
    up = cluster("up", directory, setting)
    assert up.returncode != 0
    assert "services: PODPATTERNS_CLUSTER_SERVICES" in up.stderr, up.stderr
    assert message in up.stderr
    assert not directory.exists()
    assert processes_naming(directory) == []
