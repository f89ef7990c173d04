"""The dev and prod stacks' Elasticsearch pods, each started once per module by the harness."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from podpatterns.render import Recording

from ..harness import Cluster, RunningPod
from ..standins.vault import PROD_KV

STACKS = ("dev", "prod")
LOG_FILE = "/usr/share/elasticsearch/logs/elasticsearch.log"
"""Where the rendered elasticsearch.yml (path.logs, cluster.name) has the server log."""


@dataclass
class StackPod:
    stack: str
    cluster: Cluster
    pod: RunningPod
    namespace: str
    files: Path
    """Client files (CA, client certificates) written by the tests."""
    host_max_map_count: str
    """This machine's vm.max_map_count before the pod ran: the sysctl init container must not change it."""

    @property
    def host(self) -> str:
        """The client Service's DNS name, which the server certificate must carry."""
        return self.cluster.service_host("elasticsearch", self.namespace)

    def https(self, path: str, *extra: str) -> list[str]:
        """curl to the pod's 9200, addressed by the Service's name, verified against the stack's CA,
        with a client certificate when the ambassador requires one."""
        tls = self.cluster.get(self.namespace, "Secret", "elasticsearch-tls")
        assert tls is not None
        ca = self._file("ca.crt", tls["stringData"]["ca.crt"])
        client = []
        issued = self.cluster.get(self.namespace, "Secret", "elasticsearch-client-ingest")
        if issued is not None:
            data = issued["stringData"]
            client = [
                "--cert",
                self._file("ingest.crt", data["tls.crt"]),
                "--key",
                self._file("ingest.key", data["tls.key"]),
            ]
        resolve = f"{self.host}:9200:{self.pod.ip}"
        curl = ["curl", "--silent", "--show-error", "--max-time", "5", "--resolve", resolve, "--cacert", ca]
        return [*curl, *client, *extra, f"https://{self.host}:9200{path}"]

    def _file(self, name: str, text: str) -> str:
        path = self.files / name
        if not path.exists():
            path.write_text(text)
        return str(path)


@pytest.fixture(scope="module", params=STACKS)
def stack_pod(
    request: pytest.FixtureRequest,
    recordings: dict[str, Recording],
    vault_agent: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StackPod]:
    stack = request.param
    workdir = tmp_path_factory.mktemp(f"e2e-{stack}")
    host_max_map_count = Path("/proc/sys/vm/max_map_count").read_text()
    with Cluster(recordings[stack], workdir / "cluster", vault_agent=vault_agent, vault_kv=PROD_KV) as cluster:
        workload = cluster.workload("elasticsearch")
        with cluster.run(workload) as pod:
            files = workdir / "client"
            files.mkdir()
            yield StackPod(stack, cluster, pod, workload["metadata"]["namespace"], files, host_max_map_count)
