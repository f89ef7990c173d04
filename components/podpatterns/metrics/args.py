"""Arguments of PrometheusAdapter.

Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.
No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Required, TypedDict

import pulumi

from ..pod.scheduling_args import SchedulingArgs
from ..pod.target import WorkloadTarget


class PrometheusAdapterArgs(TypedDict, total=False):
    """An exporter container translating an application's own API into Prometheus metrics."""

    target: Required[pulumi.Input[WorkloadTarget]]
    """The workload whose pods get the pattern (from Python, e.g. an ElasticsearchApp's `target`). Required."""
    preset: pulumi.Input[str]
    """A named exporter whose image, port and health path are used where not given: elasticsearch (the Elasticsearch exporter, port 9114). Default: none (give all three)."""
    rule_groups: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]]
    """Prometheus rule groups (each a mapping with a name and its rules) for one PrometheusRule (Operator CRD). Default: none (no PrometheusRule)."""
    image: pulumi.Input[str]
    """Exporter image, pinned. Required unless the preset gives it. Allowed: image:tag or image@digest. Default: none."""
    port: pulumi.Input[int]
    """Port the exporter serves /metrics on (named `metrics`). Required unless the preset gives it. Allowed: 1024 to 65535. Default: none."""
    args: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Exporter command-line arguments (its listen address must match port). Default: none."""
    upstream_port: pulumi.Input[int]
    """Port on 127.0.0.1 where the exporter reads the application (drawn in the render's pod diagrams). Unset: it reads something else, such as a Service. Allowed: 1 to 65535. Default: none."""
    cluster_args: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Arguments of one extra exporter Deployment for cluster-wide metrics (exported once, not by every pod). Empty: no such Deployment. Default: none."""
    metrics_path: pulumi.Input[str]
    """Path of the metrics. Allowed: absolute path. Default: "/metrics"."""
    health_path: pulumi.Input[str]
    """Path the exporter's probes ask; it answers once it listens. Required unless the preset gives it. Allowed: absolute path. Default: none."""
    credentials_secret: pulumi.Input[str]
    """Secret holding the application's credentials. Unset: none. Allowed: DNS name. Default: none."""
    credentials_env: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Environment variables taken from credentials_secret, as ENV_NAME=secret-key. Allowed: ENV=key list. Default: none."""
    ca_volume: pulumi.Input[str]
    """Pod volume holding the CA that verifies the application's TLS certificate. Unset: no TLS. Allowed: DNS label. Default: none."""
    ca_secret: pulumi.Input[str]
    """Secret holding that CA, mounted by the cluster-wide Deployment (which has no pod volumes of the app). Allowed: DNS name. Default: none."""
    ca_dir: pulumi.Input[str]
    """Where the CA volume is mounted in the exporter container. Default: "/etc/exporter/ca"."""
    cpu_request: pulumi.Input[str]
    """CPU request of the exporter. Allowed: CPU quantity. Default: "10m"."""
    cpu_limit: pulumi.Input[str]
    """CPU limit of the exporter. Allowed: CPU quantity. Default: "100m"."""
    memory: pulumi.Input[str]
    """Memory request and limit of the exporter. Allowed: byte quantity. Default: "64Mi"."""
    pod_monitor: pulumi.Input[bool]
    """Create Prometheus Operator PodMonitors (monitoring.coreos.com/v1). Default: false."""
    job: pulumi.Input[str]
    """Prometheus job label the PodMonitors set. Unset: <target>-metrics. Default: none."""
    cluster_scheduling: pulumi.Input[SchedulingArgs]
    """Which nodes the cluster-wide exporter's pod may run on (cluster_args): node selector and tolerations, usually the app's own. Default: every key's own default."""
