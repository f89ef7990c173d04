"""Arguments of PrometheusAdapter. Defaults and allowed values: `podpatterns.metrics.settings.ExporterSettings`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from ..target import WorkloadTarget


class PrometheusAdapterArgs(TypedDict, total=False):
    """An exporter container translating an application's own API into Prometheus metrics.

    Plain values, not Outputs: they are checked, and the pod planned, before anything is registered."""

    target: WorkloadTarget
    """The workload whose pods get the exporter. Required."""
    image: str
    """Exporter image, pinned. Default: "quay.io/prometheuscommunity/elasticsearch-exporter:v1.5.0"."""
    port: int
    """Port the exporter serves metrics on, named `metrics` in the pod and on the Service. Default: 9114."""
    args: Sequence[str]
    """Exporter arguments; its listen address must match port. Default: none."""
    cluster_args: Sequence[str]
    """Arguments of one extra exporter Deployment for cluster-wide metrics. Default: none (no Deployment)."""
    metrics_path: str
    """Path of the metrics. Default: "/metrics"."""
    health_path: str
    """Path the probes ask. Default: "/healthz"."""
    credentials_secret: str
    """Secret with the application's credentials. Default: none."""
    credentials_env: Sequence[str]
    """Variables from credentials_secret, as ENV_NAME=secret-key. Default: none."""
    ca_volume: str
    """Pod volume with the CA verifying the application's TLS certificate. Default: none."""
    ca_secret: str
    """Secret with that CA, for the cluster-wide Deployment. Default: none."""
    ca_dir: str
    """Mount path of the CA volume in the exporter. Default: "/etc/exporter/ca"."""
    cpu_request: str
    """CPU request of the exporter. Default: "10m"."""
    cpu_limit: str
    """CPU limit of the exporter. Default: "100m"."""
    memory: str
    """Memory request and limit of the exporter. Default: "64Mi"."""
    pod_monitor: bool
    """Create Prometheus Operator PodMonitors. Default: false."""
    job: str
    """Job label the PodMonitors set. Default: "<target name>-metrics"."""
    rule_groups: Sequence[Mapping[str, Any]]
    """Prometheus rule groups for a PrometheusRule (Operator CRD). Default: none (no PrometheusRule)."""
