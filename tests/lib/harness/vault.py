"""A real Vault server for the harness's pods (scripts/vault), and the real API server that issues their tokens.

With a `VaultBackend`, the `vault-ca` ConfigMap every namespace holds is the server's CA, the name the stacks
address Vault by (`vault.vault.svc:8200`) leads to a relay into the server on the host's loopback, and each
projected ServiceAccount token is a real one: the TokenRequest of the pod's ServiceAccount, with the volume's
audience and expiry, from the test cluster's API server (the ServiceAccount must exist there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

TokenIssuer = Callable[[str, str, str | None, int], str]
"""(namespace, ServiceAccount, audience or None for the API server's own, lifetime in seconds) -> a signed token."""

SERVICE_ADDRESS = "10.96.0.82"
"""The cluster namespace's address standing for Vault's Service (a loopback address there: pods route to it)."""


@dataclass(frozen=True)
class VaultBackend:
    ca: str
    """PEM of the CA that signed the server's certificate (the stacks' vault-ca)."""
    upstream: tuple[str, int]
    """Where the server listens on the host (loopback)."""
    issue_token: TokenIssuer
    service: tuple[str, int] = ("vault.vault.svc", 8200)
    """The name and port the pods address Vault by (the stacks' `address`)."""
