"""A stack deployed by the real engine onto the real nodes the way a platform team hosts it: in a namespace the
cluster's owner made ahead (`createNamespace: false`, the rendered Namespace's labels) holding what the stacks expect
to find there (Vault's CA in `vault-ca`, the exporter's login in `elasticsearch-exporter-credentials`), with its
secrets in the test Vault (scripts/vault: reached at https://vault.vault.svc:8200 through a Service) under a role of its
own. The exporter logs in as `elastic`, not as a user of its own as docs/security.md advises: the Elasticsearch built
here cannot make native users (its `.security` index needs the analysis-common module, which Maven Central does not
serve: docs/elasticsearch-build.md).

Namespaces, client namespaces and the Vault role carry a suffix of the deployment's own: the engine tests deploy the
same stacks to the same cluster beside these.
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from podpatterns.pod.model import Manifest
from podpatterns.render import kubernetes_objects
from podpatterns.render.offline import run_offline
from podpatterns.vault.server_setup import role_parameters, vault_policy

from ..conftest import PROJECT_DIR
from ..lib.harness.elasticsearch_image import DISK_WATERMARK_SETTINGS
from ..lib.harness.real_stack import Answer
from ..lib.kube import Kube, delete_namespaces, unique_suffix
from ..lib.pulumi_engine import STACK_ENTRIES, Engine, Project, copy_project
from ..lib.support.stack_settings import stack_settings
from ..lib.vault_server import VaultServer
from .conftest import REAL_NODE_TOLERATION
from .node_traces import destroy_until_clean

APP = "elasticsearch"
S3_KEYS = {"access_key": "AKIAEXAMPLE", "secret_key": "wJal/rXU+tnF=EXAMPLE"}


def curl(*args: str) -> subprocess.CompletedProcess[str]:
    """curl from the machine, which is on the nodes' bridge: it reaches pod and Service addresses as a node does."""
    return subprocess.run(["curl", "--silent", "--max-time", "30", *args], capture_output=True, text=True, check=False)


