"""Settings of the TLS ambassador: certificates, protocol, mutual TLS, the nginx container."""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import checks
from ..settings.engine import KeyedValueError, setting

DEFAULT_IMAGE = "docker.io/library/nginx:1.27.3-alpine"

# Measured with `bench/run footprint` (docs/performance.md; Debian's nginx 1.22, one worker, loopback, 2 cores):
# idle, 0m CPU and 10.5 MiB resident (master and worker, sum of VmHWM); saturated by 32 keep-alive clients
# (~25k requests/s) then by full TLS 1.3 handshakes (~500/s), at most 18.5 MiB, at 22-26 us of CPU per request
# and 510-690 us per full handshake. Each client connection holds ~43 KiB (15.7 MiB with 32 clients, 35.2 MiB
# with 480). Request 50m: a steady ~2,000 keep-alive requests/s or ~80 new TLS clients/s. Limit 1: one worker
# never uses more, and a lower limit turns bursts into CFS throttling (100 ms stalls). Memory 64Mi, request
# and limit: the ~500 clients worker_connections admits (~35 MiB) and a full 10 MiB session cache, with 1.4x
# headroom; a pod never gets killed for the connections nginx accepts.
DEFAULT_CPU_REQUEST = "50m"
DEFAULT_CPU_LIMIT = "1"
DEFAULT_MEMORY = "64Mi"


@dataclass(frozen=True)
class TlsSettings:
    """TLS terminated in the pod by an nginx ambassador; the app listens on 127.0.0.1 only."""

    enabled: bool = setting(True, "Put the TLS ambassador in front of the application.")
    image: str = checks.image_setting(DEFAULT_IMAGE, "nginx image, pinned to a version.")
    key_algorithm: str = setting("ECDSA", "Server and CA key algorithm.", choices=("ECDSA", "RSA"))
    ecdsa_curve: str = setting(
        "P256",
        "ECDSA curve (set explicitly: the provider's default P224 is refused by many clients).",
        choices=("P256", "P384"),
    )
    rsa_bits: int = setting(2048, "RSA key size.", minimum=2048, maximum=4096)
    ca_validity_hours: int = setting(
        87600, "Validity of the CA certificate (10 years); at least validityHours.", minimum=24
    )
    validity_hours: int = setting(2160, "Validity of the server certificate (90 days).", minimum=24, maximum=8760)
    early_renewal_hours: int = setting(
        720, "Renew the server certificate this long before it expires, at the next pulumi up.", minimum=0
    )
    dns_names: tuple[str, ...] = setting(
        (),
        "Extra DNS names for the server certificate, besides the Services' names and localhost.",
        check=checks.dns_names,
        allowed="DNS names",
    )
    ip_addresses: tuple[str, ...] = setting(
        (),
        "Extra IP addresses for the server certificate, besides 127.0.0.1.",
        check=checks.ip_addresses,
        allowed="IP addresses",
    )
    mtls: str = setting(
        "off",
        "Client certificates: off, optional (verified when sent) or required.",
        choices=("off", "optional", "required"),
    )
    clients: tuple[str, ...] = setting(
        (),
        "Names of clients to issue certificates for, each into a Secret <app>-client-<name>.",
        check=checks.dns_labels,
        allowed="distinct DNS labels",
    )
    access_log: bool = setting(True, "Log every request (mode stream: every connection) to the ambassador's stdout.")
    mode: str = setting(
        "http",
        "http: nginx proxies HTTP requests (a log line per request, upstream keepalive); stream: TLS ends at the "
        "TCP level and the bytes go on to the app (L4, a log line per connection, client certificates checked at "
        "the handshake only); the faster, see docs/performance.md.",
        choices=("http", "stream"),
    )

    # CA rotation (docs/operations.md): three deploys, each client refreshing its ca.crt before the next.
    ca_generation: int = setting(
        1, "The CA that signs the certificates; raise it by one to rotate the CA (with caOverlap).", minimum=1
    )
    ca_overlap: str = setting(
        "none",
        "Another CA trusted beside the signing one while a rotation goes on: next (step 1: the next generation's "
        "CA is created and trusted, nothing re-issued yet), previous (step 2, after raising caGeneration: "
        "everything re-issued by the new CA, the old one still trusted), none (step 3: the old CA is gone).",
        choices=("none", "next", "previous"),
    )

    cpu_request: str = checks.cpu_setting(DEFAULT_CPU_REQUEST, "CPU request of the ambassador (nginx).")
    cpu_limit: str = checks.cpu_setting(DEFAULT_CPU_LIMIT, "CPU limit of the ambassador (one nginx worker).")
    memory: str = checks.memory_setting(DEFAULT_MEMORY, "Memory request and limit of the ambassador.")

    def __post_init__(self) -> None:
        if not self.enabled and self.mtls != "off":
            raise KeyedValueError(
                "mtls", f"mtls {self.mtls} contradicts enabled false: without the ambassador there is no TLS"
            )
        checks.cpu_request_within_limit(self.cpu_request, self.cpu_limit)
        if self.early_renewal_hours >= self.validity_hours:
            raise KeyedValueError(
                "early_renewal_hours",
                f"{self.early_renewal_hours} must be shorter than validityHours {self.validity_hours}",
            )
        if self.ca_validity_hours < self.validity_hours:
            raise KeyedValueError(
                "ca_validity_hours",
                f"{self.ca_validity_hours} must be at least validityHours {self.validity_hours}: "
                "a certificate cannot outlive the CA that signed it",
            )
        if self.ca_overlap == "previous" and self.ca_generation == 1:
            raise KeyedValueError("ca_overlap", "previous needs caGeneration 2 or more: generation 1 is the first CA")
        if self.clients and self.mtls == "off":
            raise KeyedValueError("clients", "client certificates need mtls optional or required")

    @property
    def trusted_ca_generations(self) -> tuple[int, ...]:
        """The CAs in every ca.crt bundle: the signing one first, then the one of the overlap, if any."""
        other = {"none": (), "next": (self.ca_generation + 1,), "previous": (self.ca_generation - 1,)}
        return (self.ca_generation, *other[self.ca_overlap])
