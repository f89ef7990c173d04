"""Everything one Elasticsearch cluster needs, planned in pure code before anything is registered."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from .. import checkov_skips as scanner
from ..kube import selector_labels
from ..logtail.naming import container_name
from ..logtail.settings import NATIVE_SIDECAR_MINOR
from ..metrics import contribution as metrics
from ..pod.model import Manifest, MergedPod, PodContribution, merge_pod
from ..pod.pod_security import check_pod_security
from ..pod.sidecar_order import outlasting
from ..pod.target import WorkloadTarget
from ..sysctl.contribution import CONTAINER as SYSCTL_CONTAINER
from ..tls import contribution as tls
from . import objects
from .config import HTTP_PORT, LOOPBACK_HTTP_PORT, elasticsearch_yml, headless_service_name
from .exporter import tls_expiry_pod_monitor
from .network import network_policies
from .pod import CONTAINER, DATA_VOLUME, app_contribution, readiness_command, server_log_files
from .settings import AppSettings
from .shutdown import app_prestop


@dataclass(frozen=True)
class ClusterPlan:
    target: WorkloadTarget
    """How the patterns see the cluster (`target_of`)."""
    pod: MergedPod
    """The merged pod: Elasticsearch's own containers and volumes with every contribution."""
    manifests: dict[str, Manifest]
    """Kubernetes objects by role (namespace, config, client, headless, workload, pdb, the NetworkPolicies,
    tls-expiry-monitor), in creation order."""
    claim_patches: dict[str, Manifest]
    """Each node's data claim at storageSize (role data-<ordinal>), applied as patches after the workload."""


def target_of(settings: AppSettings) -> WorkloadTarget:
    """How patterns see this cluster."""
    es = settings.elasticsearch
    stateful = es.workload == "StatefulSet"
    return WorkloadTarget(
        name=es.name,
        namespace=settings.namespace,
        labels=selector_labels(es.name),
        app_container=CONTAINER,
        app_port=HTTP_PORT,
        service_name=es.name,
        headless_service_name=headless_service_name(es.name) if stateful else None,
        replicas=es.nodes,
    )


def _http_listener(settings: AppSettings) -> tuple[str, int]:
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


def accepted_findings(settings: AppSettings) -> list[scanner.AcceptedFinding]:
    """The scanner checks the Elasticsearch workload fails on purpose (README "Security")."""
    accepted = [scanner.PULL_IF_NOT_PRESENT, scanner.TAG_PINNED_IMAGE, scanner.NO_LIVENESS_PROBE, scanner.IMAGE_USERS]
    if settings.metrics.enabled and settings.metrics.credentials_secret:
        accepted.append(scanner.EXPORTER_CREDENTIALS_ENV)
    if settings.sysctl.mode == "init":
        accepted += scanner.PRIVILEGED_SYSCTL_INIT
    return accepted


def plan_cluster(
    settings: AppSettings, contributions: Sequence[PodContribution], component: str | None = None
) -> ClusterPlan:
    """Merge the app's pod with the contributions and lay out its objects; raises PodConflictError.

    `component` is the ElasticsearchApp's Pulumi name, for messages (default: the cluster's name)."""
    es, ns = settings.elasticsearch, settings.namespace
    config_map_name = f"{es.name}-config"
    host, port = _http_listener(settings)
    local_url = f"http://127.0.0.1:{port}"
    allow_mmap = settings.sysctl.mode != "none"
    yml = elasticsearch_yml(
        es, http_host=host, http_port=port, allow_mmap=allow_mmap, security=settings.security.enabled
    )
    login = _elastic_password_file(settings)
    base = app_contribution(
        es,
        config_map=config_map_name,
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
    native = settings.kubernetes_minor >= NATIVE_SIDECAR_MINOR
    parts = outlasting([base, *contributions], {tls.CONTAINER, metrics.CONTAINER}, native=native, app_port=port)
    # The log tailers follow logs.mode: those still regular containers (classic) wait for the app.
    tailers = {container_name(file) for file in server_log_files(es, settings.logs)}
    parts = outlasting(parts, tailers, native=False, app_port=port)
    claim_templates = (DATA_VOLUME,) if es.persistent else ()
    pod = merge_pod(CONTAINER, parts, claim_templates=claim_templates)
    template = objects.pod_template(es, pod, {objects.CONFIG_HASH_ANNOTATION: objects.config_hash(yml)})
    exempt = [SYSCTL_CONTAINER] if settings.sysctl.mode == "init" else []
    workload = f"{es.workload} {ns}/{es.name}" + (f" (ElasticsearchApp '{component}')" if component else "")
    check_pod_security(workload, template["spec"], template["metadata"]["annotations"], settings.pod_security, exempt)

    manifests: dict[str, Manifest] = {}
    if settings.create_namespace:
        privileged = settings.sysctl.mode == "init"
        manifests["namespace"] = objects.namespace(
            ns, privileged=privileged, kubernetes_version=settings.kubernetes_version
        )
    manifests["config"] = objects.config_map(es, ns, config_map_name, yml)
    manifests["client"] = objects.client_service(es, ns, pod)
    if es.workload == "StatefulSet":
        manifests["headless"] = objects.headless_service(es, ns, tls=settings.tls.enabled)
    manifests["workload"] = objects.workload(es, ns, template, accepted_findings(settings))
    if es.nodes > 1:
        manifests["pdb"] = objects.pod_disruption_budget(es, ns)
    target = target_of(settings)
    manifests.update(network_policies(settings, target))
    if monitor := tls_expiry_pod_monitor(settings, target):
        manifests["tls-expiry-monitor"] = monitor
    patches = objects.claim_patches(es, ns) if es.persistent else {}
    return ClusterPlan(target=target, pod=pod, manifests=manifests, claim_patches=patches)
