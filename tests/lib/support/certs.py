"""Stands in for the pulumi-tls provider: makes real keys and certificates from exactly what a program asked for.

The offline render fills provider-computed values with placeholders naming their resource and
attribute. `materialize` generates each pulumi-tls resource of a recording with `cryptography`,
from its recorded inputs (algorithm, curve, names, usages, validity), and maps every placeholder
to the real value, so rendered Secrets can be turned into real files. (What the engine keeps of them from one deploy
to the next is shown by the real engine: tests/nodes/test_ca_rotation.py.)
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from podpatterns.render.offline import Recording, Registration, deploy_time_placeholder

_CURVES = {"P224": ec.SECP224R1, "P256": ec.SECP256R1, "P384": ec.SECP384R1, "P521": ec.SECP521R1}
_KEY_USAGES = {"digital_signature", "key_encipherment", "cert_signing", "crl_signing"}
_EXTENDED = {"server_auth": ExtendedKeyUsageOID.SERVER_AUTH, "client_auth": ExtendedKeyUsageOID.CLIENT_AUTH}
_PREFIX = "tls:index/"

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass
class _Request:
    key: PrivateKey
    inputs: dict[str, Any]


class Materialized:
    """Placeholder text -> real value, for every pulumi-tls output of a recording."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.objects: dict[str, Any] = {}  # placeholder -> key, certificate or request object

    def resolve(self, value: Any) -> Any:
        """`value` with every placeholder (in strings, lists, dicts) replaced by its real value."""
        if isinstance(value, str):
            if value in self.values:
                return self.values[value]
            for placeholder, real in self.values.items():  # inside a text (a CA bundle, a metrics file)
                if placeholder.endswith(" validityEndTime]"):  # a metrics sample's value: the program writes Unix time
                    seconds = int(datetime.datetime.fromisoformat(real).timestamp())
                    value = value.replace(f"}} {placeholder}", f"}} {seconds}")
                value = value.replace(placeholder, real)
            return value
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def _put(self, registration: Registration, attribute: str, text: str, obj: Any) -> None:
        placeholder = deploy_time_placeholder(registration.type, registration.name, attribute)
        self.values[placeholder] = text
        self.objects[placeholder] = obj


def materialize(recording: Recording) -> Materialized:
    made = Materialized()
    for registration in recording.registrations:
        if not registration.type.startswith(_PREFIX):
            continue
        kind = registration.type.rsplit(":", 1)[1]
        inputs = dict(registration.inputs)
        if kind == "PrivateKey":
            key = _private_key(inputs)
            made._put(registration, "privateKeyPem", _key_pem(key), key)
            public = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            made._put(registration, "publicKeyPem", public.decode(), key.public_key())
        elif kind == "SelfSignedCert":
            key = made.objects[inputs["privateKeyPem"]]
            certificate = _certificate(inputs, inputs, key.public_key(), key, issuer=None)
            _put_certificate(made, registration, certificate)
        elif kind == "CertRequest":
            request = _Request(made.objects[inputs["privateKeyPem"]], inputs)
            made._put(registration, "certRequestPem", f"[request {registration.name}]", request)
        elif kind == "LocallySignedCert":
            request = made.objects[inputs["certRequestPem"]]
            ca_key = made.objects[inputs["caPrivateKeyPem"]]
            ca_certificate = made.objects[inputs["caCertPem"]]
            certificate = _certificate(inputs, request.inputs, request.key.public_key(), ca_key, issuer=ca_certificate)
            _put_certificate(made, registration, certificate)
        else:
            raise NotImplementedError(f"no stand-in for {registration.type}")
    return made


def _put_certificate(made: Materialized, registration: Registration, certificate: x509.Certificate) -> None:
    made._put(registration, "certPem", certificate.public_bytes(serialization.Encoding.PEM).decode(), certificate)
    made._put(registration, "validityEndTime", certificate.not_valid_after_utc.isoformat(), None)


def _private_key(inputs: dict[str, Any]) -> PrivateKey:
    if inputs["algorithm"] == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=int(inputs.get("rsaBits", 2048)))
    if inputs["algorithm"] == "ECDSA":
        # The provider's default curve is P224: an unset curve must show up as P224 here too.
        return ec.generate_private_key(_CURVES[inputs.get("ecdsaCurve", "P224")]())
    raise NotImplementedError(inputs["algorithm"])


def _key_pem(key: PrivateKey) -> str:
    encoded = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return encoded.decode()


def _name(subject: dict[str, Any]) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, subject["commonName"])]
    if "organization" in subject:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, subject["organization"]))
    return x509.Name(attributes)


def _certificate(
    cert_inputs: dict[str, Any],
    subject_inputs: dict[str, Any],
    public_key: Any,
    signing_key: PrivateKey,
    issuer: x509.Certificate | None,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    subject = _name(subject_inputs["subject"])
    uses = set(cert_inputs.get("allowedUses", []))
    is_ca = bool(cert_inputs.get("isCaCertificate", False))
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=int(cert_inputs["validityPeriodHours"])))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(_key_usage(uses), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    extended = [_EXTENDED[u] for u in sorted(uses) if u in _EXTENDED]
    if extended:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended), critical=False)
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in subject_inputs.get("dnsNames", [])]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in subject_inputs.get("ipAddresses", [])]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if issuer is not None:
        issuer_key_id = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_key_id), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def _key_usage(uses: set[str]) -> x509.KeyUsage:
    unknown = uses - _KEY_USAGES - set(_EXTENDED)
    if unknown:
        raise NotImplementedError(f"allowed_uses {sorted(unknown)}")
    return x509.KeyUsage(
        digital_signature="digital_signature" in uses,
        content_commitment=False,
        key_encipherment="key_encipherment" in uses,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign="cert_signing" in uses,
        crl_sign="crl_signing" in uses,
        encipher_only=False,
        decipher_only=False,
    )


def self_signed(common_name: str) -> tuple[str, str]:
    """(certificate, key) as PEM: a P-256 key and a self-signed CA certificate for `common_name`, valid
    for a day. For certificates no program asked for: the cluster's own CA, another party's CA or client."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), _key_pem(key)
