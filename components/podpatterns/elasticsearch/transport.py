"""TLS between Elasticsearch nodes (security on): a CA of its own, one node certificate, and how the pod mounts it.

The transport CA signs node certificates only, never the ambassador's client certificates: a client of port
9200 holding one of those cannot join the cluster on 9300. One certificate carries every pod's DNS names (a
StatefulSet's pods share one template, so they cannot mount a Secret each); it follows the TLS settings'
algorithm, validity and early renewal, and is renewed at the same `pulumi up` as the ambassador's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pulumi

from ..pod.model import PodContribution
from ..pod.target import WorkloadTarget
from ..registration import register
from ..tls.contribution import tls_secret
from ..tls.issuer import CertificateAuthority, secret_pem
from .config import CONFIG_DIR, TRANSPORT_CERTS
from .settings import AppSettings

VOLUME = "transport-tls"
ROTATION_ANNOTATION = "pod-patterns.io/transport-tls-sha256"


def secret_name(target: WorkloadTarget) -> str:
    return f"{target.name}-transport-tls"


def node_dns_names(target: WorkloadTarget) -> list[pulumi.Input[str]]:
    """Each pod's names through the headless Service (StatefulSet), else the client Service's."""
    return list(target.pod_dns_names or target.service_dns_names)


def transport_contribution(name: str, target: WorkloadTarget, rotation_hash: object = "") -> PodContribution:
    """The node certificate, key and CA in Elasticsearch's config directory, read-only, for its container only.

    `name`: the component's. `rotation_hash` (a string or a Pulumi output) changes with the certificate, so that a
    renewal rolls the pods.
    """
    return PodContribution(
        source=f"ElasticsearchApp '{name}' (transport TLS)",
        # 0440 with the pod's fsGroup: Elasticsearch's user reads the key, no other uid of the pod does.
        volumes=[{"name": VOLUME, "secret": {"secretName": secret_name(target), "defaultMode": 0o440}}],
        app_volume_mounts=[{"name": VOLUME, "mountPath": f"{CONFIG_DIR}/{TRANSPORT_CERTS}", "readOnly": True}],
        pod_annotations={ROTATION_ANNOTATION: rotation_hash},  # type: ignore[dict-item]
    )


@dataclass(frozen=True)
class TransportTlsArgs:
    settings: AppSettings
    target: WorkloadTarget


class TransportTls:
    """Transport TLS as a pattern of the cluster's PodBuilder. Not a component: its certificates and Secret
    are children of the ElasticsearchApp, named `<name>-transport-*` after the app's `name`."""

    outlives_app = False
    """Files for Elasticsearch's own container: no container of its own."""

    def __init__(self, name: str, args: TransportTlsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.contribution = create_transport_tls(name, args.settings, args.target, opts or pulumi.ResourceOptions())

    @staticmethod
    def plan(name: str, args: TransportTlsArgs) -> PodContribution:
        return transport_contribution(name, args.target)


def create_transport_tls(
    name: str, settings: AppSettings, target: WorkloadTarget, opts: pulumi.ResourceOptions
) -> PodContribution:
    """Register the transport CA, the node certificate and its Secret (`<name>-transport-*`); the pod's part."""
    authority = CertificateAuthority(f"{name}-transport", f"{target.name} transport CA", settings.tls, opts)
    key, certificate = authority.issue(
        f"{name}-transport-node",
        common_name=f"{target.name} node",
        uses=authority.key_uses("server_auth", "client_auth"),
        dns_names=node_dns_names(target),
    )
    # PEM as pulumi-tls writes it (PKCS#1 for RSA, SEC 1 for ECDSA): Elasticsearch's PEM reader takes both.
    manifest = tls_secret(
        secret_name(target), target, certificate.cert_pem, secret_pem(key), authority.certificate.cert_pem
    )
    register(f"{name}-transport-secret", manifest, opts)
    rotation = certificate.cert_pem.apply(lambda pem: hashlib.sha256(pem.encode()).hexdigest())
    return transport_contribution(name, target, rotation)
