"""A certificate authority of the stack, made with pulumi-tls: its key, its self-signed certificate, what it signs."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_tls as tls

from .settings import TlsSettings


def secret_pem(key: tls.PrivateKey) -> pulumi.Output[str]:
    """The key's PEM, a Pulumi secret whatever the provider declares: it must never reach state in clear."""
    return pulumi.Output.secret(key.private_key_pem)


class CertificateAuthority:
    """A CA whose keys, certificates and validity follow the TLS settings (algorithm, curve, renewal).

    Resources are named `<name>-ca-key`, `<name>-ca` (generation 1, the default; then `<name>-ca-<generation>`
    and its `-key`: a CA rotation, docs/operations.md) and, for each certificate issued, `<issued>-key`,
    `<issued>-csr`, `<issued>-cert`; all with `opts`.
    """

    def __init__(
        self,
        name: str,
        common_name: pulumi.Input[str],
        settings: TlsSettings,
        opts: pulumi.ResourceOptions,
        generation: int = 1,
    ) -> None:
        self._settings, self._opts = settings, opts
        ca_name = f"{name}-ca" if generation == 1 else f"{name}-ca-{generation}"
        self.key = self.private_key(f"{ca_name}-key")
        self.certificate = tls.SelfSignedCert(
            ca_name,
            private_key_pem=self.key.private_key_pem,
            is_ca_certificate=True,
            validity_period_hours=settings.ca_validity_hours,
            allowed_uses=["cert_signing", "crl_signing", "digital_signature"],
            subject={"common_name": common_name, "organization": "pod-patterns"},
            opts=opts,
        )

    def private_key(self, name: str) -> tls.PrivateKey:
        settings = self._settings
        if settings.key_algorithm == "RSA":
            return tls.PrivateKey(name, algorithm="RSA", rsa_bits=settings.rsa_bits, opts=self._opts)
        # Explicit curve: the provider's ECDSA default is P224, which many clients refuse.
        return tls.PrivateKey(name, algorithm="ECDSA", ecdsa_curve=settings.ecdsa_curve, opts=self._opts)

    def issue(
        self,
        name: str,
        *,
        common_name: pulumi.Input[str],
        uses: Sequence[str],
        dns_names: Sequence[pulumi.Input[str]] = (),
        ip_addresses: Sequence[str] = (),
    ) -> tuple[tls.PrivateKey, tls.LocallySignedCert]:
        """A key and a certificate signed by the CA, renewed early_renewal_hours before it expires."""
        key = self.private_key(f"{name}-key")
        request = tls.CertRequest(
            f"{name}-csr",
            private_key_pem=key.private_key_pem,
            subject={"common_name": common_name, "organization": "pod-patterns"},
            dns_names=list(dns_names),
            ip_addresses=list(ip_addresses),
            opts=self._opts,
        )
        certificate = tls.LocallySignedCert(
            f"{name}-cert",
            cert_request_pem=request.cert_request_pem,
            ca_private_key_pem=self.key.private_key_pem,
            ca_cert_pem=self.certificate.cert_pem,
            validity_period_hours=self._settings.validity_hours,
            early_renewal_hours=self._settings.early_renewal_hours,
            allowed_uses=list(uses),
            opts=self._opts,
        )
        return key, certificate

    def key_uses(self, *extended: str) -> list[str]:
        """digital_signature, the extended uses, and key_encipherment for RSA (it only means something there)."""
        return ["digital_signature", *extended] + (
            ["key_encipherment"] if self._settings.key_algorithm == "RSA" else []
        )
