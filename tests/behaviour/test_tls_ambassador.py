"""The TLS ambassador on the real nginx (Debian), with the rendered configuration and certificates made
from exactly what the component asked pulumi-tls for, in network and mount namespaces standing in for the pod.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from podpatterns.render import Recording, kubernetes_objects

from ..conftest import PROJECT_DIR
from ..support.certs import materialize
from ..support.netns import Mount, PodNetwork, pod_network
from ..support.nginx import for_debian_nginx
from ..support.volumes import write_volume
from .conftest import require_program, require_root
from .exporter import command_of

BACKEND_PORT = 9201
TLS_PORT = 9200
RUN = ("tls-ambassador", "metrics-exporter")
"""The containers of the pod these tests run, besides the application (the stand-in)."""


@dataclass
class RunningPod:
    network: PodNetwork
    files: Path
    host: str
    """The client Service's cluster DNS name, which the certificate must carry."""
    access_log: Path
    backend_log: Path
    """What the Elasticsearch stand-in on 127.0.0.1:9201 served ("standin: GET <path> ...")."""
    pod_spec: dict
    sources: dict[str, Path]
    """The pod's Secret and ConfigMap volumes, as directories."""

    def served(self) -> list[str]:
        """The paths the application was asked for, in order."""
        lines = self.backend_log.read_text().splitlines() if self.backend_log.exists() else []
        return [line.split()[2] for line in lines if line.startswith("standin: GET ")]

    def curl(self, *args: str, namespace: str | None = None) -> subprocess.CompletedProcess[str]:
        """curl from the client namespace to the pod's TLS port, addressed by the Service name."""
        resolve = f"{self.host}:{TLS_PORT}:{self.network.pod_ip}"
        argv = ["curl", "--silent", "--show-error", "--max-time", "5", "--resolve", resolve, *args]
        return self.network.run(namespace or self.network.client, argv)

    def url(self, path: str = "/_cluster/health") -> str:
        return f"https://{self.host}:{TLS_PORT}{path}"


def _write_files(recording: Recording, files: Path) -> tuple[dict[str, Path], dict, str]:
    """The Secret and ConfigMap volumes of the ambassador and the exporter as directories, the client
    certificates' Secrets too; the pod spec; the client Service's cluster DNS name."""
    made = materialize(recording)
    objects = {(m["kind"], m["metadata"]["name"]): m for m in kubernetes_objects(recording)}
    pod = next(
        m["spec"]["template"]["spec"]
        for m in objects.values()
        if m["kind"] in ("Deployment", "StatefulSet")
        and any(c["name"] == "tls-ambassador" for c in m["spec"]["template"]["spec"]["containers"])
    )
    mounted = {m["name"] for c in pod["containers"] if c["name"] in RUN for m in c.get("volumeMounts", [])}
    sources: dict[str, Path] = {}
    for volume in (v for v in pod["volumes"] if v["name"] in mounted):
        if "secret" in volume:
            data = made.resolve(objects[("Secret", volume["secret"]["secretName"])]["stringData"])
            items = volume["secret"].get("items")
            if items:
                data = {item["path"]: data[item["key"]] for item in items}
        elif "configMap" in volume:
            data = {
                key: for_debian_nginx(text)
                for key, text in objects[("ConfigMap", volume["configMap"]["name"])]["data"].items()
            }
        else:
            continue
        sources[volume["name"]] = write_volume(files / volume["name"], data)
    for (kind, name), value in objects.items():
        if kind == "Secret" and "-client-" in name:
            write_volume(files / name, made.resolve(value["stringData"]))
    service = next(m for m in objects.values() if m["kind"] == "Service" and "clusterIP" not in m["spec"])
    host = f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc.cluster.local"
    return sources, pod, host


def _container(pod: dict, name: str) -> dict:
    return next(c for c in pod["containers"] if c["name"] == name)