@dataclass
class NodeStack:
    """A stack `pulumi up` deployed onto the real nodes, and ways to reach it."""

    project: Project
    stack: str
    kube: Kube
    namespace: str
    clients: list[tuple[str, str]]
    """Its clients (prod's tls.clients) as (namespace, name): the namespace made ahead, the certificate put there."""
    manifests: list[Manifest]
    """The offline render of the same settings: what `up` must have created."""
    password: str
    """The elastic user's password, as Vault holds it; empty when security is off (dev): requests carry no login."""
    seconds_to_ready: float
    files: Path
    """Where the CA and client certificates are written for curl."""

    @property
    def config(self) -> dict[str, Any]:
        """The rendered elasticsearch.yml."""
        (config_map,) = [
            m for m in self.manifests if m["kind"] == "ConfigMap" and m["metadata"]["name"] == f"{APP}-config"
        ]
        return dict(yaml.safe_load(config_map["data"]["elasticsearch.yml"]))

    def pods(self) -> list[dict[str, Any]]:
        """The Elasticsearch pods, by name (ordinal)."""
        selector = f"app.kubernetes.io/name={APP}"
        found = self.kube.json("get", "pods", "--namespace", self.namespace, "--selector", selector)["items"]
        return sorted(found, key=lambda pod: pod["metadata"]["name"])

    def node_names_and_addresses(self) -> list[tuple[str, str]]:
        return [(pod["metadata"]["name"], pod["status"]["podIP"]) for pod in self.pods()]

    def exec(self, pod: str, container: str, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return self.kube.run("exec", "--namespace", self.namespace, "--stdin", pod, "-c", container, "--", *argv,
                             stdin=stdin, check=False)  # fmt: skip

    def api(self, path: str, *, method: str = "GET", body: Any = None, user: str | None = "elastic", node: int = 0
            ) -> Answer:  # fmt: skip
        """One request to node `node`'s HTTP API from inside its elasticsearch container (127.0.0.1:9201, behind the
        ambassador); `user` None: anonymous. The password goes to curl as configuration on stdin."""
        argv = ["curl", "--silent", "--show-error", "--max-time", "30", "--dump-header", "-", "--config", "-"]
        argv += ["--request", method, "--write-out", "\n%{http_code}", f"http://127.0.0.1:9201{path}"]
        config = f'user = "{user}:{self.password}"\n' if user and self.password else ""
        if body is not None:
            data = "".join(json.dumps(line) + "\n" for line in body) if isinstance(body, list) else json.dumps(body)
            config += f'header = "Content-Type: application/json"\ndata-binary = {json.dumps(data)}\n'
        done = self.exec(self.pods()[node]["metadata"]["name"], APP, *argv, stdin=config)
        assert done.returncode == 0, done.stderr
        answer, _, code = done.stdout.rpartition("\n")
        headers, _, text = answer.partition("\n\n")  # text mode reads curl's CRLFs as newlines
        try:
            parsed: Any = json.loads(text)
        except ValueError:
            parsed = text
        return Answer(int(code), parsed, headers)

    def destroy(self) -> tuple[float, float]:
        """`pulumi destroy` of the stack: seconds until it returned and until the nodes held nothing of its pods."""
        run = partial(self.project.run, "destroy", "--stack", self.stack, "--yes")
        return destroy_until_clean(run, Path(self.kube.kubeconfig).parent / "nodes", self.pods())

    def wait_for_health(self, status: str, nodes: int, timeout: float = 300, node: int = 0) -> dict[str, Any]:
        """The cluster's health once `status` with `nodes` nodes, asked of node `node`."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.api(f"/_cluster/health?wait_for_status={status}&wait_for_nodes={nodes}&timeout=5s", node=node)
            if answer.status == 200 and not answer.body.get("timed_out"):
                return dict(answer.body)
            assert time.monotonic() < deadline, f"not {status} with {nodes} nodes after {timeout:.0f} s: {answer.body}"

    def log_file(self, node: int, name: str) -> str:
        """A file of the node's logs volume (Elasticsearch's log directory), read in its container."""
        pod = self.pods()[node]["metadata"]["name"]
        done = self.exec(pod, APP, "sh", "-c", f"cat logs/{name} 2>/dev/null || true")
        return done.stdout

    def server_log(self, node: int = 0) -> str:
        return self.log_file(node, f"{self.config['cluster.name']}.log")

    def deprecations(self, node: int = 0) -> list[dict[str, Any]]:
        text = self.log_file(node, f"{self.config['cluster.name']}_deprecation.json")
        return [json.loads(line) for line in text.splitlines()]

    def secret_file(self, namespace: str, secret: str, key: str) -> Path:
        """A key of a Secret, written to a file for curl."""
        data = self.kube.json("get", "secret", "--namespace", namespace, secret)["data"]
        path = self.files / f"{namespace}-{secret}-{key}"
        path.write_bytes(base64.b64decode(data[key]))
        return path

    def served_certificate(self, address: str) -> str:
        """The leaf certificate (PEM) the ambassador at `address`:9200 presents for the Service's name."""
        done = subprocess.run(
            ["openssl", "s_client", "-connect", f"{address}:9200", "-servername", f"{APP}.{self.namespace}.svc"],
            input="", capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        start = done.stdout.index("-----BEGIN CERTIFICATE-----")
        end = done.stdout.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
        return done.stdout[start:end]

    def curl(self, address: str, path: str, *args: str, client: str | None = None) -> subprocess.CompletedProcess[str]:
        """curl from the machine (on the nodes' bridge) to the ambassador at `address`:9200, the certificate verified
        for the Service's name, with the certificate of the client `client` (its name in tls.clients) when given."""
        name = f"{APP}.{self.namespace}.svc"
        argv = ["curl", "--silent", "--show-error", "--max-time", "30", "--resolve", f"{name}:9200:{address}"]
        argv += ["--cacert", str(self.secret_file(self.namespace, f"{APP}-tls", "ca.crt"))]
        if client:
            (namespace,) = [namespace for namespace, name in self.clients if name == client]
            secret = f"{APP}-client-{client}"
            argv += ["--cert", str(self.secret_file(namespace, secret, "tls.crt"))]
            argv += ["--key", str(self.secret_file(namespace, secret, "tls.key"))]
        argv += ["--user", f"elastic:{self.password}", *args, f"https://{name}:9200{path}"]
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)


