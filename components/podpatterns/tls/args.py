"""Arguments of TlsAmbassador. Defaults and allowed values: `podpatterns.tls.settings.TlsSettings`."""

from __future__ import annotations

from typing import TypedDict

from ..target import WorkloadTarget


class TlsAmbassadorArgs(TypedDict, total=False):
    """The workload to put behind TLS, and the TLS settings (keys of `TlsSettings`)."""

    target: WorkloadTarget
    """Required. The workload; the ambassador listens on its `app_port`."""
    upstream_port: int
    """Required. The port the application listens on at 127.0.0.1."""
    health_path: str
    """The application's health URL, for in-pod readiness probes through TLS. Default: "/"."""
    image: str
    """nginx image, pinned. Default: "docker.io/library/nginx:1.27.3-alpine"."""
    key_algorithm: str
    """"ECDSA" or "RSA". Default: "ECDSA"."""
    ecdsa_curve: str
    """"P256" or "P384". Default: "P256"."""
    rsa_bits: int
    """2048 to 4096. Default: 2048."""
    ca_validity_hours: int
    """CA certificate validity, at least validity_hours. Default: 87600 (10 years)."""
    validity_hours: int
    """Server certificate validity, 24 to 8760. Default: 2160 (90 days)."""
    early_renewal_hours: int
    """Default: 720 (30 days)."""
    dns_names: list[str]
    """Extra DNS names for the server certificate. Default: none."""
    ip_addresses: list[str]
    """Extra IP addresses for the server certificate. Default: none."""
    mtls: str
    """"off", "optional" or "required". Default: "off"."""
    clients: list[str]
    """Clients to issue certificates for, distinct DNS labels. Default: none."""
    access_log: bool
    """Default: true."""
