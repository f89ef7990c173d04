"""One stack's Elasticsearch pod, run by the harness, with what a client of the pod needs: the Service's
DNS name, curl addressed and verified as a client in the cluster would, the server's log."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from podpatterns.render import Recording

from ..standins.vault import PROD_KV
from .cluster import Cluster
from .runner import RunningPod

LOG_FILE = "/usr/share/elasticsearch/logs/elasticsearch.log"
"""Where the rendered elasticsearch.yml (path.logs, cluster.name) has the server log."""
TLS_PORT = 9200


@dataclass
class StackPod:
    stack: str
    cluster: Cluster
    pod: RunningPod
    namespace: str
    files: Path
    """Client files (CA, client certificates), written when first needed."""

    @property
    def host(self) -> str:
        """The client Service's DNS name, which the server certificate must carry."""
        return self.cluster.service_host("elasticsearch", self.namespace)

    def secret_file(self, secret: str, key: str, namespace: str | None = None) -> str | None:
        """A key of one of the stack's Secrets (in the stack's namespace, or `namespace`) as a file for a client;
        None when there is no such Secret."""
        found = self.cluster.get(namespace or self.namespace, "Secret", secret)
        if found is None:
            return None
        path = self.files / secret / key
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(found["stringData"][key])
        return str(path)

    @property
    def ca(self) -> str:
        ca = self.secret_file("elasticsearch-tls", "ca.crt")
        assert ca is not None
        return ca

    def client_certificate(self, client: str = "ingest") -> list[str]:
        """curl options presenting the client certificate the stack issued to `client` (none in dev), from the
        Secret the stack delivered into the client's namespace (named as the client)."""
        cert = self.secret_file(f"elasticsearch-client-{client}", "tls.crt", client)
        key = self.secret_file(f"elasticsearch-client-{client}", "tls.key", client)
        return ["--cert", cert, "--key", key] if cert and key else []

    @property
    def security(self) -> bool:
        """Whether the stack turns Elasticsearch security on (its rendered elasticsearch.yml says so)."""
        config = self.cluster.get(self.namespace, "ConfigMap", "elasticsearch-config")
        assert config is not None
        return bool(yaml.safe_load(config["data"]["elasticsearch.yml"])["xpack.security.enabled"])

    def login(self) -> list[str]:
        """curl options logging in as the elastic user with the password Vault holds (none without security)."""
        return ["--user", f"elastic:{PROD_KV['secret/data/search/prod/elastic']['password']}"] if self.security else []

    def https(self, path: str, *extra: str) -> list[str]:
        """curl to the pod's 9200 addressed by the Service's name, verified against the stack's CA, with the
        ingest client's certificate when the stack issues client certificates, logged in when security is on."""
        resolve = f"{self.host}:{TLS_PORT}:{self.pod.ip}"
        curl = ["curl", "--silent", "--show-error", "--max-time", "5", "--resolve", resolve, "--cacert", self.ca]
        return [*curl, *self.client_certificate(), *self.login(), *extra, f"https://{self.host}:{TLS_PORT}{path}"]

    def served(self) -> str:
        """Elasticsearch's server log so far (one "standin: GET <path>" line per request)."""
        return (self.pod.volumes["logs"].path / Path(LOG_FILE).name).read_text()


def marker() -> str:
    """A unique mark to put in a request and find again in a log."""
    return uuid.uuid4().hex[:12]


@contextmanager
def run_stack(stack: str, recording: Recording, workdir: Path, vault_agent: Path) -> Iterator[StackPod]:
    """The stack's Elasticsearch pod, started and ready (Vault holding the prod stack's secrets)."""
    with Cluster(recording, workdir / "cluster", vault_agent=vault_agent, vault_kv=PROD_KV) as cluster:
        workload = cluster.workload("elasticsearch")
        with cluster.run(workload) as pod:
            files = workdir / "client"
            files.mkdir()
            yield StackPod(stack, cluster, pod, workload["metadata"]["namespace"], files)
