"""Everything one Elasticsearch cluster needs, planned in pure code before anything is registered."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from .. import scanner
from ..kube import selector_labels
from ..logtail.naming import container_name
from ..podmodel import Manifest, MergedPod, PodContribution, merge_pod
from ..podsecurity import check_pod_security
from ..settings import AppSettings
from ..sysctl.contribution import CONTAINER as SYSCTL_CONTAINER
from ..target import WorkloadTarget
from ..tls import contribution as tls
from . import objects
from .config import HEALTH_PATH, HTTP_PORT, LOOPBACK_HTTP_PORT, elasticsearch_yml, headless_service_name
from .network import network_policies
from .pod import CONTAINER, DATA_VOLUME, app_contribution, readiness_command, server_log_files
from .shutdown import outlasting


@dataclass(frozen=True)
class ClusterPlan:
    target: WorkloadTarget
    pod: MergedPod
    manifests: dict[str, Manifest]
    """Kubernetes objects by role (namespace, config, client, headless, workload, pdb), in creation order."""


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


def _http_listener(settings: AppSettings) -> tuple[str, int, list[str]]:
    """Where Elasticsearch serves HTTP, and how its readiness is probed.

    Behind the TLS ambassador it moves to 127.0.0.1:9201, so the only way in is TLS on 9200. In mode
    http the pod is ready only when Elasticsearch answers through the ambassador. Mode stream has no
    HTTP location of its own (and with required client certificates, no way in without one): the probe
    asks Elasticsearch on 127.0.0.1:9201, and the ambassador's own TCP readiness probe holds the pod back
    until it listens; a pod is ready when all its containers are.
    """
    if not settings.tls.enabled:
        return "0.0.0.0", HTTP_PORT, readiness_command(f"http://127.0.0.1:{HTTP_PORT}{HEALTH_PATH}")
    # Security on: the probe logs in as elastic, with the bootstrap password Vault's agent wrote.
    password = f"{settings.vault.mount_path}/{settings.security.bootstrap_password_file}"
    login = password if settings.security.enabled else None
    if settings.tls.mode == "stream":
        url = f"http://127.0.0.1:{LOOPBACK_HTTP_PORT}{HEALTH_PATH}"
        return "127.0.0.1", LOOPBACK_HTTP_PORT, readiness_command(url, password_file=login)
    url = f"https://127.0.0.1:{HTTP_PORT}{tls.UPSTREAM_HEALTH_PATH}"
    return "127.0.0.1", LOOPBACK_HTTP_PORT, readiness_command(url, f"{tls.CA_DIR}/ca.crt", login)


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
    host, port, readiness = _http_listener(settings)
    allow_mmap = settings.sysctl.mode != "none"
    yml = elasticsearch_yml(
        es, http_host=host, http_port=port, allow_mmap=allow_mmap, security=settings.security.enabled
    )
    base = app_contribution(
        es, config_map=config_map_name, http_host=host, http_port=port, readiness=readiness, logs=settings.logs
    )
    if component is not None:
        base = dataclasses.replace(base, source=f"ElasticsearchApp '{component}'")
    claim_templates = (DATA_VOLUME,) if es.persistent else ()
    pod = merge_pod(CONTAINER, [base, *contributions], claim_templates=claim_templates)
    sidecars = {tls.CONTAINER, *(container_name(file) for file in server_log_files(es, settings.logs))}
    pod = dataclasses.replace(pod, containers=outlasting(pod.containers, sidecars, es.termination_grace_period_seconds))
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
    manifests.update(network_policies(settings, target_of(settings)))
    return ClusterPlan(target=target_of(settings), pod=pod, manifests=manifests)
