"""TlsAmbassador: certificates from pulumi-tls, their Secret, the nginx configuration, the pod contribution."""

import hashlib
from typing import cast

import pulumi

from ..pod.contribution_data import PodContributionData, contribution_data
from ..pod.model import PodContribution
from ..pod.target import require_target
from ..registration import child_options, register
from ..settings.engine import KeyStyle, Problem, SettingsError, parse
from ..settings.inputs import plain_args
from .args import TlsAmbassadorArgs
from .contribution import (
    AmbassadorLayout,
    ambassador_contribution,
    config_map,
    expiry_metrics,
    nginx_config,
    server_dns_names,
    server_ip_addresses,
    tls_secret,
)
from .issuer import CertificateAuthority, secret_pem
from .settings import TlsSettings, client_parts

_COMPONENT_ONLY = ("target", "upstream_port", "health_path", "app_readiness")
"""Arguments that are not TLS settings (those are shared with the stack's `tls` key)."""


def parse_ambassador_args(name: str, args: TlsAmbassadorArgs) -> tuple[AmbassadorLayout, TlsSettings]:
    """Check the arguments; raises SettingsError naming every bad argument at once."""
    origin = f"TlsAmbassador '{name}' arguments"
    raw = plain_args(args, origin, TlsAmbassadorArgs)
    target = require_target(raw, origin)
    upstream_port, health_path = raw.get("upstream_port"), raw.get("health_path", "/")
    app_readiness = raw.get("app_readiness", True)
    problems = []
    if isinstance(upstream_port, float) and upstream_port.is_integer():
        upstream_port = int(upstream_port)  # the component host sends every number as a float
    if not isinstance(upstream_port, int) or isinstance(upstream_port, bool) or not 1 <= upstream_port <= 65535:
        problems.append(Problem("upstream_port", f"{upstream_port!r} is not allowed: a port from 1 to 65535"))
    elif upstream_port == target.app_port:
        problems.append(Problem("upstream_port", f"{upstream_port} is the ambassador's own port (target.app_port)"))
    if not (isinstance(health_path, str) and health_path.startswith("/")):
        problems.append(Problem("health_path", f"{health_path!r} is not allowed: an absolute URL path"))
    if not isinstance(app_readiness, bool):
        problems.append(Problem("app_readiness", f"{app_readiness!r} is not allowed: expected true or false"))
    try:
        settings = parse(TlsSettings, {k: v for k, v in raw.items() if k not in _COMPONENT_ONLY}, origin, KeyStyle())
    except SettingsError as error:
        problems += error.problems
    if problems:
        raise SettingsError(origin, problems)
    return AmbassadorLayout(target, cast(int, upstream_port), health_path, app_readiness), settings


def _source(name: str) -> str:
    return f"TlsAmbassador '{name}'"


class TlsAmbassador(pulumi.ComponentResource):
    """An nginx container that terminates TLS in the pod, in front of an application on 127.0.0.1.

    Creates a CA, a server certificate for every DNS name of the workload's Services (and
    localhost, 127.0.0.1), optional client certificates for mutual TLS, a `kubernetes.io/tls`
    Secret and the nginx ConfigMap. Add `contribution` to the workload's pod; the application must
    listen on 127.0.0.1:`upstream_port` only.
    """

    ca_certificate: pulumi.Output[str]
    """The CA certificate (PEM) clients verify the ambassador against."""
    certificate_expiry: pulumi.Output[str]
    """When the server certificate expires (RFC 3339); renewed early_renewal_hours before, at pulumi up."""
    client_secrets: dict[str, str]
    """Client name to the Secret holding its certificate, key and the CA (mutual TLS)."""
    outlives_app = True  # no annotation: the package host would take an annotated attribute for an output
    """nginx serves the app: a PodBuilder makes it stop after the app."""
    pod_contribution: PodContributionData
    """What to merge into the workload's pod, as data (PodTemplateMerge, any language); a renewal rolls the pods."""

    def __init__(self, name: str, args: TlsAmbassadorArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        layout, settings = parse_ambassador_args(name, args)
        super().__init__("podpatterns:index:TlsAmbassador", name, None, opts)
        child = child_options(self, opts)

        cas = {
            generation: CertificateAuthority(name, _ca_common_name(layout, generation), settings, child, generation)
            for generation in settings.trusted_ca_generations
        }
        authority = cas[settings.ca_generation]
        # Every ca.crt (the ambassador's for client certificates, the app's, the clients') trusts them all.
        bundle = pulumi.Output.concat(*(ca.certificate.cert_pem for ca in cas.values()))
        server_key, server = authority.issue(
            f"{name}-server",
            common_name=layout.target.service_dns_names[-1],
            uses=authority.key_uses("server_auth"),
            dns_names=server_dns_names(layout, settings),
            ip_addresses=server_ip_addresses(settings),
        )
        ends = pulumi.Output.all(
            server=server.validity_end_time,
            **{_ca_label(settings, g): ca.certificate.validity_end_time for g, ca in cas.items()},
        )
        expiry = ends.apply(expiry_metrics)
        secret = tls_secret(
            layout.secret_name, layout.target, server.cert_pem, secret_pem(server_key), bundle, expiry=expiry
        )
        register(f"{name}-secret", secret, child)
        self.client_secrets = {}
        for namespace, client in map(client_parts, settings.clients):
            client_key, client_cert = authority.issue(
                f"{name}-client-{client}", common_name=client, uses=["digital_signature", "client_auth"]
            )
            secret_name = layout.client_secret_name(client)
            pem = secret_pem(client_key)
            secret = tls_secret(secret_name, layout.target, client_cert.cert_pem, pem, bundle, namespace=namespace)
            register(f"{name}-client-{client}-secret", secret, child)
            self.client_secrets[client] = f"{namespace}/{secret_name}" if namespace else secret_name

        conf = nginx_config(layout, settings)
        register(f"{name}-config", config_map(layout, conf), child)
        rotation = server.cert_pem.apply(lambda pem: hashlib.sha256((pem + conf).encode()).hexdigest())
        self.contribution: PodContribution = ambassador_contribution(layout, settings, _source(name), rotation)
        """What to merge into the pod (plain data for Python programs; its rotation annotation is an output)."""
        self.pod_contribution = contribution_data(self.contribution)
        self.ca_certificate = bundle
        self.certificate_expiry = server.validity_end_time
        self.register_outputs(
            {
                "ca_certificate": self.ca_certificate,
                "certificate_expiry": self.certificate_expiry,
                "client_secrets": self.client_secrets,
                "pod_contribution": self.pod_contribution,
            }
        )

    @staticmethod
    def plan(name: str, args: TlsAmbassadorArgs) -> PodContribution:
        """The contribution the component would hand out, without registering anything; raises SettingsError.

        Its rotation annotation is empty: the hash of the certificate is known only once it is created.
        """
        layout, settings = parse_ambassador_args(name, args)
        return ambassador_contribution(layout, settings, _source(name))


def _ca_common_name(layout: AmbassadorLayout, generation: int) -> str:
    suffix = "" if generation == 1 else f" {generation}"
    return f"{layout.target.name} TLS ambassador CA{suffix}"


def _ca_label(settings: TlsSettings, generation: int) -> str:
    """The expiry metric's `certificate` label: ca for the signing CA, ca-<generation> for the other one."""
    return "ca" if generation == settings.ca_generation else f"ca-{generation}"
