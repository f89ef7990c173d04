"""Everything one Elasticsearch cluster needs, planned in pure code before anything is registered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..kube import selector_labels
from ..podmodel import Manifest, MergedPod, PodContribution, merge_pod
from ..settings import AppSettings
from ..target import WorkloadTarget
from . import objects
from .config import HTTP_PORT, elasticsearch_yml, headless_service_name
from .pod import CONTAINER, DATA_VOLUME, app_contribution


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


def plan_cluster(settings: AppSettings, contributions: Sequence[PodContribution]) -> ClusterPlan:
    """Merge the app's pod with the contributions and lay out its objects; raises PodConflictError."""
    es, ns = settings.elasticsearch, settings.namespace
    config_map_name = f"{es.name}-config"
    yml = elasticsearch_yml(es, http_host="0.0.0.0", http_port=HTTP_PORT, allow_mmap=settings.sysctl.mode != "none")
    base = app_contribution(
        es, config_map=config_map_name, http_host="0.0.0.0", http_port=HTTP_PORT, logs=settings.logs
    )
    claim_templates = (DATA_VOLUME,) if es.persistent else ()
    pod = merge_pod(CONTAINER, [base, *contributions], claim_templates=claim_templates)
    template = objects.pod_template(es, pod, {objects.CONFIG_HASH_ANNOTATION: objects.config_hash(yml)})

    manifests: dict[str, Manifest] = {}
    if settings.create_namespace:
        manifests["namespace"] = objects.namespace(ns, privileged=settings.sysctl.mode == "init")
    manifests["config"] = objects.config_map(es, ns, config_map_name, yml)
    manifests["client"] = objects.client_service(es, ns, pod)
    if es.workload == "StatefulSet":
        manifests["headless"] = objects.headless_service(es, ns)
    manifests["workload"] = objects.workload(es, ns, template)
    if es.nodes > 1:
        manifests["pdb"] = objects.pod_disruption_budget(es, ns)
    return ClusterPlan(target=target_of(settings), pod=pod, manifests=manifests)
