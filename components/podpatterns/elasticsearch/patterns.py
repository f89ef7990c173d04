"""The patterns a stack turns on, composed onto the cluster.

Each pattern has a pure contribution (what it adds to the pod, from plain settings) and a
ComponentResource that owns its resources and exposes the same contribution, with deploy-time
values filled in. `ElasticsearchApp` merges the planned contributions first, so a conflict fails
before anything is registered, then creates the components as its children.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi

from ..logtail.args import LogTailSidecarArgs
from ..logtail.component import LogTailSidecar
from ..metrics import PrometheusAdapter, PrometheusAdapterArgs
from ..metrics.component import parse_adapter_args
from ..metrics.contribution import adapter_contribution
from ..pod.model import PodContribution
from ..pod.target import WorkloadTarget
from ..sysctl.args import SysctlInitArgs
from ..sysctl.component import SysctlInit
from ..tls import AmbassadorLayout, TlsAmbassador, TlsAmbassadorArgs, ambassador_contribution
from ..tls.settings import client_parts
from ..vault.args import VaultSecretsInitArgs
from ..vault.component import VaultSecretsInit
from ..vault.contribution import vault_contribution
from .config import HEALTH_PATH, HTTP_PORT, LOGS_DIR, LOOPBACK_HTTP_PORT, USER_ID, max_map_count
from .exporter import adapter_args
from .keystore import keystore_contribution
from .pod import LOGS_VOLUME, server_log_files
from .settings import AppSettings
from .transport import create_transport_tls, transport_contribution


@dataclass
class Patterns:
    """The pattern components of one cluster, and what they add to its pod."""

    contributions: list[PodContribution] = field(default_factory=list)
    tls: TlsAmbassador | None = None


def _options(settings: Any) -> dict[str, Any]:
    """A pattern's settings as component arguments (the component switches itself on)."""
    return {key: value for key, value in dataclasses.asdict(settings).items() if key != "enabled"}


def _ambassador_layout(target: WorkloadTarget) -> AmbassadorLayout:
    return AmbassadorLayout(target, upstream_port=LOOPBACK_HTTP_PORT, health_path=HEALTH_PATH)


EXPORTER_CLIENT = "metrics-exporter"
"""With mutual TLS the exporter is a client like any other: the ambassador issues it a certificate."""
_EXPORTER_CLIENT_VOLUME = "metrics-exporter-client"


def _exporter_needs_client_certificate(settings: AppSettings) -> bool:
    return settings.metrics.enabled and settings.tls.enabled and settings.tls.mtls != "off"


def _tls_args(settings: AppSettings, target: WorkloadTarget) -> TlsAmbassadorArgs | None:
    if not settings.tls.enabled:
        return None
    layout = _ambassador_layout(target)
    args = {**_options(settings.tls), "target": target, "upstream_port": layout.upstream_port}
    names = [client_parts(client)[1] for client in settings.tls.clients]
    if _exporter_needs_client_certificate(settings) and EXPORTER_CLIENT not in names:
        args["clients"] = (*settings.tls.clients, EXPORTER_CLIENT)
    # Elasticsearch's own readiness probe asks it on loopback (plan.py), never through TLS: the ambassador's
    # stays a TCP probe, so that an expired certificate cannot make every pod unready at once.
    return cast(TlsAmbassadorArgs, {**args, "health_path": layout.health_path, "app_readiness": False})


def _adapter_args(settings: AppSettings, target: WorkloadTarget) -> PrometheusAdapterArgs | None:
    """The exporter reads Elasticsearch in its pod: through the ambassador (verifying its CA, with a client
    certificate under mutual TLS) when TLS is on, else over loopback."""
    if not settings.metrics.enabled:
        return None
    if not settings.tls.enabled:
        return adapter_args(settings, target)
    layout = _ambassador_layout(target)
    if _exporter_needs_client_certificate(settings):
        volume, secret = _EXPORTER_CLIENT_VOLUME, layout.client_secret_name(EXPORTER_CLIENT)
    else:
        volume, secret = "tls-ambassador-ca", layout.secret_name
    return adapter_args(
        settings,
        target,
        uri=f"https://localhost:{HTTP_PORT}",
        cluster_uri=f"https://{target.service_dns_names[2]}:{HTTP_PORT}",
        ca_volume=volume,
        ca_secret=secret,
        client_certificate=_exporter_needs_client_certificate(settings),
    )


