"""Everything one Elasticsearch cluster needs, planned in pure code before anything is registered: its pod
(cluster_pod.py) and the Kubernetes objects around it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .. import checkov_skips
from ..kube import selector_labels
from ..pod.model import Manifest, MergedPod, PodContribution
from ..pod.target import WorkloadTarget
from . import objects
from .cluster_pod import cluster_pod, config_map_name, http_listener
from .config import HTTP_PORT, elasticsearch_yml, headless_service_name
from .exporter import tls_expiry_pod_monitor
from .network import network_policies
from .pod import CONTAINER
from .settings import AppSettings


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


def accepted_findings(settings: AppSettings) -> list[checkov_skips.AcceptedFinding]:
    """The scanner checks the Elasticsearch workload fails on purpose (README "Security")."""
    accepted = [
        checkov_skips.PULL_IF_NOT_PRESENT,
        checkov_skips.TAG_PINNED_IMAGE,
        checkov_skips.NO_LIVENESS_PROBE,
        checkov_skips.IMAGE_USERS,
    ]
    if settings.metrics.enabled and settings.metrics.credentials_secret:
        accepted.append(checkov_skips.EXPORTER_CREDENTIALS_ENV)
    if settings.sysctl.mode == "init":
        accepted += checkov_skips.PRIVILEGED_SYSCTL_INIT
    return accepted


def plan_cluster(
    settings: AppSettings, contributions: Sequence[PodContribution] = (), component: str | None = None
) -> ClusterPlan:
    """The whole cluster planned, nothing registered: its pod (Elasticsearch, every enabled pattern planned, then
    `contributions`), merged and checked, and its objects; raises SettingsError, PodConflictError or
    PodSecurityError. `component` is the ElasticsearchApp's Pulumi name (default: the cluster's name)."""
    target = target_of(settings)
    return lay_out(settings, cluster_pod(settings, target, contributions, component).builder.check())


def lay_out(settings: AppSettings, pod: MergedPod) -> ClusterPlan:
    """The cluster's Kubernetes objects around its merged pod."""
    es, ns = settings.elasticsearch, settings.namespace
    host, port = http_listener(settings)
    allow_mmap = settings.sysctl.mode != "none"
    yml = elasticsearch_yml(
        es, http_host=host, http_port=port, allow_mmap=allow_mmap, security=settings.security.enabled
    )
    template = objects.pod_template(
        es, pod, {objects.CONFIG_HASH_ANNOTATION: objects.config_hash(yml)}, settings.scheduling
    )

    manifests: dict[str, Manifest] = {}
    if settings.create_namespace:
        privileged = settings.sysctl.mode == "init"
        manifests["namespace"] = objects.namespace(
            ns, privileged=privileged, kubernetes_version=settings.kubernetes_version
        )
    manifests["config"] = objects.config_map(es, ns, config_map_name(settings), yml)
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
