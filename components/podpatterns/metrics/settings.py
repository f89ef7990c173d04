"""Settings of the Prometheus adapter: the generic exporter container, and what a stack turns on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..pod.scheduling import SchedulingSettings
from ..settings import checks
from ..settings.engine import KeyedValueError, setting

EXPORTER_IMAGE = "quay.io/prometheuscommunity/elasticsearch-exporter:v1.5.0"
"""Pinned to the release the behaviour tests run (Debian's prometheus-elasticsearch-exporter 1.5.0)."""
EXPORTER_PORT = 9114
EXPORTER_HEALTH_PATH = "/healthz"
EXPORTER_CA_DIR = "/etc/exporter/ca"

PRESETS: dict[str, dict[str, Any]] = {
    "elasticsearch": {"image": EXPORTER_IMAGE, "port": EXPORTER_PORT, "health_path": EXPORTER_HEALTH_PATH},
}
"""Named exporters: what a generic target must otherwise give itself (REQUIRED)."""
REQUIRED = ("image", "port", "health_path")
"""What a PrometheusAdapter needs, given or from a preset: an exporter has no generic image, port or health path."""
_LISTEN_ADDRESS = re.compile(r"^--?(?:web\.)?listen-address(?:=(.*))?$")

CLUSTER_COLLECTORS = ("indices", "indices_settings", "shards", "snapshots", "cluster_settings")
"""The exporter's cluster-wide collectors: each reports the same cluster from whichever node it asks."""

# Measured with `bench/run footprint` (docs/performance.md; Debian exporter 1.5.0 with every cluster-wide
# collector, Elasticsearch stand-in, 2 cores): 13.8 MiB resident (VmHWM) after one scrape, 18.2 MiB after
# scrapes back to back; no CPU at all when idle; 5-6 ms CPU per scrape, so ~0.4m on average at a 15 s scrape
# interval and ~110m when scraped back to back. Request: 10m. Limit: 100m (a scrape then takes at most ~60 ms).
# Memory: 64Mi, 3.5x the peak, headroom for clusters with many indices (the indices and shards answers grow).
DEFAULT_CPU_REQUEST = "10m"
DEFAULT_CPU_LIMIT = "100m"
DEFAULT_MEMORY = "64Mi"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


def _env_from_secret_key(value: str) -> None:
    name, _, key = value.partition("=")
    if not _ENV_NAME.match(name) or not _SECRET_KEY.match(key):
        raise ValueError("must be ENV_NAME=secret-key, such as ES_USERNAME=username")


def _env_from_secret_keys(values: tuple[str, ...]) -> None:
    checks.every_entry(values, _env_from_secret_key)


@dataclass(frozen=True)
class ExporterSettings:
    """The exporter container and its discovery objects: generic, for any application's exporter."""

    image: str | None = setting(
        None,
        "Exporter image, pinned. Required unless the preset gives it.",
        check=checks.pinned_image,
        allowed="image:tag or image@digest",
    )
    port: int | None = setting(
        None,
        "Port the exporter serves /metrics on (named `metrics`). Required unless the preset gives it.",
        minimum=1024,
        maximum=65535,
    )
    args: tuple[str, ...] = setting((), "Exporter command-line arguments (its listen address must match port).")
    upstream_port: int | None = setting(
        None,
        "Port on 127.0.0.1 where the exporter reads the application (drawn in the render's pod diagrams). "
        "Unset: it reads something else, such as a Service.",
        minimum=1,
        maximum=65535,
    )
    cluster_args: tuple[str, ...] = setting(
        (),
        "Arguments of one extra exporter Deployment for cluster-wide metrics (exported once, not by every pod). "
        "Empty: no such Deployment.",
    )
    metrics_path: str = setting("/metrics", "Path of the metrics.", allowed="absolute path")
    health_path: str | None = setting(
        None,
        "Path the exporter's probes ask; it answers once it listens. Required unless the preset gives it.",
        allowed="absolute path",
    )
    credentials_secret: str | None = setting(
        None,
        "Secret holding the application's credentials. Unset: none.",
        check=checks.dns_label(253),
        allowed="DNS name",
    )
    credentials_env: tuple[str, ...] = setting(
        (),
        "Environment variables taken from credentials_secret, as ENV_NAME=secret-key.",
        check=_env_from_secret_keys,
        allowed="ENV=key list",
    )
    ca_volume: str | None = setting(
        None,
        "Pod volume holding the CA that verifies the application's TLS certificate. Unset: no TLS.",
        check=checks.dns_label(63),
        allowed="DNS label",
    )
    ca_secret: str | None = setting(
        None,
        "Secret holding that CA, mounted by the cluster-wide Deployment (which has no pod volumes of the app).",
        check=checks.dns_label(253),
        allowed="DNS name",
    )
    ca_dir: str = setting(EXPORTER_CA_DIR, "Where the CA volume is mounted in the exporter container.")
    cpu_request: str = checks.cpu_setting(DEFAULT_CPU_REQUEST, "CPU request of the exporter.")
    cpu_limit: str = checks.cpu_setting(DEFAULT_CPU_LIMIT, "CPU limit of the exporter.")
    memory: str = checks.memory_setting(DEFAULT_MEMORY, "Memory request and limit of the exporter.")
    pod_monitor: bool = setting(False, "Create Prometheus Operator PodMonitors (monitoring.coreos.com/v1).")
    job: str | None = setting(None, "Prometheus job label the PodMonitors set. Unset: <target>-metrics.")
    cluster_scheduling: SchedulingSettings = setting(
        SchedulingSettings,
        "Which nodes the cluster-wide exporter's pod may run on (cluster_args): node selector and tolerations, "
        "usually the app's own.",
    )

    def __post_init__(self) -> None:
        if self.credentials_env and not self.credentials_secret:
            raise KeyedValueError("credentials_env", "needs credentials_secret, the Secret the variables come from")
        if self.credentials_secret and not self.credentials_env:
            raise KeyedValueError("credentials_secret", "needs credentials_env, e.g. ES_USERNAME=username")
        if self.ca_volume and self.cluster_args and not self.ca_secret:
            raise KeyedValueError(
                "ca_secret", "the cluster-wide Deployment needs the CA as a Secret when ca_volume is set"
            )
        checks.cpu_request_within_limit(self.cpu_request, self.cpu_limit)
        for key in ("metrics_path", "health_path", "ca_dir"):
            if getattr(self, key) is not None and not getattr(self, key).startswith("/"):
                raise KeyedValueError(key, "must be an absolute path")
        for key in ("args", "cluster_args"):
            listen = listen_address(getattr(self, key))
            if listen is not None and self.port is not None and not listen.endswith(f":{self.port}"):
                raise KeyedValueError(
                    key,
                    f"the exporter would listen on {listen!r} (its listen-address argument) but port is {self.port}: "
                    "the probes, the Service and Prometheus ask the port; make them agree",
                )


def listen_address(args: tuple[str, ...]) -> str | None:
    """The value of a `--web.listen-address` (or `--listen-address`) argument, `=value` or the next one."""
    for index, arg in enumerate(args):
        match = _LISTEN_ADDRESS.match(arg)
        if match:
            return match[1] if match[1] is not None else (args[index + 1] if index + 1 < len(args) else "")
    return None


@dataclass(frozen=True)
class MetricsSettings:
    """The Prometheus adapter on Elasticsearch: an exporter in every pod, and what a stack adds around it."""

    enabled: bool = setting(False, "Run the Elasticsearch exporter in every pod, serving /metrics on port 9114.")
    image: str = setting(
        EXPORTER_IMAGE,
        "Exporter image, pinned (its flags must be those of 1.5.0).",
        check=checks.pinned_image,
        allowed="image:tag or image@digest",
    )
    cluster_collectors: tuple[str, ...] = setting(
        (),
        "Cluster-wide collectors to switch on. One node: in its pod. Several nodes: in one extra exporter "
        "Deployment, so that they are not repeated by every pod.",
        check=checks.subset_of(CLUSTER_COLLECTORS),
        allowed="list of " + ", ".join(CLUSTER_COLLECTORS),
    )
    credentials_secret: str | None = setting(
        None,
        "Secret with Elasticsearch credentials for the exporter (ES_USERNAME/ES_PASSWORD). Unset: none.",
        check=checks.dns_label(253),
        allowed="DNS name",
    )
    username_key: str = setting(
        "username", "Key of the user name in credentials_secret.", check=checks.secret_key, allowed="Secret key"
    )
    password_key: str = setting(
        "password", "Key of the password in credentials_secret.", check=checks.secret_key, allowed="Secret key"
    )
    pod_monitor: bool = setting(False, "Create PodMonitors for the Prometheus Operator (its CRDs must exist).")
    prometheus_rule: bool = setting(False, "Create the PrometheusRule with the Elasticsearch alerts (Operator CRD).")
    yellow_for: str = setting(
        "30m",
        "How long the cluster may stay yellow before it alerts.",
        check=checks.prometheus_duration,
        allowed="duration",
    )
    heap_percent: int = setting(90, "JVM heap use (percent) that alerts after 15 minutes.", minimum=50, maximum=99)
    disk_percent: int = setting(
        90, "Disk use (percent) that alerts: Elasticsearch's high watermark (default 90%).", minimum=50, maximum=99
    )
    cpu_request: str = checks.cpu_setting(DEFAULT_CPU_REQUEST, "CPU request of the exporter.")
    cpu_limit: str = checks.cpu_setting(DEFAULT_CPU_LIMIT, "CPU limit of the exporter.")
    memory: str = checks.memory_setting(DEFAULT_MEMORY, "Memory request and limit of the exporter.")

    def __post_init__(self) -> None:
        if self.prometheus_rule and not self.pod_monitor:
            raise KeyedValueError(
                "prometheus_rule", "needs podMonitor: the alerts select the Prometheus job the PodMonitors set"
            )
        checks.cpu_request_within_limit(self.cpu_request, self.cpu_limit)
