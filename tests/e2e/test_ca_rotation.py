"""Issue 18: a CA rotation in three deploys of the prod stack (tls.caGeneration, tls.caOverlap), each run by the
harness with the certificates of the deploy before kept where unchanged, as the engine keeps them. A client
keeps the files it was given (the ca.crt bundle, its mTLS certificate) and is served through the next step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..lib.harness import Cluster
from ..lib.harness.runner import RunningPod
from ..lib.standins.vault import PROD_KV
from ..lib.support.certs import Materialized
from ..lib.support.variants import render_variant

STEPS: list[dict[str, Any]] = [
    {},  # before: CA 1 signs and is the only one trusted
    {"caOverlap": "next"},  # 1: CA 2 created and trusted everywhere; nothing re-issued
    {"caGeneration": 2, "caOverlap": "previous"},  # 2: everything re-issued by CA 2; CA 1 still trusted
]
CLIENT_SECRET = "elasticsearch-client-ingest"
CLIENT_NAMESPACE = "ingest"  # prod delivers the ingest client's certificate into its own namespace
ELASTIC = f"elastic:{PROD_KV['secret/data/search/prod/elastic']['password']}"  # prod's security is on


def client_files(cluster: Cluster, namespace: str, directory: Path) -> Path:
    """What the ingest client holds after this deploy: its Secret's files."""
    secret = cluster.get(namespace, "Secret", CLIENT_SECRET)
    assert secret is not None
    directory.mkdir()
    for key in ("ca.crt", "tls.crt", "tls.key"):
        (directory / key).write_text(secret["stringData"][key])
    return directory


def served(cluster: Cluster, pod: RunningPod, client: Path) -> bool:
    host = cluster.service_host("elasticsearch", pod.namespace)
    curl = [
        *("curl", "--silent", "--show-error", "--fail", "--max-time", "5", "--resolve", f"{host}:9200:{pod.ip}"),
        *("--cacert", str(client / "ca.crt"), "--cert", str(client / "tls.crt"), "--key", str(client / "tls.key")),
        *("--user", ELASTIC),
    ]
    return pod.in_cluster([*curl, f"https://{host}:9200/"]).returncode == 0


def test_a_client_is_served_through_every_step_of_a_ca_rotation(vault_agent: Path, tmp_path: Path) -> None:
    clients: list[Path] = []
    results: dict[tuple[int, int], bool] = {}
    previous: Materialized | None = None
    for step, tls in enumerate(STEPS):
        recording = render_variant("prod", tls=tls)
        with Cluster(
            recording,
            tmp_path / f"step{step}",
            vault_agent=vault_agent,
            vault_kv=PROD_KV,
            previous_certificates=previous,
        ) as cluster:
            workload = cluster.workload("elasticsearch")
            with cluster.run(workload) as pod:
                clients.append(client_files(cluster, CLIENT_NAMESPACE, tmp_path / f"client{step}"))
                for held, files in enumerate(clients):
                    results[(held, step)] = served(cluster, pod, files)
            previous = cluster.certificates
    # A client holding the files of the deploy before is served at every step, and so is one of this deploy.
    assert all(results[(step - 1, step)] for step in range(1, len(STEPS))), results
    assert all(results[(step, step)] for step in range(len(STEPS))), results
    # Why step 1 comes first: a client that never refreshed its ca.crt (CA 1 alone) fails once CA 2 signs.
    assert results[(0, 2)] is False
    bundle = (clients[1] / "ca.crt").read_text()
    assert bundle.count("BEGIN CERTIFICATE") == 2  # both CAs, during the overlap
    assert (clients[0] / "ca.crt").read_text() in bundle  # the first CA, unchanged: kept by the engine
