"""A stack's Elasticsearch pods on the real Elasticsearch (elasticsearch_image.py): every node of the workload, each
pod in its own network namespace, the headless and client Services' names in every pod's hosts file, Vault holding
the staging and prod stacks' secrets. `RealStack.api(...)` asks a node's HTTP API from inside its pod, as the
readiness probe does (Elasticsearch listens on 127.0.0.1 behind the TLS ambassador)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from podpatterns.render import Recording

from ..standins.vault import PROD_KV
from .cluster import Cluster
from .runner import RunningPod

STAGING_PASSWORD = "staging horse battery staple"
VAULT_KV = {**PROD_KV, "secret/data/search/staging/elastic": {"password": STAGING_PASSWORD}}
"""What the "Vault server" holds for the staging and prod stacks."""
PASSWORDS = {"prod": PROD_KV["secret/data/search/prod/elastic"]["password"], "staging": STAGING_PASSWORD}
START_TIMEOUT = 300.0
"""Seconds every node may take to start and pass its readiness probe (three JVMs on two busy cores)."""


@dataclass
class Answer:
    status: int
    body: Any
    """Parsed JSON, or the text when it is not JSON."""
    headers: str
    """The response's status line and headers, as sent."""


@dataclass
class RealStack:
    stack: str
    cluster: Cluster
    workload: dict[str, Any]
    hosts: dict[str, list[str]]
    """The Services' names every pod resolves (service_hosts)."""
    config: dict[str, Any]
    """The rendered elasticsearch.yml."""
    pods: list[RunningPod] = field(default_factory=list)
    """The running pods, by ordinal."""
    _running: list[ExitStack] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        return str(self.workload["metadata"]["namespace"])

    def start(self, ordinal: int) -> RunningPod:
        """Start the workload's pod `ordinal` (its claims kept from an earlier start), not waiting for readiness.

        A pod started again gets a new IP, as in Kubernetes, and the Services' names follow it (as cluster DNS
        does) in the hosts file of every pod started from then on."""
        if ordinal < len(self.pods):
            addresses = [pod.ip for pod in self.pods]
            (addresses[ordinal],) = self.cluster.network.next_addresses(1)
            self.hosts = service_hosts(self.cluster, self.workload, addresses)
        running = ExitStack()
        pod = running.enter_context(self.cluster.run(self.workload, self.hosts, ready=False, ordinal=ordinal))
        if ordinal < len(self.pods):
            self.pods[ordinal], self._running[ordinal] = pod, running
        else:
            self.pods.append(pod)
            self._running.append(running)
        return pod

    def stop_all(self) -> None:
        for running in reversed(self._running):
            running.close()

    @property
    def password(self) -> str | None:
        """The elastic user's password (Vault's), None with security off."""
        return PASSWORDS[self.stack] if self.config.get("xpack.security.enabled") else None

    @property
    def url(self) -> str:
        return f"http://{self.config['http.host']}:{self.config['http.port']}"

    def api(
        self, path: str, *, method: str = "GET", body: Any = None, user: str | None = "elastic", node: int = 0
    ) -> Answer:
        """One request to node `node`'s HTTP API from inside its pod; `user` None: anonymous, else that user with
        the stack's password (ignored with security off)."""
        argv = ["curl", "--silent", "--show-error", "--max-time", "30", "--dump-header", "-"]
        argv += ["--request", method, "--write-out", "\n%{http_code}"]
        if body is not None:
            argv += ["--header", "Content-Type: application/json", "--data-binary", "@-"]
        if user is not None and self.password is not None:
            argv += ["--user", f"{user}:{self.password}"]
        done = self.pods[node].exec(
            "elasticsearch", [*argv, self.url + path], timeout=40, input=None if body is None else _ndjson(body)
        )
        answer, _, code = done.stdout.rpartition("\n")
        if not code.isdigit():
            raise AssertionError(f"curl {path} on node {node} failed ({done.returncode}): {done.stdout}{done.stderr}")
        headers, _, text = answer.partition("\n\n")  # text mode: curl's CRLF arrive as LF
        try:
            parsed: Any = json.loads(text)
        except json.JSONDecodeError:
            parsed = text
        return Answer(int(code), parsed, headers)

    def wait_for_health(self, status: str, nodes: int, timeout: float = START_TIMEOUT) -> dict[str, Any]:
        """The cluster health once it is `status` with `nodes` nodes (AssertionError naming the last answer)."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.api(f"/_cluster/health?wait_for_status={status}&wait_for_nodes={nodes}&timeout=5s")
            if answer.status == 200 and not answer.body.get("timed_out"):
                return dict(answer.body)
            if time.monotonic() > deadline:
                raise AssertionError(f"cluster not {status} with {nodes} nodes after {timeout:.0f}s: {answer.body}")

    def node_names_and_addresses(self) -> list[tuple[str, str]]:
        return [(pod.name, pod.ip) for pod in self.pods]

    def server_log(self, node: int = 0) -> str:
        """The node's plain-text server log (ES_LOG_STYLE=file: <cluster name>.log in the logs volume)."""
        return (self.pods[node].volumes["logs"].path / f"{self.config['cluster.name']}.log").read_text()

    def deprecations(self, node: int = 0) -> list[dict[str, Any]]:
        """The node's deprecation log (<cluster name>_deprecation.json), one event a line."""
        path = self.pods[node].volumes["logs"].path / f"{self.config['cluster.name']}_deprecation.json"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _ndjson(body: Any) -> str:
    """A request body: a list is a bulk request (one JSON document a line), anything else one JSON document."""
    if isinstance(body, list):
        return "".join(json.dumps(line) + "\n" for line in body)
    return json.dumps(body)