@contextmanager
def node_stack(
    engine: Engine, kube: Kube, vault: VaultServer, stack: str, workdir: Path, *, variant: dict[str, Any]
) -> Iterator[NodeStack]:
    """`stack` deployed by `pulumi up` onto the real nodes as the module docstring says, with the `pod-patterns:`
    settings of `variant` changed; destroyed, its namespaces deleted and its Vault role removed afterwards."""
    suffix = unique_suffix()
    project = copy_project(engine, PROJECT_DIR, workdir / "project", STACK_ENTRIES)
    project.stack_init(stack)
    namespace, role = f"{stack}-nodes{suffix}", f"search-{stack}{suffix}"
    settings: dict[str, Any] = {
        "pod-patterns:namespace": namespace,
        "pod-patterns:vault.role": role,
        "pod-patterns:scheduling.tolerations[0]": REAL_NODE_TOLERATION,
        "pod-patterns:scheduling.nodeSelector[0]": "type=real",
        **{f"pod-patterns:{key}": value for key, value in variant.items()},
    }
    stack_file = project.stack_file(stack)
    config = yaml.safe_load(stack_file.read_text())["config"]
    clients = []
    for index, client in enumerate(config.get("pod-patterns:tls", {}).get("clients", [])):
        client_namespace, name = client.split("/")
        clients.append((f"{client_namespace}{suffix}", name))
        settings[f"pod-patterns:tls.clients[{index}]"] = f"{client_namespace}{suffix}/{name}"
    for key, value in settings.items():
        project.config_set(stack, key, value)
    # The Namespace the stack would make (its Pod Security labels), made by the owner instead.
    rendered = kubernetes_objects(run_offline(project.directory, stack))
    (rendered_namespace,) = [m for m in rendered if m["kind"] == "Namespace" and m["metadata"]["name"] == namespace]
    project.config_set(stack, "pod-patterns:createNamespace", False)
    manifests = kubernetes_objects(run_offline(project.directory, stack))
    password = secrets.token_urlsafe(18)
    made = [
        rendered_namespace,
        *({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}} for name, _ in clients),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "vault-ca", "namespace": namespace},
         "data": {"ca.crt": vault.ca_file.read_text()}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "elasticsearch-exporter-credentials",
         "namespace": namespace}, "stringData": {"username": "elastic", "password": password}},
    ]  # fmt: skip
    vault_settings = replace(stack_settings(stack).vault, role=role)
    try:
        kube.apply(made)
        kv: dict[str, dict[str, str]] = {}
        for file in vault_settings.files:
            assert file.path
            kv.setdefault(file.path, {}).update({key: S3_KEYS.get(key, password) for key in file.keys})
        for path, values in kv.items():
            vault.kv_put(path, values)
        vault.cli("policy", "write", role, "-", stdin=vault_policy(vault_settings))
        parameters = role_parameters(vault_settings, f"{APP}-vault", namespace)
        vault.cli("write", f"auth/kubernetes/role/{role}", *(f"{key}={value}" for key, value in parameters.items()))
        started = time.monotonic()
        up = project.run("up", "--stack", stack, "--yes", "--skip-preview", check=False)  # waits for the rollout
        assert up.returncode == 0, f"pulumi up of {stack} failed:\n{up.stdout[-3000:]}\n{_pods_story(kube, namespace)}"
        files = workdir / "files"
        files.mkdir()
        deployed = NodeStack(
            project, stack, kube, namespace, clients, manifests, password, time.monotonic() - started, files
        )
        # This machine's disk, which the nodes' volumes are on, is shared with other work and often fuller than the
        # default watermarks allow (85% for replicas, 90% for any shard): free space in bytes instead, as the
        # harness sets them and as an operator sets them for a cluster on large disks.
        watermarks = deployed.api("/_cluster/settings", method="PUT", body={"persistent": DISK_WATERMARK_SETTINGS})
        assert watermarks.status == 200, watermarks
        yield deployed
    finally:
        project.run("destroy", "--stack", stack, "--yes", check=False)
        delete_namespaces(kube, [namespace, *(name for name, _ in clients)])
        vault.cli("delete", f"auth/kubernetes/role/{role}", check=False)
        vault.cli("policy", "delete", role, check=False)


