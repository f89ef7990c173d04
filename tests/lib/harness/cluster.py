"""A stand-in for a cluster: the rendered objects, the cluster's network, one node, and Vault's contents.

`Cluster(recording, workdir, ...)` takes an offline render: its ConfigMaps and Secrets back the pods' volumes and env,
with real certificates made from exactly what the program asked pulumi-tls for (tests/lib/support/certs.py). Like a
real cluster, every namespace also holds the `kube-root-ca.crt` ConfigMap, and what the staging and prod stack files
expect the cluster's owner to provide: Vault's CA (`vault-ca`) and the exporter's credentials
(`elasticsearch-exporter-credentials`, the elastic user with the prod fixture's password: the stand-in knows no
other user). The node's sysctls are files, as a fresh node has them, that every container sees over /proc/sys.
`cluster.run(workload)` runs one pod of a Deployment or StatefulSet (runner.py); a pod's Service names can be pointed
at another running pod with `hosts`. With `elasticsearch_home` the Elasticsearch image runs the real Elasticsearch
built there (elasticsearch_image.py; `elasticsearch_log4j`: a test's values in its file logging configuration), else
the stand-in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from podpatterns.pod.model import Manifest
from podpatterns.render import Recording, kubernetes_objects

from ..prerequisites import require_program, require_root
from ..standins.vault import PROD_KV
from ..standins.vault.server import VAULT_SERVER
from ..support.certs import materialize, self_signed
from .images import ImageContext
from .network import ClusterNetwork
from .relay import Relay
from .runner import PodSpec, RunningPod, run_pod
from .vault import SERVICE_ADDRESS, VaultBackend
from .volumes import TokenSource

WORKLOADS = ("Deployment", "StatefulSet")
NODE_SYSCTLS = {"vm.max_map_count": "65530"}
"""The node's sysctls as a fresh Linux node has them (the stand-ins every container sees)."""


def _provided_objects(cluster_ca: str, vault_ca: str) -> dict[tuple[str, str], Manifest]:
    """Objects every namespace holds without the stacks creating them, by kind and name."""
    password = PROD_KV["secret/data/search/prod/elastic"]["password"]
    return {
        ("ConfigMap", "kube-root-ca.crt"): {"kind": "ConfigMap", "data": {"ca.crt": cluster_ca}},
        ("ConfigMap", "vault-ca"): {"kind": "ConfigMap", "data": {"ca.crt": vault_ca}},
        ("Secret", "elasticsearch-exporter-credentials"): {
            "kind": "Secret",
            "stringData": {"username": "elastic", "password": password},
        },
    }