def service_hosts(cluster: Cluster, workload: dict[str, Any], addresses: Sequence[str]) -> dict[str, list[str]]:
    """The names a pod resolves for the workload's Services (headless: every pod; client: every pod; each pod's
    own name through the headless Service), short, with the namespace (and `.svc`, as the cluster-wide exporter
    names the client Service) and fully qualified."""
    meta = workload["metadata"]
    namespace = meta.get("namespace", "default")
    name = meta["name"]
    headless = f"{name}-headless"
    hosts: dict[str, list[str]] = {}
    for service in (headless, name):
        for alias in (
            service,
            f"{service}.{namespace}",
            f"{service}.{namespace}.svc",
            cluster.service_host(service, namespace),
        ):
            hosts[alias] = list(addresses)
    for ordinal, address in enumerate(addresses):
        hosts[f"{name}-{ordinal}.{cluster.service_host(headless, namespace)}"] = [address]
    return hosts


@contextmanager
def run_real_stack(
    stack: str,
    recording: Recording,
    workdir: Path,
    vault_agent: Path,
    home: Path,
    *,
    log4j: Mapping[str, str] | None = None,
    claim_size: str | None = None,
) -> Iterator[RealStack]:
    """Every Elasticsearch pod of the stack on the real Elasticsearch at `home` (`log4j`: a test's values in its
    log4j2.file.properties, elasticsearch_image.py), started, ready and the cluster formed; stopped on exit.

    `claim_size` (tmpfs's `size=`, e.g. 512m): each pod's claims are file systems of that size of their own, as a
    PersistentVolume of that capacity is, rather than directories on this machine's disk (Elasticsearch's disk
    watermarks then read the claim's own use)."""
    with Cluster(
        recording,
        workdir / "cluster",
        vault_agent=vault_agent,
        vault_kv=VAULT_KV,
        elasticsearch_home=home,
        elasticsearch_log4j=log4j,
    ) as cluster:
        workload = cluster.workload("elasticsearch")
        replicas = int(workload["spec"].get("replicas", 1))
        hosts = service_hosts(cluster, workload, cluster.network.next_addresses(replicas))
        namespace = workload["metadata"].get("namespace", "default")
        config_map = cluster.get(namespace, "ConfigMap", "elasticsearch-config")
        assert config_map is not None
        config = yaml.safe_load(config_map["data"]["elasticsearch.yml"])
        real = RealStack(stack, cluster, workload, hosts, config)
        mounted = _small_claims(cluster, workload, replicas, claim_size) if claim_size else []
        try:
            # Not waiting for readiness pod by pod: a node of a new cluster is ready once the cluster is green,
            # which takes its peers (podManagementPolicy Parallel starts them together, as here).
            for ordinal in range(replicas):
                real.start(ordinal)
            wait_ready(real.pods)
            yield real
        finally:
            real.stop_all()
            for path in mounted:
                subprocess.run(["umount", "--lazy", str(path)], check=False)


def _small_claims(cluster: Cluster, workload: dict[str, Any], replicas: int, size: str) -> list[Path]:
    """A tmpfs of `size` for every claim of every pod, where the pod's claims are kept (Cluster.run)."""
    mounted = []
    for ordinal in range(replicas):
        for claim in workload["spec"].get("volumeClaimTemplates", []):
            path = cluster.workdir / "claims" / f"{workload['metadata']['name']}-{ordinal}" / claim["metadata"]["name"]
            path.mkdir(parents=True)
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(path)], check=True)
            mounted.append(path)
    return mounted


def wait_ready(pods: list[RunningPod]) -> None:
    """Until each pod's Elasticsearch readiness probe passes (AssertionError when one exits or START_TIMEOUT ends)."""
    deadline = time.monotonic() + START_TIMEOUT
    for pod in pods:
        while (why := pod.ready("elasticsearch")) is not None:
            if pod.containers["elasticsearch"].process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{pod.name} not ready: {why}\n{pod.logs('elasticsearch')[-3000:]}")
            time.sleep(1)
