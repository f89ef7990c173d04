"""What the Prometheus adapter adds to a pod, and the objects it owns, as plain manifests (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

from ..checkov_skips import (
    EXPORTER_CREDENTIALS_ENV,
    PULL_IF_NOT_PRESENT,
    TAG_PINNED_IMAGE,
    pinned_by_digest,
    skip_annotations,
)
from ..kube import IMAGE_PULL_POLICY, common_labels, metadata, resources, restricted_security_context, selector_labels
from ..pod.model import Manifest, PodContribution
from ..pod.target import WorkloadTarget
from .settings import ExporterSettings

CONTAINER = "metrics-exporter"
PORT_NAME = "metrics"
EXPORTER_USER = 65534
"""nobody: the prometheus-community images run as it (distroless, no shell)."""
CA_VOLUME_IN_DEPLOYMENT = "ca"
MONITORING_API = "monitoring.coreos.com/v1"


def job_name(settings: ExporterSettings, target: WorkloadTarget) -> str:
    """The Prometheus job the PodMonitors set and the alert rules select."""
    return settings.job or default_job_name(target)


def default_job_name(target: WorkloadTarget) -> str:
    return f"{target.name}-metrics"


def cluster_exporter_name(target: WorkloadTarget) -> str:
    return f"{target.name}-cluster-metrics"


def adapter_contribution(settings: ExporterSettings, target: WorkloadTarget, source: str) -> PodContribution:
    """The exporter beside the app, its port on the app's Service, and the scrape annotations."""
    return PodContribution(
        source=source,
        containers=[exporter_container(settings, settings.args, settings.ca_volume)],
        service_ports=[{"name": PORT_NAME, "port": settings.port, "targetPort": PORT_NAME, "protocol": "TCP"}],
        pod_annotations=scrape_annotations(settings),
        loopback_connections={CONTAINER: [settings.upstream_port]} if settings.upstream_port else {},
    )


def scrape_annotations(settings: ExporterSettings) -> dict[str, str]:
    """For Prometheus configurations that discover pods by annotation (the common kubernetes-pods job); none with
    PodMonitors, so that a Prometheus doing both scrapes each exporter once, not twice."""
    if settings.pod_monitor:
        return {}
    return {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(settings.port),
        "prometheus.io/path": settings.metrics_path,
    }


def exporter_container(settings: ExporterSettings, args: Sequence[str], ca_volume: str | None) -> Manifest:
    """The exporter. Probes ask its own health endpoint only: a failing exporter restarts alone, never the app."""
    health = {"httpGet": {"path": settings.health_path, "port": PORT_NAME}}
    container: Manifest = {
        "name": CONTAINER,
        "image": settings.image,
        "imagePullPolicy": IMAGE_PULL_POLICY,
        "args": list(args),
        "ports": [{"name": PORT_NAME, "containerPort": settings.port, "protocol": "TCP"}],
        # The exporter only listens once its first call to the app answers or after a 10 s timeout:
        # the startup probe allows a minute before liveness takes over.
        "startupProbe": {**health, "periodSeconds": 5, "timeoutSeconds": 3, "failureThreshold": 12},
        "livenessProbe": {**health, "periodSeconds": 20, "timeoutSeconds": 5, "failureThreshold": 3},
        "readinessProbe": {**health, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3},
        "resources": resources(settings.cpu_request, settings.cpu_limit, settings.memory, settings.memory),
        "securityContext": restricted_security_context(EXPORTER_USER),
    }
    env = _credentials_env(settings)
    if env:
        container["env"] = env
    if ca_volume:
        container["volumeMounts"] = [{"name": ca_volume, "mountPath": settings.ca_dir, "readOnly": True}]
    return container


def _credentials_env(settings: ExporterSettings) -> list[Manifest]:
    """From the Secret, never inside a URI: the exporter puts its URI into labels and logs."""
    env = []
    for pair in settings.credentials_env:
        name, _, key = pair.partition("=")
        env.append({"name": name, "valueFrom": {"secretKeyRef": {"name": settings.credentials_secret, "key": key}}})
    return env


