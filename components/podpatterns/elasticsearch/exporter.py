"""How Elasticsearch is watched by the Prometheus adapter: exporter arguments and alert rules."""

from __future__ import annotations

import importlib.resources
import re
from typing import Any

import yaml

from ..kube import common_labels, metadata
from ..metrics import PrometheusAdapterArgs
from ..metrics.contribution import MONITORING_API, default_job_name
from ..metrics.settings import EXPORTER_CA_DIR, EXPORTER_PORT
from ..pod.model import Manifest
from ..pod.target import WorkloadTarget
from .config import HTTP_PORT
from .settings import AppSettings

LOCAL_URI = "http://127.0.0.1:9200"
"""The node in the same pod, over loopback; with the TLS ambassador: https://localhost:9200 and its CA."""
CA_FILE = "ca.crt"

# In the cluster-wide exporter the nodes collector (always on in 1.5.0) asks for nodes matching this
# filter; every node of this app is master-eligible, so none matches and node metrics stay with the pods.
NO_NODE = "coordinating_only:true"


def exporter_args(
    *,
    uri: str,
    ca_file: str | None,
    collectors: tuple[str, ...],
    node: str = "_local",
    client_certificate: bool = False,
) -> list[str]:
    """Arguments of prometheus-elasticsearch-exporter 1.5.0, checked against its --help.

    `client_certificate`: tls.crt and tls.key lie beside `ca_file` (a kubernetes.io/tls Secret).
    """
    args = [f"--web.listen-address=:{EXPORTER_PORT}", f"--es.uri={uri}", f"--es.node={node}", "--es.timeout=5s"]
    if ca_file:
        args.append(f"--es.ca={ca_file}")  # verified: never --es.ssl-skip-verify
    if ca_file and client_certificate:
        directory = ca_file.rsplit("/", 1)[0]
        args += [f"--es.client-cert={directory}/tls.crt", f"--es.client-private-key={directory}/tls.key"]
    args += [f"--es.{collector}" for collector in collectors]
    return args


def cluster_exporter_runs(settings: AppSettings) -> bool:
    """Whether the cluster-wide collectors run in their own exporter Deployment (several nodes), not in the pod."""
    metrics = settings.metrics
    return metrics.enabled and settings.elasticsearch.nodes > 1 and bool(metrics.cluster_collectors)


def adapter_args(
    settings: AppSettings,
    target: WorkloadTarget,
    *,
    uri: str = LOCAL_URI,
    cluster_uri: str | None = None,
    ca_volume: str | None = None,
    ca_secret: str | None = None,
    client_certificate: bool = False,
) -> PrometheusAdapterArgs:
    """The adapter's arguments for this cluster. With TLS, pass the https URIs, the pod volume holding
    the CA (and its Secret, for the cluster-wide exporter when there are several nodes)."""
    metrics = settings.metrics
    ca_file = f"{EXPORTER_CA_DIR}/{CA_FILE}" if ca_volume else None
    pod_collectors = () if settings.elasticsearch.nodes > 1 else metrics.cluster_collectors
    args: PrometheusAdapterArgs = {
        "target": target,
        "preset": "elasticsearch",
        "image": metrics.image,
        "port": EXPORTER_PORT,
        "upstream_port": HTTP_PORT,  # its own node, through the TLS ambassador when there is one
        "args": exporter_args(
            uri=uri, ca_file=ca_file, collectors=pod_collectors, client_certificate=client_certificate
        ),
        "cpu_request": metrics.cpu_request,
        "cpu_limit": metrics.cpu_limit,
        "memory": metrics.memory,
        "pod_monitor": metrics.pod_monitor,
    }
    if cluster_exporter_runs(settings):
        service_uri = cluster_uri or f"http://{target.service_dns_names[2]}:{target.app_port}"
        args["cluster_args"] = exporter_args(
            uri=service_uri,
            ca_file=ca_file,
            collectors=metrics.cluster_collectors,
            node=NO_NODE,
            client_certificate=client_certificate,
        )
        args["cluster_scheduling"] = settings.scheduling.as_args()
    if metrics.credentials_secret:
        args["credentials_secret"] = metrics.credentials_secret
        args["credentials_env"] = [f"ES_USERNAME={metrics.username_key}", f"ES_PASSWORD={metrics.password_key}"]
    if ca_volume:
        args["ca_volume"] = ca_volume
    if ca_secret:
        args["ca_secret"] = ca_secret
    if metrics.prometheus_rule:
        args["rule_groups"] = alert_rule_groups(settings, target)
    return args


_PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")
"""${name}; the rules' own templates use $labels and $value, which string.Template would take."""


def alert_rule_groups(settings: AppSettings, target: WorkloadTarget) -> list[Manifest]:
    """The alert rules of `templates/elasticsearch-alerts.yaml` for this cluster and stack."""
    metrics = settings.metrics
    text = importlib.resources.files("podpatterns").joinpath("templates/elasticsearch-alerts.yaml").read_text()
    values: dict[str, Any] = {
        "cluster": settings.elasticsearch.name,
        "job": default_job_name(target),
        "nodes": settings.elasticsearch.nodes,
        "yellow_for": metrics.yellow_for,
        "heap_percent": metrics.heap_percent,
        "heap_ratio": metrics.heap_percent / 100,
        "disk_percent": metrics.disk_percent,
        "disk_ratio": metrics.disk_percent / 100,
        "tls_job": tls_expiry_job(target),
        "expiry_days": CERTIFICATE_EXPIRY_ALERT_DAYS,
    }
    groups: list[Manifest] = yaml.safe_load(_PLACEHOLDER.sub(lambda m: str(values[m[1]]), text))["groups"]
    return groups


CERTIFICATE_EXPIRY_ALERT_DAYS = 14
"""A certificate alerts this long before it expires: pulumi up renews it 30 days before (tls.earlyRenewalHours),
so the alert means renewal has failed for two weeks (renew-certificates workflow, docs/operations.md)."""


def tls_expiry_job(target: WorkloadTarget) -> str:
    return f"{target.name}-tls-expiry"


def tls_expiry_pod_monitor(settings: AppSettings, target: WorkloadTarget) -> Manifest | None:
    """The PodMonitor of the ambassador's certificate expiry metrics (port tls-expiry), with the Operator's
    PodMonitors (metrics.podMonitor) and the ambassador."""
    if not (settings.metrics.enabled and settings.metrics.pod_monitor and settings.tls.enabled):
        return None
    name = tls_expiry_job(target)
    endpoint = {
        "port": "tls-expiry",
        "path": "/metrics",
        "relabelings": [{"action": "replace", "targetLabel": "job", "replacement": name}],
    }
    return {
        "apiVersion": MONITORING_API,
        "kind": "PodMonitor",
        "metadata": metadata(name, target.namespace, common_labels(target.name, "metrics")),
        "spec": {"selector": {"matchLabels": dict(target.labels)}, "podMetricsEndpoints": [endpoint]},
    }
