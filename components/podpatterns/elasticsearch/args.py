"""Arguments of ElasticsearchApp. Defaults and allowed values: `podpatterns.settings.model`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from ..podmodel import PodContribution
from ..tls.args import TlsAmbassadorArgs
from ..vault.args import VaultArgs


class ElasticsearchArgs(TypedDict, total=False):
    """The Elasticsearch cluster (keys of `ElasticsearchSettings`)."""

    name: str
    """Name of the cluster and of its Kubernetes objects. Default: "elasticsearch"."""
    version: str
    """Elasticsearch release X.Y.Z; pins the image tag. Default: "8.17.0"."""
    image: str
    """Image repository without tag. Default: "docker.elastic.co/elasticsearch/elasticsearch"."""
    nodes: int
    """Number of master-eligible nodes, odd, 1 to 9. Default: 1."""
    workload: str
    """"Deployment" (one ephemeral node) or "StatefulSet". Default: "StatefulSet"."""
    cpu_request: str
    """CPU request of the Elasticsearch container. Default: "500m"."""
    cpu_limit: str
    """CPU limit of the Elasticsearch container. Default: "1"."""
    memory: str
    """Memory request and limit of the Elasticsearch container. Default: "2Gi"."""
    heap: str
    """JVM heap, at most 75% of memory. Default: half of memory."""
    storage_size: str
    """Size of each node's PersistentVolumeClaim. Default: none (an emptyDir)."""
    storage_class: str
    """StorageClass of the claims. Default: the cluster's default class."""
    anti_affinity: str
    """"preferred" or "required" spreading of a multi-node cluster over hosts. Default: "preferred"."""
    termination_grace_period_seconds: int
    """Seconds Elasticsearch gets to stop cleanly, 30 to 3600. Default: 120."""


class TlsArgs(TlsAmbassadorArgs, total=False):
    """TlsAmbassador's settings, and whether to use it (the target and ports are the cluster's)."""

    enabled: bool
    """Put the TLS ambassador in front of Elasticsearch. Default: true."""


class LogArgs(TypedDict, total=False):
    """Log tailing (keys of `LogSettings`)."""

    enabled: bool
    """Elasticsearch logs to files; sidecars stream them to stdout. Default: false."""
    mode: str
    """"auto" (native sidecars from Kubernetes 1.29), "native" or "classic". Default: "auto"."""
    image: str
    """Pinned tailer image. Default: "busybox:1.36.1"."""
    files: Sequence[str]
    """Files in Elasticsearch's log directory to stream. Default: the server log "<name>.log"."""
    size_limit: str
    """sizeLimit of the logs emptyDir. Default: "2Gi"."""


class SysctlArgs(TypedDict, total=False):
    """Node preparation (keys of `SysctlSettings`)."""

    mode: str
    """"none" (no mmap), "init" (privileged init raises vm.max_map_count) or "node". Default: "none"."""
    image: str
    """Pinned image of the init container. Default: "busybox:1.36.1"."""


class MetricsArgs(TypedDict, total=False):
    """The Prometheus adapter on Elasticsearch (keys of `MetricsSettings`)."""

    enabled: bool
    """Run the Elasticsearch exporter in every pod. Default: false."""
    image: str
    """Exporter image, pinned. Default: "quay.io/prometheuscommunity/elasticsearch-exporter:v1.5.0"."""
    cluster_collectors: Sequence[str]
    """Cluster-wide collectors (indices, indices_settings, shards, snapshots, cluster_settings). Default: none."""
    credentials_secret: str
    """Secret with Elasticsearch credentials for the exporter. Default: none."""
    username_key: str
    """Key of the user name in credentials_secret. Default: "username"."""
    password_key: str
    """Key of the password in credentials_secret. Default: "password"."""
    pod_monitor: bool
    """Create PodMonitors for the Prometheus Operator. Default: false."""
    prometheus_rule: bool
    """Create the PrometheusRule with the alerts (needs pod_monitor). Default: false."""
    yellow_for: str
    """How long the cluster may stay yellow before it alerts. Default: "30m"."""
    heap_percent: int
    """JVM heap use that alerts after 15 minutes, 50 to 99. Default: 90."""
    disk_percent: int
    """Disk use that alerts (the high watermark), 50 to 99. Default: 90."""
    cpu_request: str
    """CPU request of the exporter. Default: "10m"."""
    cpu_limit: str
    """CPU limit of the exporter. Default: "100m"."""
    memory: str
    """Memory request and limit of the exporter. Default: "64Mi"."""


class NetworkPeerArgs(TypedDict, total=False):
    """Pods allowed to connect (keys of `PeerSettings`)."""

    namespace: str
    """Namespace of the pods. Default: the app's own namespace."""
    pod_labels: Sequence[str]
    """Labels (key=value) the pods must carry. Default: none (every pod of the namespace)."""


class NetworkArgs(TypedDict, total=False):
    """The app's NetworkPolicies (keys of `NetworkSettings`)."""

    enabled: bool
    """Create the NetworkPolicies (default deny, then only what the pods need). Default: true."""
    clients: Sequence[NetworkPeerArgs]
    """Who may reach the client port 9200. Default: every pod in the app's namespace."""
    monitoring_namespace: str
    """The only namespace that may reach the metrics port 9114. Default: "monitoring"."""
    monitoring_pod_labels: Sequence[str]
    """Labels (key=value) of the Prometheus pods. Default: none (every pod of the namespace)."""
    dns_namespace: str
    """Namespace of the cluster DNS. Default: "kube-system"."""
    dns_pod_labels: Sequence[str]
    """Labels (key=value) of the cluster DNS pods. Default: ["k8s-app=kube-dns"]."""
    vault_cidr: str
    """Vault's addresses (CIDR) for a Vault outside the cluster. Default: none (vault_namespace)."""
    vault_namespace: str
    """Namespace of Vault's pods. Default: that of vault.address when it names an in-cluster Service."""
    vault_pod_labels: Sequence[str]
    """Labels (key=value) of Vault's pods. Default: none (every pod of the namespace)."""
    vault_port: int
    """Port of Vault's pods. Default: the port of vault.address."""


class ElasticsearchAppArgs(TypedDict, total=False):
    """Arguments of `ElasticsearchApp` (keys of `AppSettings`, plus contributions)."""

    namespace: str
    """Namespace of every object. Default: "elasticsearch"."""
    create_namespace: bool
    """Create the namespace, labelled for Pod Security "restricted". Default: true."""
    kubernetes_version: str
    """Oldest Kubernetes minor version to support, "1.25" to "1.37". Default: "1.33"."""
    elasticsearch: ElasticsearchArgs
    """The cluster. Default: one node, 2Gi, ephemeral storage."""
    tls: TlsArgs
    """The TLS ambassador. Default: on, ECDSA P-256, 90-day certificates, no client certificates."""
    vault: VaultArgs
    """Secrets from Vault written by an init container to an in-memory volume. Default: off."""
    logs: LogArgs
    """Log tailing. Default: off."""
    sysctl: SysctlArgs
    """Node preparation for vm.max_map_count. Default: mode "none"."""
    metrics: MetricsArgs
    """The Prometheus adapter. Default: off."""
    network: NetworkArgs
    """NetworkPolicies for the app's pods. Default: on, clients from the app's namespace only."""
    contributions: Sequence[PodContribution]
    """Extra pod contributions merged into every Elasticsearch pod. Default: none."""
