"""The Vault server behind the agent stand-in: what it accepts, as the stacks' README configures Vault."""

from __future__ import annotations

from typing import Any

VAULT_SERVER: dict[str, Any] = {
    "address": "https://vault.vault.svc:8200",
    "auth_mount": "kubernetes",
    "roles": {"search-staging": {"audience": "vault"}, "search-prod": {"audience": "vault"}},
}
"""Kubernetes auth at auth/kubernetes with the stacks' roles bound to audience vault; its TLS certificate is
signed by the cluster's CA (kube-root-ca.crt), which the harness adds as "ca"."""