def _mounts(container: dict, sources: dict[str, Path]) -> list[Mount]:
    """The container's volumeMounts: a tmpfs over each parent directory (to create mount points
    without touching the host), then the volumes, then emptyDirs (a tmpfs on /tmp hides the sources)."""
    parents = sorted({str(Path(m["mountPath"]).parent) for m in container["volumeMounts"]} - {"/"})
    binds, empty_dirs = [], []
    for mount in container["volumeMounts"]:
        source = sources.get(mount["name"])
        if source is None:
            empty_dirs.append(Mount(mount["mountPath"]))
        else:
            binds.append(Mount(mount["mountPath"], source, read_only=mount.get("readOnly", False)))
    return [*(Mount(p) for p in parents), *binds, *empty_dirs]


@contextmanager
def start_pod(recording: Recording, tmp_path: Path) -> Iterator[RunningPod]:
    """The stand-in on 127.0.0.1:9201 and the rendered ambassador in front of it, in a pod network."""
    require_root("network and mount namespaces stand in for the pod")
    require_program("nginx", "nginx-light")
    require_program("curl", "curl")
    tmp_path.chmod(0o755)  # the nginx user must reach the bind-mount sources
    sources, pod, host = _write_files(recording, tmp_path / "volumes")
    container = _container(pod, "tls-ambassador")
    access_log, backend_log = tmp_path / "nginx.out", tmp_path / "backend.log"
    with pod_network() as network:
        standin = [sys.executable, "-m", "tests.standins.elasticsearch", "--port", str(BACKEND_PORT)]
        network.start(network.pod, standin, env={"PYTHONPATH": str(PROJECT_DIR)}, log=backend_log)
        network.wait_for_port(network.pod, "127.0.0.1", BACKEND_PORT)
        user = container["securityContext"]["runAsUser"]
        network.start(network.pod, container["command"], mounts=_mounts(container, sources), user=user, log=access_log)
        network.wait_for_port(network.pod, "127.0.0.1", TLS_PORT)
        yield RunningPod(network, tmp_path / "volumes", host, access_log, backend_log, pod, sources)


@pytest.fixture(params=["dev", "prod"])
def running(request: pytest.FixtureRequest, recordings: dict[str, Recording], tmp_path: Path) -> Iterator[RunningPod]:
    with start_pod(recordings[request.param], tmp_path) as pod:
        yield pod


def logged(pod: RunningPod, text: str) -> bool:
    """Whether `text` reaches the ambassador's log within 3 s (it flushes its buffer every second)."""
    deadline = time.monotonic() + 3
    while text not in pod.access_log.read_text():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def ca_file(pod: RunningPod) -> str:
    return str(pod.files / "tls-ambassador-certs" / "ca.crt")


def test_https_verified_against_the_ca_reaches_the_app_and_is_logged(running: RunningPod) -> None:
    client = [
        "--cert",
        str(running.files / "elasticsearch-client-ingest" / "tls.crt"),
        "--key",
        str(running.files / "elasticsearch-client-ingest" / "tls.key"),
    ]
    mtls = (running.files / "elasticsearch-client-ingest").exists()
    result = running.curl("--cacert", ca_file(running), *(client if mtls else []), running.url())
    assert result.returncode == 0, result.stderr
    assert '"cluster_name": "standin-cluster"' in result.stdout
    assert running.served() == ["/_cluster/health"]
    assert logged(running, '"GET /_cluster/health HTTP/1.1" 200')


def test_plain_http_on_the_tls_port_gets_400_and_never_reaches_the_app(running: RunningPod) -> None:
    result = running.curl("--output", "/dev/null", "--write-out", "%{http_code}", f"http://{running.host}:{TLS_PORT}/")
    assert result.stdout == "400"
    assert running.served() == []


@pytest.mark.parametrize(
    ("version", "refused"), [("-tls1", True), ("-tls1_1", True), ("-tls1_2", False), ("-tls1_3", False)]
)
def test_only_tls_1_2_and_1_3_are_accepted(running: RunningPod, version: str, refused: bool) -> None:
    # SECLEVEL=0 lets this client offer TLS 1.0/1.1 at all: a refusal must come from the server.
    argv = [
        "openssl",
        "s_client",
        version,
        "-cipher",
        "DEFAULT@SECLEVEL=0",
        "-connect",
        f"{running.network.pod_ip}:{TLS_PORT}",
        "-servername",
        running.host,
    ]
    result = running.network.run(running.network.client, argv, input="")
    assert (result.returncode != 0) is refused, result.stdout[-500:] + result.stderr[-500:]


