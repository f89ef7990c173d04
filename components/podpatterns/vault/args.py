"""Arguments of VaultSecretsInit and of ElasticsearchApp's `vault` key. Defaults: `vault.settings`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from ..target import WorkloadTarget


class VaultFileArgs(TypedDict, total=False):
    """One file the agent writes (keys of `VaultFileSettings`)."""

    name: str
    """File name in the secrets directory. Required."""
    path: str
    """Path of the KV v2 secret under kv_mount, e.g. "search/prod/s3". Required."""
    keys: Sequence[str]
    """Keys of the secret to write (Go identifiers). Default: every key (formats json and env)."""
    format: str
    """"value" (one key's value), "json" (an object of the keys) or "env" (KEY=value lines). Default: "value"."""


class VaultOptionsArgs(TypedDict, total=False):
    """How the agent reaches Vault and which files it writes (keys of `VaultSettings` but `enabled`)."""

    image: str
    """Vault image with a pinned tag. Default: "hashicorp/vault:1.18.3"."""
    address: str
    """Vault's address, http(s)://host[:port]. Required."""
    ca_config_map: str
    """ConfigMap with the CA certificate of Vault's TLS certificate. Default: the image's trust store."""
    ca_key: str
    """Key of the CA certificate in ca_config_map. Default: "ca.crt"."""
    auth_mount: str
    """Mount path of the Kubernetes auth method, without "auth/". Default: "kubernetes"."""
    role: str
    """Vault role the pod logs in as. Required."""
    audience: str
    """Audience of the projected ServiceAccount token. Default: "vault"."""
    token_expiration_seconds: int
    """Lifetime of the projected token, 600 to 86400. Default: 600."""
    kv_mount: str
    """Mount path of the KV v2 secrets engine. Default: "secret"."""
    files: Sequence[VaultFileArgs]
    """The files to write, at least one. Required."""
    mount_path: str
    """Where the secrets directory is mounted, read-only, in its readers. Default: "/vault/secrets"."""
    mount_into: Sequence[str]
    """Containers besides the application's that read the secrets. Default: none."""
    size_limit: str
    """sizeLimit of the in-memory secrets volume. Default: "1Mi"."""
    file_mode: str
    """"0440" (the agent and the pod's fsGroup read) or "0400". Default: "0440"."""
    run_as_user: int
    """User id of the agent. Default: 100 (the image's vault user)."""
    renew: bool
    """Also run the agent as a native sidecar that keeps the files fresh (Kubernetes 1.29+). Default: false."""


class VaultArgs(VaultOptionsArgs, total=False):
    """ElasticsearchApp's `vault` key."""

    enabled: bool
    """Run the Vault agent init container. Default: false."""


class VaultSecretsInitArgs(VaultOptionsArgs, total=False):
    """Arguments of `VaultSecretsInit`."""

    target: WorkloadTarget
    """The workload whose pod gets the secrets. Required."""
    kubernetes_version: str
    """Oldest Kubernetes minor version to support; renew needs "1.29" or later. Default: "1.33"."""
