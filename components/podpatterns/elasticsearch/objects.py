"""The Kubernetes objects of one Elasticsearch cluster, as plain manifests (pure functions)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import yaml

from ..checkov_skips import AcceptedFinding, skip_annotations
from ..kube import common_labels, metadata, selector_labels
from ..pod.model import Manifest, MergedPod
from ..pod.scheduling import SchedulingSettings
from .config import HTTP_PORT, TRANSPORT_PORT, USER_ID, headless_service_name, node_names
from .guard import STORAGE_ANNOTATION, storage_annotation
from .pod import CONFIG_FILE_KEY, DATA_VOLUME
from .settings import ElasticsearchSettings

CONFIG_HASH_ANNOTATION = "pod-patterns.io/elasticsearch-config-sha256"
BOOTSTRAP_ONLY_SETTINGS = ("cluster.initial_master_nodes",)


POD_SECURITY_LABEL = "pod-security.kubernetes.io"


def namespace(name: str, *, privileged: bool, kubernetes_version: str) -> Manifest:
    """Labelled to enforce Pod Security "restricted", or "privileged" only when a pod has a privileged init container.

    Audit is "restricted" either way, so the audit log records the privileged exception. Warn follows enforce:
    a warning the stack's owner chose to accept would otherwise come back at every apply and every preview,
    and train reviewers to ignore the warnings that matter. Each mode is pinned to the policy of the stack's
    `kubernetesVersion`, the oldest the manifests are made for and tested against: a cluster upgrade then cannot
    tighten the policy under running workloads, as `latest` would.
    """
    version = f"v{kubernetes_version}"
    enforced = "privileged" if privileged else "restricted"
    labels = {"app.kubernetes.io/managed-by": "pod-patterns"}
    for mode, level in (("enforce", enforced), ("audit", "restricted"), ("warn", enforced)):
        labels |= {f"{POD_SECURITY_LABEL}/{mode}": level, f"{POD_SECURITY_LABEL}/{mode}-version": version}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def config_map(settings: ElasticsearchSettings, ns: str, name: str, elasticsearch_yml: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(name, ns, common_labels(settings.name, "config")),
        "data": {CONFIG_FILE_KEY: elasticsearch_yml},
    }


def config_hash(elasticsearch_yml: str) -> str:
    """Carried as a pod annotation: a changed elasticsearch.yml rolls the pods (subPath mounts never update).

    Settings read only at the cluster's bootstrap (`cluster.initial_master_nodes`, which lists the nodes) are left
    out, as ECK drops them once the cluster has formed: scaling out then starts the new nodes without restarting
    the others, which keep the old list, unused.
    """
    config = yaml.safe_load(elasticsearch_yml)
    rolling = {key: value for key, value in config.items() if key not in BOOTSTRAP_ONLY_SETTINGS}
    return hashlib.sha256(yaml.safe_dump(rolling, sort_keys=False).encode()).hexdigest()


def client_service(settings: ElasticsearchSettings, ns: str, pod: MergedPod) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(settings.name, ns, common_labels(settings.name, "client")),
        "spec": {"type": "ClusterIP", "selector": selector_labels(settings.name), "ports": pod.service_ports},
    }


def headless_service(settings: ElasticsearchSettings, ns: str, *, tls: bool) -> Manifest:
    """Stable per-pod DNS names for discovery; lists pods before they are ready so nodes find each other.

    `tls`: the TLS ambassador serves the client port, which is then named `https`."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(headless_service_name(settings.name), ns, common_labels(settings.name, "discovery")),
        "spec": {
            "clusterIP": "None",
            "publishNotReadyAddresses": True,
            "selector": selector_labels(settings.name),
            "ports": [
                {"name": "https" if tls else "http", "port": HTTP_PORT, "targetPort": HTTP_PORT, "protocol": "TCP"},
                {"name": "transport", "port": TRANSPORT_PORT, "targetPort": "transport", "protocol": "TCP"},
            ],
        },
    }


