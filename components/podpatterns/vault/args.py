"""Arguments of VaultSecretsInit, and the file list shared with ElasticsearchApp's `vault` argument.

Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.
No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

from collections.abc import Sequence
from typing import Required, TypedDict

import pulumi

from ..pod.target import WorkloadTarget


class VaultFileArgs(TypedDict, total=False):
    """One file the Vault agent writes."""

    name: Required[pulumi.Input[str]]
    """File name in the secrets directory (required). Allowed: file name. Required."""
    path: Required[pulumi.Input[str]]
    """Path of the KV v2 secret under kvMount, e.g. search/prod/s3 (required). Allowed: relative path. Required."""
    keys: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Keys of the secret to write. Empty: every key (formats json and env). Allowed: key names (Go identifiers). Default: none."""
    format: pulumi.Input[str]
    """value: the one key's value as is; json: a JSON object of the keys; env: KEY=value lines. Allowed: one of value, json, env. Default: "value"."""


class VaultSecretsInitArgs(TypedDict, total=False):
    """How the Vault agent reaches Vault and which files it writes into the target's pod."""

    target: Required[pulumi.Input[WorkloadTarget]]
    """The workload whose pods get the pattern (from Python, e.g. an ElasticsearchApp's `target`). Required."""
    kubernetes_version: pulumi.Input[str]
    """Oldest Kubernetes minor version of the cluster, "1.25" to "1.37"; renew needs "1.29" or later. Default: "1.33"."""
    image: pulumi.Input[str]
    """Vault image, pinned; runs `vault agent`. Allowed: image with a version tag or digest. Default: "hashicorp/vault:1.18.3"."""
    address: Required[pulumi.Input[str]]
    """Vault's address, e.g. https://vault.vault.svc:8200 (required when enabled). Allowed: http(s)://host[:port]. Required."""
    ca_config_map: pulumi.Input[str]
    """ConfigMap holding the CA certificate that signed Vault's TLS certificate (required with an https address: kube-root-ca.crt holds the API server's CA, which is usually not Vault's). Allowed: ConfigMap name. Default: none."""
    ca_key: pulumi.Input[str]
    """Key of the CA certificate in caConfigMap. Allowed: ConfigMap key. Default: "ca.crt"."""
    auth_mount: pulumi.Input[str]
    """Mount path of Vault's Kubernetes auth method, without the auth/ prefix. Allowed: relative path. Default: "kubernetes"."""
    role: Required[pulumi.Input[str]]
    """Vault role of the Kubernetes auth method the pod logs in as (required when enabled). Allowed: role name. Required."""
    audience: pulumi.Input[str]
    """Audience of the projected ServiceAccount token; the Vault role's audience must match. Allowed: audience name. Default: "vault"."""
    token_expiration_seconds: pulumi.Input[int]
    """Lifetime of the projected ServiceAccount token (the kubelet renews it); 600 is Kubernetes' minimum. Allowed: 600 to 86400. Default: 600."""
    kv_mount: pulumi.Input[str]
    """Mount path of the KV version 2 secrets engine. Allowed: relative path. Default: "secret"."""
    files: Required[pulumi.Input[Sequence[pulumi.Input[VaultFileArgs]]]]
    """The files to write, one agent template each (at least one when enabled). Required."""
    mount_path: pulumi.Input[str]
    """Where the secrets directory is mounted, read-only, in the containers that read it. Allowed: absolute path. Default: "/vault/secrets"."""
    mount_into: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Containers besides the application's that mount the secrets directory too. Allowed: container names. Default: none."""
    size_limit: pulumi.Input[str]
    """sizeLimit of the in-memory secrets volume (counts against the pod's memory). Allowed: byte quantity. Default: "1Mi"."""
    file_mode: pulumi.Input[str]
    """Mode of the written files. 0440: the agent's user and the pod's fsGroup (the app) may read them; 0400 only when the readers run as runAsUser. Allowed: one of 0440, 0400. Default: "0440"."""
    run_as_user: pulumi.Input[int]
    """User id of the agent; 100 is the image's vault user. Allowed: 1 to 2147483647. Default: 100."""
    renew: pulumi.Input[bool]
    """Also run the agent as a native sidecar that keeps the files fresh (Kubernetes 1.29+). Default: false."""
    renew_interval: pulumi.Input[str]
    """With renew: how often the sidecar reads the secrets again and rewrites a file whose value changed (KV version 2 secrets have no lease to watch). Allowed: duration (s, m, h). Default: "5m"."""
