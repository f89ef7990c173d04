"""What Vault needs for one VaultSecretsInit: the least policy and the Kubernetes auth role (pure functions).

`setup_commands` are the `vault` commands that write them: the README shows staging's, and scripts/vault runs each
stack's against the test server (scripts/lib/vault_stack_roles.py).
"""

from __future__ import annotations

import shlex

from .settings import VaultSettings

ROLE_TOKEN_TTL = "10m"
"""Lifetime of the Vault token a login gets: the init container needs seconds; the renewing agent renews it."""


def read_paths(settings: VaultSettings) -> list[str]:
    """Every API path the agent's templates read (`<kvMount>/data/<path>`), each once, sorted."""
    return sorted({f"{settings.kv_mount}/data/{file.path}" for file in settings.files})


def vault_policy(settings: VaultSettings) -> str:
    """The least policy that lets the agent write its files: `read` on exactly the secrets it reads."""
    return "".join(f'path "{path}" {{ capabilities = ["read"] }}\n' for path in read_paths(settings))


def role_parameters(settings: VaultSettings, service_account: str, namespace: str) -> dict[str, str]:
    """The Kubernetes auth role's parameters: bound to the pod's ServiceAccount, namespace and token audience."""
    return {
        "bound_service_account_names": service_account,
        "bound_service_account_namespaces": namespace,
        "audience": settings.audience,
        "policies": str(settings.role),
        "ttl": ROLE_TOKEN_TTL,
    }


def setup_commands(settings: VaultSettings, service_account: str, namespace: str) -> str:
    """The shell commands that write the policy (named as the role) and the role into Vault."""
    role = str(settings.role)
    parameters = " ".join(f"{key}={shlex.quote(value)}" for key, value in role_parameters(
        settings, service_account, namespace).items())  # fmt: skip
    return (
        f"vault policy write {shlex.quote(role)} - <<'POLICY'\n{vault_policy(settings)}POLICY\n"
        f"vault write auth/{settings.auth_mount}/role/{shlex.quote(role)} {parameters}\n"
    )