def pod_disruption_budget(settings: ElasticsearchSettings, ns: str) -> Manifest:
    """One node down at a time: a voluntary disruption never costs the master quorum."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(settings.name, ns, common_labels(settings.name, "availability")),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector_labels(settings.name)}},
    }


def pod_security_context() -> Manifest:
    """The pod-level securityContext (the merged sysctls join it)."""
    return {
        "fsGroup": USER_ID,
        "fsGroupChangePolicy": "OnRootMismatch",
        "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def pod_template(
    settings: ElasticsearchSettings, pod: MergedPod, annotations: dict[str, str], scheduling: SchedulingSettings
) -> Manifest:
    spec: Manifest = {
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "securityContext": pod_security_context(),
        "terminationGracePeriodSeconds": settings.termination_grace_period_seconds,
        "initContainers": pod.init_containers,
        "containers": pod.containers,
        "volumes": pod.volumes,
        **scheduling.pod_spec_fields(),
    }
    if settings.nodes > 1:
        spec["affinity"] = _anti_affinity(settings)
        spec["topologySpreadConstraints"] = [_zone_spread(settings)]
    if pod.sysctls:
        spec["securityContext"]["sysctls"] = pod.sysctls
    if pod.service_account_name:
        spec["serviceAccountName"] = pod.service_account_name
    return {
        "metadata": {"labels": selector_labels(settings.name), "annotations": {**pod.annotations, **annotations}},
        "spec": spec,
    }


def _zone_spread(settings: ElasticsearchSettings) -> Manifest:
    """Nodes spread over zones, so that a zone outage leaves a master quorum where the zones allow it.

    ScheduleAnyway: a preference, as clusters with fewer zones than nodes (or no zone labels) must still
    schedule every node; anti-affinity keeps them on distinct hosts either way.
    """
    return {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": selector_labels(settings.name)},
    }


def _anti_affinity(settings: ElasticsearchSettings) -> Manifest:
    term = {
        "labelSelector": {"matchLabels": selector_labels(settings.name)},
        "topologyKey": "kubernetes.io/hostname",
    }
    if settings.anti_affinity == "required":
        return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    return {
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": term}]
        }
    }


def workload(
    settings: ElasticsearchSettings, ns: str, template: Manifest, accepted: Sequence[AcceptedFinding] = ()
) -> Manifest:
    """A StatefulSet (stable names, one volume claim per node) or, for one ephemeral node, a Deployment.

    `accepted`: scanner findings accepted on purpose, annotated on the workload for checkov.
    """
    meta = metadata(settings.name, ns, common_labels(settings.name, "database"), skip_annotations(accepted))
    selector = {"matchLabels": selector_labels(settings.name)}
    if settings.workload == "Deployment":
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": meta,
            # Recreate: two pods of a single-node cluster would be two different clusters.
            "spec": {"replicas": 1, "selector": selector, "strategy": {"type": "Recreate"}, "template": template},
        }
    spec: Manifest = {
        "replicas": settings.nodes,
        "serviceName": headless_service_name(settings.name),
        # Parallel: every master-eligible node must be up for the cluster to bootstrap.
        "podManagementPolicy": "Parallel",
        "selector": selector,
        "updateStrategy": {"type": "RollingUpdate"},
        "template": template,
    }
    if settings.persistent:
        spec["volumeClaimTemplates"] = [_volume_claim_template(settings)]
        storage = storage_annotation(str(settings.storage_size), settings.storage_class)
        meta["annotations"] = {**meta.get("annotations", {}), STORAGE_ANNOTATION: storage}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta, "spec": spec}


def claim_patches(settings: ElasticsearchSettings, ns: str) -> dict[str, Manifest]:
    """Each node's PersistentVolumeClaim at storageSize, by role `data-<ordinal>`: registered as server-side apply
    patches, so that a larger storageSize grows the claims in place (where the StorageClass allows expansion)
    while the StatefulSet's immutable claim template is left as it was."""
    patches = {}
    for node in node_names(settings.name, settings.nodes):
        claim = f"{DATA_VOLUME}-{node}"
        # Force: the StatefulSet controller created the claim and owns its size. No await: pulumi-kubernetes 4.25
        # waits for a claim of a WaitForFirstConsumer class to be Pending, which a bound claim never is again
        # (pulumi/pulumi-kubernetes#4179; seen on the local cluster's provisioner, prod's `up` hung on its patches).
        annotations = {"pulumi.com/patchForce": "true", "pulumi.com/skipAwait": "true"}
        meta = metadata(claim, ns, selector_labels(settings.name), annotations)
        spec = {"resources": {"requests": {"storage": settings.storage_size}}}
        patches[f"{DATA_VOLUME}-{node.rsplit('-', 1)[1]}"] = {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": meta,
            "spec": spec,
        }
    return patches


def _volume_claim_template(settings: ElasticsearchSettings) -> Manifest:
    spec: Manifest = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": settings.storage_size}},
    }
    if settings.storage_class:
        spec["storageClassName"] = settings.storage_class
    return {"metadata": {"name": DATA_VOLUME, "labels": selector_labels(settings.name)}, "spec": spec}
