"""The test Vault server (scripts/vault) seen from the tests: its CLI as root, and one tenant per test.

A tenant is a stack rendered with a namespace, a Vault role and KV paths of its own (so that tests in different
workers never share one), whose Namespace and ServiceAccount exist in the test cluster, whose policy and role are
written into Vault with the functions scripts/vault uses for the stacks (podpatterns.vault.server_setup), and whose
secrets are the prod stack's fixture values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from podpatterns.pod.model import Manifest
from podpatterns.render import Recording, kubernetes_objects
from podpatterns.settings import KeyStyle, parse
from podpatterns.vault.server_setup import role_parameters, vault_policy
from podpatterns.vault.settings import VaultSettings

from ..lib.harness import Cluster
from ..lib.harness.vault import TokenIssuer, VaultBackend
from ..lib.kube import Kube, delete_namespaces, unique_suffix
from ..lib.standins.vault import PROD_KV
from ..lib.support.variants import PROJECT_DIR, render_variant
from ..lib.vault_server import VaultServer

APP = "elasticsearch"
SERVICE_ACCOUNT = f"{APP}-vault"


def vault_backend(server: VaultServer, issue_token: TokenIssuer) -> VaultBackend:
    """The harness's Vault for pods: the server, their tokens from `issue_token`."""
    where = urlsplit(server.address)
    assert where.hostname
    assert where.port
    return VaultBackend(ca=server.ca_file.read_text(), upstream=(where.hostname, where.port), issue_token=issue_token)


def issue_token(kube: Kube) -> TokenIssuer:
    """Tokens from the test cluster's TokenRequest API (`kubectl create token`), as the kubelet asks for them."""

    def issue(namespace: str, account: str, audience: str | None, seconds: int) -> str:
        audience_option = [f"--audience={audience}"] if audience else []
        options = [f"--namespace={namespace}", *audience_option, f"--duration={seconds}s"]
        args = ["create", "token", account, *options]  # arguments, not a command line
        return kube.run(*args).stdout.strip()

    return issue


@dataclass(frozen=True)
class Tenant:
    server: VaultServer
    kube: Kube
    namespace: str
    settings: VaultSettings
    """The stack's Vault settings as rendered (role, audience, files with the tenant's paths)."""
    recording: Recording
    kv: dict[str, dict[str, str]]
    """The secrets written for it, by path under secret/ (the stack's paths under tenants/<suffix>/, the prod
    stack's fixture values)."""

    def objects(self) -> list[Manifest]:
        return kubernetes_objects(self.recording)

    def tokens(self) -> TokenIssuer:
        return issue_token(self.kube)

    def cluster(
        self, workdir: Path, issuer: TokenIssuer | None = None, upstream: tuple[str, int] | None = None
    ) -> Cluster:
        """The harness's cluster for the tenant's render, its pods' Vault the server (or `upstream`), their tokens
        from the API server (or `issuer`)."""
        backend = vault_backend(self.server, issuer or self.tokens())
        if upstream:
            backend = replace(backend, upstream=upstream)
        return Cluster(self.recording, workdir, vault_agent=self.server.binary, vault=backend)

    def path(self, name: str) -> str:
        """The tenant's path of the stack's secret `name` (elastic, s3-snapshots)."""
        (path,) = [path for path in self.kv if path.endswith(f"/{name}")]
        return path


FIXTURE = {path.rsplit("/", 1)[1]: values for path, values in PROD_KV.items()}
"""The prod stack's fixture values by the secret's last path segment (elastic, s3-snapshots)."""


@contextmanager
def tenant(
    server: VaultServer, kube: Kube, stack: str = "prod", extra_files: Sequence[Mapping[str, Any]] = (), **vault: Any
) -> Iterator[Tenant]:
    """`stack` rendered for a tenant of its own, set up in the cluster and in Vault; `vault` overrides settings of
    the stack's `pod-patterns:vault` section, `extra_files` are written besides the stack's (their secrets are the
    test's to write)."""
    suffix = unique_suffix()
    section = _vault_section(stack)
    paths = {file["path"]: f"tenants/{suffix[1:]}/{file['path']}" for file in section["files"]}
    files = [{**file, "path": paths[file["path"]]} for file in section["files"]] + list(extra_files)
    section = {**section, "role": f"{section['role']}{suffix}", "files": files, **vault}
    namespace = f"search-{stack}{suffix}"
    recording = render_variant(stack, namespace=namespace, vault=section)
    settings = parse(VaultSettings, section, origin=f"{stack} variant", style=KeyStyle(camel_case=True))
    kv = {path: dict(FIXTURE[path.rsplit("/", 1)[1]]) for path in paths.values()}
    created = Tenant(server, kube, namespace, settings, recording, kv)
    kube.apply([m for m in created.objects() if m["kind"] in ("Namespace", "ServiceAccount")])
    try:
        for path, values in kv.items():
            server.kv_put(path, values)
        role = str(settings.role)
        server.cli("policy", "write", role, "-", stdin=vault_policy(settings))
        parameters = role_parameters(settings, SERVICE_ACCOUNT, namespace)
        server.cli("write", f"auth/kubernetes/role/{role}", *(f"{key}={value}" for key, value in parameters.items()))
        yield created
    finally:
        delete_namespaces(kube, [namespace])


def _vault_section(stack: str) -> dict[str, Any]:
    document = yaml.safe_load((PROJECT_DIR / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    section: dict[str, Any] = document["config"]["pod-patterns:vault"]
    return section
