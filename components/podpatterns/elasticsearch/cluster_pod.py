"""The cluster's pod: Elasticsearch's own part and the patterns a stack turns on, composed by one PodBuilder.

The patterns are the components users compose (TlsAmbassador, PrometheusAdapter, LogTailSidecar, SysctlInit,
VaultSecretsInit), given arguments made from the validated settings; Elasticsearch's own additions (its keystore,
transport TLS, the exporter's client certificate volume) join them in pod order. The builder merges and checks the
pod before anything is registered, then creates the patterns as the ElasticsearchApp's children.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from ..logtail.args import LogTailSidecarArgs
from ..logtail.component import LogTailSidecar
from ..logtail.settings import NATIVE_SIDECAR_MINOR
from ..metrics import PrometheusAdapter, PrometheusAdapterArgs
from ..pod.builder import Planned, PodBuilder
from ..pod.model import PodContribution
from ..pod.target import WorkloadTarget
from ..sysctl.args import SysctlInitArgs
from ..sysctl.component import SysctlInit
from ..sysctl.contribution import CONTAINER as SYSCTL_CONTAINER
from ..tls import AmbassadorLayout, TlsAmbassador, TlsAmbassadorArgs
from ..tls.settings import client_parts
from ..vault.args import VaultSecretsInitArgs
from ..vault.component import VaultSecretsInit
from . import objects
from .config import HEALTH_PATH, HTTP_PORT, LOGS_DIR, LOOPBACK_HTTP_PORT, USER_ID, max_map_count
from .exporter import adapter_args
from .keystore import keystore_contribution
from .pod import DATA_VOLUME, LOGS_VOLUME, app_contribution, readiness_command, server_log_files
from .settings import AppSettings
from .shutdown import app_prestop
from .transport import TransportTls, TransportTlsArgs


@dataclass(frozen=True)
class ClusterPod:
    """The cluster's PodBuilder, with the patterns added to it; the TLS ambassador's, for the app's outputs."""

    builder: PodBuilder
    tls: Planned[TlsAmbassador] | None


def http_listener(settings: AppSettings) -> tuple[str, int]:
    """Where Elasticsearch serves HTTP: behind the TLS ambassador it moves to 127.0.0.1:9201, so that the only
    way in is TLS on 9200 (the ambassador has its own TCP readiness probe)."""
    if not settings.tls.enabled:
        return "0.0.0.0", HTTP_PORT
    return "127.0.0.1", LOOPBACK_HTTP_PORT


def _elastic_password_file(settings: AppSettings) -> str | None:
    """With security on, the elastic user's password file (Vault's bootstrap password): probes and hooks log in."""
    if not settings.security.enabled:
        return None
    return f"{settings.vault.mount_path}/{settings.security.bootstrap_password_file}"


def _app_part(settings: AppSettings, component: str | None) -> PodContribution:
    """Elasticsearch's own containers and volumes, listening where the ambassador leaves it."""
    es = settings.elasticsearch
    host, port = http_listener(settings)
    local_url = f"http://127.0.0.1:{port}"
    login = _elastic_password_file(settings)
    base = app_contribution(
        es,
        config_map=config_map_name(settings),
        http_host=host,
        http_port=port,
        readiness=readiness_command(local_url, es.nodes, login),
        lifecycle=app_prestop(
            local_url, settings.rollout.delayed_timeout, settings.rollout.endpoint_removal_seconds, login
        ),
        logs=settings.logs,
    )
    if component is not None:
        base = dataclasses.replace(base, source=f"ElasticsearchApp '{component}'")
    return base


def config_map_name(settings: AppSettings) -> str:
    return f"{settings.elasticsearch.name}-config"


def cluster_pod(
    settings: AppSettings,
    target: WorkloadTarget,
    extra: Sequence[PodContribution] = (),
    component: str | None = None,
) -> ClusterPod:
    """The PodBuilder of the cluster's pod with every enabled pattern planned (arguments checked), then `extra`.

    `component` is the ElasticsearchApp's Pulumi name: its children are `<component>-<role>`, and messages name it
    (default: the cluster's name). Order matters for init containers: the node is prepared first, then secrets
    are fetched, then the keystore is filled from them.
    """
    es, name = settings.elasticsearch, component or settings.elasticsearch.name
    workload = f"{es.workload} {settings.namespace}/{es.name}" + (
        f" (ElasticsearchApp '{component}')" if component else ""
    )
    builder = PodBuilder(
        target,
        _app_part(settings, component),
        security_context=objects.pod_security_context(),
        pod_security=settings.pod_security,
        claim_templates=(DATA_VOLUME,) if es.persistent else (),
        native_sidecars=settings.kubernetes_minor >= NATIVE_SIDECAR_MINOR,
        exempt_containers=[SYSCTL_CONTAINER] if settings.sysctl.mode == "init" else [],
        description=workload,
    )
    if sysctl := _sysctl_args(settings, target):
        builder.add(SysctlInit, f"{name}-sysctl", sysctl)
    if vault := _vault_args(settings, target):
        builder.add(VaultSecretsInit, f"{name}-vault", vault)
    if keystore := keystore_contribution(name, settings):
        builder.contribute(keystore)  # after Vault's agent, which writes the files it reads
    if settings.security.enabled:
        builder.add(TransportTls, name, TransportTlsArgs(settings, target))
    tls = None
    if tls_args := _tls_args(settings, target):
        tls = builder.add(TlsAmbassador, f"{name}-tls", tls_args)
    if adapter := _adapter_args(settings, target):
        builder.add(PrometheusAdapter, f"{name}-metrics", adapter)
    if client_volume := _exporter_client_volume(name, settings, target):
        builder.contribute(client_volume)
    if logs := _log_tail_args(settings, target):
        builder.add(LogTailSidecar, f"{name}-logs", logs)
    for contribution in extra:
        builder.contribute(contribution)
    return ClusterPod(builder, tls)


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
    # Elasticsearch's own readiness probe asks it on loopback (_app_part), never through TLS: the ambassador's
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