@contextmanager
def dev_stack(
    engine: Engine, kube: Kube, workdir: Path, settings: dict[str, Any], *, namespace: str = "search-dev-nodes"
) -> Iterator[NodeStack]:
    """The dev stack (no Vault, security off) deployed by `pulumi up` onto a real node, its `pod-patterns:` `settings`
    set, in `namespace` with a suffix of the deployment's own (as node_stack's). Destroyed afterwards."""
    project = copy_project(engine, PROJECT_DIR, workdir / "project", STACK_ENTRIES)
    project.stack_init("dev")
    namespace += unique_suffix()
    placement = {"scheduling.tolerations[0]": REAL_NODE_TOLERATION, "scheduling.nodeSelector[0]": "type=real"}
    for key, value in {**placement, **settings, "namespace": namespace}.items():
        project.config_set("dev", f"pod-patterns:{key}", value)
    started = time.monotonic()
    up = project.run("up", "--stack", "dev", "--yes", "--skip-preview", check=False)  # waits for the rollout
    seconds_to_ready = time.monotonic() - started
    try:
        assert up.returncode == 0, f"pulumi up of dev failed:\n{up.stdout[-3000:]}\n{_pods_story(kube, namespace)}"
        manifests = kubernetes_objects(run_offline(project.directory, "dev"))
        (workdir / "files").mkdir()
        yield NodeStack(project, "dev", kube, namespace, [], manifests, "", seconds_to_ready, workdir / "files")
    finally:
        project.run("destroy", "--stack", "dev", "--yes", check=False)


def stack_fixture(stack: str, variant: dict[str, Any] | None = None) -> Callable[..., Iterator[NodeStack]]:
    """A module-scoped fixture: `stack` deployed onto the real nodes (node_stack) for the module's tests, with the
    `pod-patterns:` settings of `variant` changed (default: none)."""

    @pytest.fixture(scope="module")
    def deployed(
        engine: Engine, kube: Kube, vault: VaultServer, real_nodes: list[str], tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[NodeStack]:
        workdir = tmp_path_factory.mktemp(f"{stack}-on-real-nodes")
        with node_stack(engine, kube, vault, stack, workdir, variant=variant or {}) as running:
            yield running

    return deployed


def _pods_story(kube: Kube, namespace: str) -> str:
    """What the namespace's pods went through, for a failed `up`: their events and their containers' last output."""
    story = [kube.run("get", "events", "--namespace", namespace, "--sort-by=.lastTimestamp", check=False).stdout]
    for pod in kube.json("get", "pods", "--namespace", namespace)["items"]:
        spec = pod["spec"]
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            name = f"{pod['metadata']['name']}/{container['name']}"
            logs = kube.run("logs", "--namespace", namespace, pod["metadata"]["name"], "-c", container["name"],
                            "--tail=30", check=False)  # fmt: skip
            story.append(f"--- {name}:\n{logs.stdout}{logs.stderr}")
    return "\n".join(story)