class Cluster:
    """Use as a context manager: the cluster network namespace lives until exit."""

    def __init__(
        self,
        recording: Recording,
        workdir: Path,
        *,
        vault_agent: Path | None = None,
        vault_kv: Mapping[str, Mapping[str, Any]] | None = None,
        vault_server: Mapping[str, Any] = VAULT_SERVER,
        extra_objects: Sequence[Manifest] = (),
        elasticsearch_home: Path | None = None,
        elasticsearch_log4j: Mapping[str, str] | None = None,
        vault: VaultBackend | None = None,
    ) -> None:
        require_root("network, mount and PID namespaces stand in for the pods")
        for program, package in (("unshare", "util-linux"), ("ip", "iproute2"), ("curl", "curl")):
            require_program(program, package)
        self.workdir = workdir
        made = materialize(recording)
        rendered = [made.resolve(m) for m in kubernetes_objects(recording)] + list(extra_objects)
        self.objects: dict[tuple[str, str, str], Manifest] = {
            (m["metadata"].get("namespace", ""), m["kind"], m["metadata"]["name"]): m for m in rendered
        }
        self.vault = vault
        """The real Vault server and token issuer (harness/vault.py); None: the agent stand-in and its fixture."""
        # What signed Vault's certificate: the stacks' vault-ca ConfigMap.
        vault_ca = vault.ca if vault else self_signed("vault")[0]
        server = {**vault_server, "ca": vault_ca}
        self.images = ImageContext(
            workdir / "images",
            vault_kv or {},
            vault_agent,
            server,
            elasticsearch_home=elasticsearch_home,
            elasticsearch_log4j=elasticsearch_log4j or {},
        )
        self.images.directory.mkdir(parents=True)
        self.node = workdir / "node"
        self.sysctls = {}
        for name, value in NODE_SYSCTLS.items():
            self.sysctls[name] = self.node / name
            self.sysctls[name].parent.mkdir(parents=True, exist_ok=True)
            self.sysctls[name].write_text(value + "\n")
        self._provided = _provided_objects(self_signed("kubernetes")[0], vault_ca)
        self.pods = 0

    def __enter__(self) -> Cluster:
        self.network = ClusterNetwork()
        self.vault_relay: Relay | None = None
        """Carries the pods' connections to the real Vault server; `stop()` it and Vault is down for them."""
        if self.vault:
            self.network.run(["ip", "addr", "add", f"{SERVICE_ADDRESS}/32", "dev", "lo"]).check_returncode()
            service = (SERVICE_ADDRESS, self.vault.service[1])
            self.vault_relay = Relay(self.network.pause.pid, service, self.vault.upstream)
        return self

    def __exit__(self, *_: object) -> None:
        if self.vault_relay:
            self.vault_relay.stop()
        self.network.stop()

    def get(self, namespace: str, kind: str, name: str) -> Manifest | None:
        found = self.objects.get((namespace, kind, name))
        if found is None and (kind, name) in self._provided:
            return {**self._provided[kind, name], "metadata": {"name": name, "namespace": namespace}}
        return found

    def workload(self, name: str) -> Manifest:
        (found,) = [m for (_, kind, n), m in self.objects.items() if kind in WORKLOADS and n == name]
        return found

    def service_host(self, name: str, namespace: str) -> str:
        return f"{name}.{namespace}.svc.cluster.local"

    def _token_source(self, namespace: str, spec: Manifest) -> TokenSource | None:
        """The pod's projected tokens from the real API server (with a Vault backend), else None (placeholders)."""
        vault = self.vault
        if vault is None:
            return None
        account = spec.get("serviceAccountName", "default")
        return lambda audience, seconds: vault.issue_token(namespace, account, audience, seconds)

    @contextmanager
    def run(
        self,
        workload: Manifest,
        hosts: Mapping[str, str | Sequence[str]] | None = None,
        *,
        ready: bool = True,
        ordinal: int = 0,
    ) -> Iterator[RunningPod]:
        """One pod of `workload` (a StatefulSet's pod `ordinal`), started and ready (`ready` False: running, its
        readiness probes left to the test). `hosts`: extra names in its hosts file, each to one address or several
        (a headless Service's name)."""
        self.pods += 1
        meta = workload["metadata"]
        namespace = meta.get("namespace", "default")
        suffix = str(ordinal) if workload["kind"] == "StatefulSet" else f"harness{self.pods}"
        pod = PodSpec(
            name=f"{meta['name']}-{suffix}",
            namespace=namespace,
            spec=workload["spec"]["template"]["spec"],
            claim_templates=workload["spec"].get("volumeClaimTemplates", []),
            objects=lambda kind, name: self.get(namespace, kind, name),
            images=self.images,
            sysctls=self.sysctls,
            hosts={**({self.vault.service[0]: SERVICE_ADDRESS} if self.vault else {}), **(hosts or {})},
            token=self._token_source(namespace, workload["spec"]["template"]["spec"]),
            # A StatefulSet pod's claims outlive it, as PersistentVolumeClaims do: started again, it finds its data.
            claims=self.workdir / "claims" / f"{meta['name']}-{suffix}" if workload["kind"] == "StatefulSet" else None,
        )
        with run_pod(pod, self.network, self.workdir / f"pod{self.pods}", ready=ready) as running:
            yield running
