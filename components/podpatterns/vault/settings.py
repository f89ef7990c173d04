"""Settings of VaultSecretsInit: where Vault is, how the pod logs in, which secrets become which files.

Only addresses, names, paths and key names: no field can hold a secret value, so nothing secret
ever becomes a Pulumi input, output or state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..settings import checks
from ..settings.engine import Check, KeyedValueError, setting

NATIVE_SIDECAR_MINOR = 29
"""Native sidecars (`restartPolicy: Always` init containers) are on by default from Kubernetes 1.29."""

_FILE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
# Segments cannot start with "." (no "..") and no quote can close the template's string.
_VAULT_PATH = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
# Keys are read as `.Data.data.<key>`, which fails on a missing key (error_on_missing_key); that
# syntax needs Go identifiers (`index` would accept any key but renders an empty value when it is missing).
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ADDRESS = re.compile(r"^https?://[A-Za-z0-9.-]+(:(?P<port>\d{1,5}))?$")
_DURATION = re.compile(r"^[1-9][0-9]*[smh]$")
_DNS_SUBDOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _matches(pattern: re.Pattern[str], what: str) -> Check:
    def check(value: str) -> None:
        if not pattern.match(value):
            raise ValueError(f"must be {what}")

    return check


def _address(value: str) -> None:
    match = _ADDRESS.match(value)
    if not match:
        raise ValueError("must be an http(s)://host[:port] address without a path")
    if match["port"] and not 1 <= int(match["port"]) <= 65535:
        raise ValueError(f"port {match['port']} is not a port from 1 to 65535")


def _keys(value: tuple[str, ...]) -> None:
    bad = [key for key in value if not _KEY.match(key)]
    if bad:
        raise ValueError(f"{', '.join(bad)}: keys must be letters, digits and '_', not starting with a digit")
    if len(set(value)) != len(value):
        raise ValueError("a key is listed twice")


def _container_names(value: tuple[str, ...]) -> None:
    checks.every_entry(value, checks.dns_label(63))


@dataclass(frozen=True)
class VaultFileSettings:
    """One file the agent writes: the keys of one KV v2 secret, in one format."""

    name: str | None = setting(
        None,
        "File name in the secrets directory (required).",
        check=_matches(_FILE_NAME, "a file name: letters, digits, '.', '_', '-', not starting with '.'"),
        allowed="file name",
    )
    path: str | None = setting(
        None,
        "Path of the KV v2 secret under kvMount, e.g. search/prod/s3 (required).",
        check=_matches(_VAULT_PATH, "a relative path of letters, digits, '.', '_', '-' segments"),
        allowed="relative path",
    )
    keys: tuple[str, ...] = setting(
        (),
        "Keys of the secret to write. Empty: every key (formats json and env).",
        check=_keys,
        allowed="key names (Go identifiers)",
    )
    format: str = setting(
        "value",
        "value: the one key's value as is; json: a JSON object of the keys; env: KEY=value lines.",
        choices=("value", "json", "env"),
    )


@dataclass(frozen=True)
class VaultSettings:
    """VaultSecretsInit: the Vault agent writes secrets to an in-memory volume before the app starts."""

    enabled: bool = setting(False, "Run the Vault agent init container (VaultSecretsInit).")
    image: str = checks.image_setting("hashicorp/vault:1.18.3", "Vault image, pinned; runs `vault agent`.")
    address: str | None = setting(
        None,
        "Vault's address, e.g. https://vault.vault.svc:8200 (required when enabled).",
        check=_address,
        allowed="http(s)://host[:port]",
    )
    ca_config_map: str | None = setting(
        None,
        "ConfigMap holding the CA certificate that signed Vault's TLS certificate (required with an https address: "
        "kube-root-ca.crt holds the API server's CA, which is usually not Vault's).",
        check=_matches(_DNS_SUBDOMAIN, "a ConfigMap name (DNS subdomain), such as vault-ca"),
        allowed="ConfigMap name",
    )
    ca_key: str = setting(
        "ca.crt",
        "Key of the CA certificate in caConfigMap.",
        check=_matches(_FILE_NAME, "a ConfigMap key"),
        allowed="ConfigMap key",
    )
    auth_mount: str = setting(
        "kubernetes",
        "Mount path of Vault's Kubernetes auth method, without the auth/ prefix.",
        check=_matches(_VAULT_PATH, "a relative path"),
        allowed="relative path",
    )
    role: str | None = setting(
        None,
        "Vault role of the Kubernetes auth method the pod logs in as (required when enabled).",
        check=_matches(_FILE_NAME, "a role name"),
        allowed="role name",
    )
    audience: str = setting(
        "vault",
        "Audience of the projected ServiceAccount token; the Vault role's audience must match.",
        check=_matches(_FILE_NAME, "an audience name"),
        allowed="audience name",
    )
    token_expiration_seconds: int = setting(
        600,
        "Lifetime of the projected ServiceAccount token (the kubelet renews it); 600 is Kubernetes' minimum.",
        minimum=600,
        maximum=86400,
    )
    kv_mount: str = setting(
        "secret",
        "Mount path of the KV version 2 secrets engine.",
        check=_matches(_VAULT_PATH, "a relative path"),
        allowed="relative path",
    )
    files: tuple[VaultFileSettings, ...] = setting(
        (), "The files to write, one agent template each (at least one when enabled)."
    )
    mount_path: str = checks.absolute_path_setting(
        "/vault/secrets", "Where the secrets directory is mounted, read-only, in the containers that read it."
    )
    mount_into: tuple[str, ...] = setting(
        (),
        "Containers besides the application's that mount the secrets directory too.",
        check=_container_names,
        allowed="container names",
    )
    size_limit: str = checks.memory_setting(
        "1Mi", "sizeLimit of the in-memory secrets volume (counts against the pod's memory)."
    )
    file_mode: str = setting(
        "0440",
        "Mode of the written files. 0440: the agent's user and the pod's fsGroup (the app) may read them; "
        "0400 only when the readers run as runAsUser.",
        choices=("0440", "0400"),
    )
    run_as_user: int = setting(
        100, "User id of the agent; 100 is the image's vault user.", minimum=1, maximum=2**31 - 1
    )
    renew: bool = setting(
        False,
        "Also run the agent as a native sidecar that keeps the files fresh (Kubernetes 1.29+).",
    )
    renew_interval: str = setting(
        "5m",
        "With renew: how often the sidecar reads the secrets again and rewrites a file whose value changed "
        "(KV version 2 secrets have no lease to watch).",
        check=_matches(_DURATION, "a whole number of seconds, minutes or hours, such as 30s or 5m"),
        allowed="duration (s, m, h)",
    )

    def __post_init__(self) -> None:
        if not self.enabled:
            return
        for key, what in (("address", "an http(s)://host[:port] address"), ("role", "the Vault role to log in as")):
            if getattr(self, key) is None:
                raise KeyedValueError(key, f"is required when enabled: {what}")
        if not self.files:
            raise KeyedValueError("files", "list at least one file when enabled")
        if str(self.address).startswith("https://") and self.ca_config_map is None:
            raise KeyedValueError(
                "ca_config_map",
                "is required with an https address: name the ConfigMap (in the app's namespace) holding the CA that "
                "signed Vault's certificate; kube-root-ca.crt is the API server's CA, usually not Vault's",
            )
        names = [f.name for f in self.files]
        for index, file in enumerate(self.files):
            where = f"files[{index}]"
            if not file.name or not file.path:
                raise KeyedValueError("files", f"{where} needs a name and a path")
            if names.count(file.name) > 1:
                raise KeyedValueError("files", f"{where}: file name {file.name} is used twice")
            if file.format == "value" and len(file.keys) != 1:
                raise KeyedValueError("files", f"{where} ({file.name}): format value needs exactly one key")


def renewal_problem(renew: bool, kubernetes_minor: int) -> str | None:
    """Why renewal cannot run on this Kubernetes version, or None."""
    if renew and kubernetes_minor < NATIVE_SIDECAR_MINOR:
        return (
            f"renewal runs the agent as a native sidecar, which needs Kubernetes 1.{NATIVE_SIDECAR_MINOR} "
            f"or later (kubernetesVersion is 1.{kubernetes_minor}); set renew: false"
        )
    return None
