"""Arguments of TlsAmbassador.

Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.
No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

from collections.abc import Sequence
from typing import Required, TypedDict

import pulumi

from ..pod.target import WorkloadTarget


class TlsAmbassadorArgs(TypedDict, total=False):
    """The workload to put behind TLS, where the application listens, and the TLS settings."""

    target: Required[pulumi.Input[WorkloadTarget]]
    """The workload whose pods get the pattern (from Python, e.g. an ElasticsearchApp's `target`). Required."""
    upstream_port: Required[pulumi.Input[int]]
    """The port the application listens on at 127.0.0.1, 1 to 65535, not target.app_port. Required."""
    health_path: pulumi.Input[str]
    """The application's health URL path, for in-pod readiness probes through TLS. Default: "/"."""
    app_readiness: pulumi.Input[bool]
    """The ambassador's readiness probe asks health_path through itself (mode http: over TLS; stream: on 127.0.0.1:upstream_port), so the pod is Ready only once the application answers. false when the application's own probe does (ElasticsearchApp). Default: true."""
    image: pulumi.Input[str]
    """nginx image, pinned to a version. Allowed: image with a version tag or digest. Default: "docker.io/library/nginx:1.27.3-alpine"."""
    key_algorithm: pulumi.Input[str]
    """Server and CA key algorithm. Allowed: one of ECDSA, RSA. Default: "ECDSA"."""
    ecdsa_curve: pulumi.Input[str]
    """ECDSA curve (set explicitly: the provider's default P224 is refused by many clients). Allowed: one of P256, P384. Default: "P256"."""
    rsa_bits: pulumi.Input[int]
    """RSA key size. Allowed: 2048 to 4096. Default: 2048."""
    ca_validity_hours: pulumi.Input[int]
    """Validity of the CA certificate (10 years); at least validityHours. Allowed: at least 24. Default: 87600."""
    validity_hours: pulumi.Input[int]
    """Validity of the server certificate (90 days). Allowed: 24 to 8760. Default: 2160."""
    early_renewal_hours: pulumi.Input[int]
    """Renew the server certificate this long before it expires, at the next pulumi up. Allowed: at least 0. Default: 720."""
    dns_names: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Extra DNS names for the server certificate, besides the Services' names and localhost. Allowed: DNS names. Default: none."""
    ip_addresses: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Extra IP addresses for the server certificate, besides 127.0.0.1. Allowed: IP addresses. Default: none."""
    mtls: pulumi.Input[str]
    """Client certificates: off, optional (verified when sent) or required. Allowed: one of off, optional, required. Default: "off"."""
    clients: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Clients to issue certificates for, each into a Secret <app>-client-<name>: `name` in the app's namespace, or `namespace/name` delivered into the client's own namespace (which must exist), where its pods mount it. Allowed: distinct name or namespace/name, DNS labels. Default: none."""
    access_log: pulumi.Input[bool]
    """Log every request (mode stream: every connection) to the ambassador's stdout. Default: true."""
    mode: pulumi.Input[str]
    """http: nginx proxies HTTP requests (a log line per request, upstream keepalive); stream: TLS ends at the TCP level and the bytes go on to the app (L4, a log line per connection, client certificates checked at the handshake only); the faster, see docs/performance.md. Allowed: one of http, stream. Default: "http"."""
    ca_generation: pulumi.Input[int]
    """The CA that signs the certificates; raise it by one to rotate the CA (with caOverlap). Allowed: at least 1. Default: 1."""
    ca_overlap: pulumi.Input[str]
    """Another CA trusted beside the signing one while a rotation goes on: next (step 1: the next generation's CA is created and trusted, nothing re-issued yet), previous (step 2, after raising caGeneration: everything re-issued by the new CA, the old one still trusted), none (step 3: the old CA is gone). Allowed: one of none, next, previous. Default: "none"."""
    max_clients: pulumi.Input[int]
    """Client connections the ambassador holds at once (a Beats or Logstash fleet keeps one each); nginx gets twice as many worker_connections (each request also holds one to the app) and file descriptors to match. memory must hold 28 MiB + 43 KiB per client (224Mi: 4,096). Allowed: 64 to 65536. Default: 4096."""
    cpu_request: pulumi.Input[str]
    """CPU request of the ambassador (nginx). Allowed: CPU quantity. Default: "50m"."""
    cpu_limit: pulumi.Input[str]
    """CPU limit of the ambassador (one nginx worker). Allowed: CPU quantity. Default: "1"."""
    memory: pulumi.Input[str]
    """Memory request and limit of the ambassador. Allowed: byte quantity. Default: "224Mi"."""