def _exporter_client_volume(name: str, settings: AppSettings, target: WorkloadTarget) -> PodContribution | None:
    """The pod volume of the exporter's client certificate (its Secret holds the CA too)."""
    if not _exporter_needs_client_certificate(settings):
        return None
    secret = _ambassador_layout(target).client_secret_name(EXPORTER_CLIENT)
    volume = {"name": _EXPORTER_CLIENT_VOLUME, "secret": {"secretName": secret}}
    return PodContribution(source=f"ElasticsearchApp '{name}' (exporter client certificate)", volumes=[volume])


def _vault_args(settings: AppSettings, target: WorkloadTarget) -> VaultSecretsInitArgs | None:
    if not settings.vault.enabled:
        return None
    args = {**_options(settings.vault), "target": target, "kubernetes_version": settings.kubernetes_version}
    return cast(VaultSecretsInitArgs, args)


def _log_tail_args(settings: AppSettings, target: WorkloadTarget) -> LogTailSidecarArgs | None:
    logs = settings.logs
    if not logs.enabled:
        return None
    return {
        "target": target,
        "volume": LOGS_VOLUME,
        "directory": LOGS_DIR,
        "files": server_log_files(settings.elasticsearch, logs),
        "mode": logs.mode,
        "image": logs.image,
        "kubernetes_version": settings.kubernetes_version,
        "run_as_user": USER_ID,  # reads whatever Elasticsearch writes
    }


def _sysctl_args(settings: AppSettings, target: WorkloadTarget) -> SysctlInitArgs | None:
    if settings.sysctl.mode != "init":
        return None  # none: allow_mmap false (config.py); node: the node's owner prepares it
    return {
        "target": target,
        "sysctls": [f"vm.max_map_count={max_map_count(settings.elasticsearch.version)}"],
        "image": settings.sysctl.image,
        "kubernetes_version": settings.kubernetes_version,
    }


def planned_contributions(name: str, settings: AppSettings, target: WorkloadTarget) -> list[PodContribution]:
    """What the enabled patterns add to the pod, computed without registering anything."""
    planned: list[PodContribution] = []
    if sysctl := _sysctl_args(settings, target):
        planned.append(SysctlInit.plan(f"{name}-sysctl", sysctl))
    if settings.vault.enabled:
        planned.append(vault_contribution(settings.vault, target, f"VaultSecretsInit '{name}-vault'"))
    if keystore := keystore_contribution(name, settings):
        planned.append(keystore)
    if settings.security.enabled:
        planned.append(transport_contribution(name, target))
    if settings.tls.enabled:
        layout = _ambassador_layout(target)
        planned.append(ambassador_contribution(layout, settings.tls, f"TlsAmbassador '{name}-tls'"))
    if adapter := _adapter_args(settings, target):
        exporter, _, _ = parse_adapter_args(f"{name}-metrics", adapter)
        planned.append(adapter_contribution(exporter, target, f"PrometheusAdapter '{name}-metrics'"))
    if client_volume := _exporter_client_volume(name, settings, target):
        planned.append(client_volume)
    if logs := _log_tail_args(settings, target):
        planned.append(LogTailSidecar.plan(f"{name}-logs", logs))
    return planned


def create_patterns(name: str, settings: AppSettings, target: WorkloadTarget, opts: pulumi.ResourceOptions) -> Patterns:
    """Create the enabled patterns with `opts` (parent and dependencies), named `<name>-<role>`.

    Order matters for init containers: the node is prepared first, then secrets are fetched.
    """
    patterns = Patterns()
    if sysctl := _sysctl_args(settings, target):
        patterns.contributions.append(SysctlInit(f"{name}-sysctl", sysctl, opts).contribution)
    if vault := _vault_args(settings, target):
        patterns.contributions.append(VaultSecretsInit(f"{name}-vault", vault, opts).contribution)
    if keystore := keystore_contribution(name, settings):
        patterns.contributions.append(keystore)  # after Vault's agent, which writes the files it reads
    if settings.security.enabled:
        patterns.contributions.append(create_transport_tls(name, settings, target, opts))
    if tls := _tls_args(settings, target):
        patterns.tls = TlsAmbassador(f"{name}-tls", tls, opts)
        patterns.contributions.append(patterns.tls.contribution)
    if adapter := _adapter_args(settings, target):
        patterns.contributions.append(PrometheusAdapter(f"{name}-metrics", adapter, opts).contribution)
    if client_volume := _exporter_client_volume(name, settings, target):
        patterns.contributions.append(client_volume)
    if logs := _log_tail_args(settings, target):
        patterns.contributions.append(LogTailSidecar(f"{name}-logs", logs, opts).contribution)
    return patterns