def cluster_exporter(settings: ExporterSettings, target: WorkloadTarget) -> Manifest | None:
    """One exporter for cluster-wide metrics, beside the app's pods: a pod template cannot give one
    replica other arguments (and the exporter image has no shell to choose by pod ordinal)."""
    if not settings.cluster_args:
        return None
    name = cluster_exporter_name(target)
    container = exporter_container(
        settings, settings.cluster_args, CA_VOLUME_IN_DEPLOYMENT if settings.ca_volume else None
    )
    spec: Manifest = {
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
        **settings.cluster_scheduling.pod_spec_fields(),
    }
    if settings.ca_volume:
        spec["volumes"] = [{"name": CA_VOLUME_IN_DEPLOYMENT, "secret": {"secretName": settings.ca_secret}}]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(name, target.namespace, common_labels(name, "metrics"), _accepted(settings)),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector_labels(name)},
            "template": {
                "metadata": {"labels": selector_labels(name), **_annotations(scrape_annotations(settings))},
                "spec": spec,
            },
        },
    }


def _accepted(settings: ExporterSettings) -> dict[str, str]:
    """Scanner findings the cluster-wide exporter accepts: pulled if not present, a tag-pinned image, credentials
    in env (README "Security")."""
    pinned_by_tag = [] if pinned_by_digest(settings.image or "") else [TAG_PINNED_IMAGE]
    credentials = [EXPORTER_CREDENTIALS_ENV] if settings.credentials_secret else []
    return skip_annotations([PULL_IF_NOT_PRESENT, *pinned_by_tag, *credentials])


def pod_monitors(settings: ExporterSettings, target: WorkloadTarget) -> list[Manifest]:
    """The app's pods' PodMonitor, then the cluster-wide exporter's if there is one.

    PodMonitors rather than a ServiceMonitor: they select by the pod labels a target has (it does not
    know its Service's labels), and the cluster-wide exporter has no Service at all."""
    if not settings.pod_monitor:
        return []
    selected = [(f"{target.name}-metrics", dict(target.labels))]
    if settings.cluster_args:
        selected.append((cluster_exporter_name(target), selector_labels(cluster_exporter_name(target))))
    endpoint = {
        "port": PORT_NAME,
        "path": settings.metrics_path,
        "relabelings": [{"action": "replace", "targetLabel": "job", "replacement": job_name(settings, target)}],
    }
    return [
        {
            "apiVersion": MONITORING_API,
            "kind": "PodMonitor",
            "metadata": metadata(name, target.namespace, common_labels(target.name, "metrics")),
            "spec": {"selector": {"matchLabels": labels}, "podMetricsEndpoints": [endpoint]},
        }
        for name, labels in selected
    ]


def prometheus_rule(target: WorkloadTarget, groups: Sequence[Manifest]) -> Manifest | None:
    if not groups:
        return None
    name = f"{target.name}-alerts"
    return {
        "apiVersion": MONITORING_API,
        "kind": "PrometheusRule",
        "metadata": metadata(name, target.namespace, common_labels(target.name, "alerts")),
        "spec": {"groups": list(groups)},
    }


def owned_objects(
    settings: ExporterSettings, target: WorkloadTarget, groups: Sequence[Manifest]
) -> dict[str, Manifest]:
    """The adapter's own objects by role, in creation order."""
    objects: dict[str, Manifest] = {}
    deployment = cluster_exporter(settings, target)
    if deployment:
        objects["cluster-exporter"] = deployment
    objects.update(zip(("podmonitor", "cluster-podmonitor"), pod_monitors(settings, target), strict=False))
    rule = prometheus_rule(target, groups)
    if rule:
        objects["rules"] = rule
    return objects


def _annotations(annotations: dict[str, str]) -> Manifest:
    """`annotations`, left out when empty: the API server drops an empty map, and a diff would show it missing."""
    return {"annotations": annotations} if annotations else {}