def test_sslyze_finds_mozilla_intermediate_compliance(running: RunningPod) -> None:
    sslyze = str(Path(sys.executable).parent / "sslyze")
    target = f"{running.host}:{TLS_PORT}{{{running.network.pod_ip}}}"
    # The cluster's own CA is the trust anchor clients use; sslyze's store only holds public CAs.
    argv = [sslyze, "--mozilla_config=intermediate", f"--certinfo_ca_file={ca_file(running)}", target]
    result = running.network.run(running.network.client, argv)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{running.host}:{TLS_PORT}: OK - Compliant." in result.stdout


def test_the_app_port_is_reachable_inside_the_pod_only(running: RunningPod) -> None:
    outside = running.network.run(
        running.network.client, ["curl", "--max-time", "3", f"http://{running.network.pod_ip}:{BACKEND_PORT}/"]
    )
    assert outside.returncode == 7  # connection refused: nothing listens on the pod's address
    inside = running.network.run(running.network.pod, ["curl", "--max-time", "3", f"http://127.0.0.1:{BACKEND_PORT}/"])
    assert inside.returncode == 0
    assert "standin-cluster" in inside.stdout
    through_tls = running.curl(
        "--cacert",
        ca_file(running),
        "--output",
        "/dev/null",
        "--write-out",
        "%{http_code}",
        running.url("/_ambassador/upstream-health"),
    )
    assert through_tls.stdout == "403"  # the in-pod readiness path is closed to the cluster


def foreign_client_certificate(directory: Path) -> tuple[str, str]:
    """A client certificate signed by a CA the ambassador does not trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "intruder")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "intruder.crt", directory / "intruder.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


def test_mutual_tls_required_in_prod(running: RunningPod) -> None:
    issued = running.files / "elasticsearch-client-ingest"
    if not issued.exists():
        assert "ssl_verify_client" not in (running.files / "tls-ambassador-config" / "nginx.conf").read_text()
        return  # dev: mutual TLS off, checked by the other tests without client certificates
    status = ["--output", "/dev/null", "--write-out", "%{http_code}", "--cacert", ca_file(running)]
    assert running.curl(*status, running.url()).stdout == "403"
    good = running.curl(*status, "--cert", str(issued / "tls.crt"), "--key", str(issued / "tls.key"), running.url())
    assert good.stdout == "200"
    cert, key = foreign_client_certificate(running.files)
    assert running.curl(*status, "--cert", cert, "--key", key, running.url()).stdout == "400"
    assert running.served() == ["/_cluster/health"]  # only the issued client got through


def exporter_reads_through_the_ambassador(pod: RunningPod) -> None:
    """The rendered exporter (https://localhost:9200, the CA, a client certificate under mutual TLS) reports
    the stand-in's health, and follows it when it turns red."""
    container = _container(pod.pod_spec, "metrics-exporter")
    assert not any("skip-verify" in arg for arg in container["args"])
    argv, env = command_of(container)
    user = container["securityContext"]["runAsUser"]
    pod.network.start(pod.network.pod, argv, mounts=_mounts(container, pod.sources), user=user, env=env)
    port = container["ports"][0]["containerPort"]
    pod.network.wait_for_port(pod.network.pod, "127.0.0.1", port, timeout=20)

    def metrics() -> str:
        result = pod.network.run(pod.network.pod, ["curl", "--silent", f"http://127.0.0.1:{port}/metrics"])
        return result.stdout

    health = 'elasticsearch_cluster_health_status{cluster="standin-cluster",color="%s"} 1'
    assert "elasticsearch_cluster_health_up 1" in metrics()
    assert health % "green" in metrics()
    red = pod.network.run(
        pod.network.pod, ["curl", "-X", "PUT", f"http://127.0.0.1:{BACKEND_PORT}/_standin/health/red"]
    )
    assert red.returncode == 0
    assert health % "red" in metrics()
    assert "/_nodes/_local/stats" in pod.served()  # it went through nginx to the app


def test_the_exporter_reads_elasticsearch_through_the_ambassador(running: RunningPod) -> None:
    exporter_reads_through_the_ambassador(running)
    assert logged(running, '"GET /_nodes/_local/stats HTTP/1.1" 200')
