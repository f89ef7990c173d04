"""The settings of one application and its patterns: every key, its default and what is allowed.

This is the one place where defaults live. The stack files (`stacks/Pulumi.<stack>.yaml`,
camelCase keys under `pod-patterns:`) and `ElasticsearchApp`'s arguments (snake_case keys)
are both read into these classes, so both get the same checks and the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...logtail.settings import NATIVE_SIDECAR_MINOR, LogSettings
from ...metrics.settings import MetricsSettings
from ...pod.pod_security import LEVELS
from ...pod.scheduling import SchedulingSettings
from ...quantity import parse_memory
from ...settings import checks
from ...settings.engine import KeyedValueError, setting
from ...sysctl.settings import SysctlSettings
from ...tls.settings import TlsSettings
from ...vault.settings import VaultSettings, renewal_problem
from .network import NetworkSettings, vault_egress_problem
from .rollout import RolloutSettings
from .security import KeystoreEntrySettings, SecuritySettings, keystore_entries, keystore_problem, uses_s3
from .user_config import check_config

HEAP_SHARE_LIMIT = 0.75
"""Heap may take at most this share of the memory limit: Lucene lives off-heap, in the page cache."""

MIN_MEMORY = 512 * 2**20

MAX_HEAP = 31 * 2**30
"""Below ~32 GiB the JVM keeps compressed object pointers; above it a bigger heap holds less."""
MAX_MEMORY = 256 * 2**30
"""A sane upper bound per node: past the 31g heap cap, more memory only feeds the filesystem cache."""

NODE_START_SECONDS = 120
"""A generous time for a node's pod to be scheduled, start and rejoin (image already on the node)."""

BUILT_IN_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
"""Every cluster has these: the stack must not create (nor, on destroy, delete) one."""


@dataclass(frozen=True)
class ElasticsearchSettings:
    """The Elasticsearch cluster: version, size, resources and storage."""

    name: str = setting(
        "elasticsearch",
        "Name of the cluster and of its Kubernetes objects (Services, workload, ConfigMap).",
        check=checks.dns_label(40),
        allowed="DNS label, at most 40 characters",
    )
    version: str = setting(
        "8.19.21",
        "Elasticsearch release; pins the image tag.",
        check=checks.release_version,
        allowed="X.Y.Z, 8.x or 9.x",
    )
    image: str = setting(
        "docker.elastic.co/elasticsearch/elasticsearch",
        "Image repository, without tag (the tag is the version).",
        check=checks.image_repository,
        allowed="repository without tag or digest",
    )
    nodes: int = setting(
        1,
        "Number of nodes, all master-eligible; more than one needs workload StatefulSet.",
        minimum=1,
        maximum=9,
    )
    workload: str = setting(
        "StatefulSet",
        "Kind of workload. Deployment suits one ephemeral node only.",
        choices=("Deployment", "StatefulSet"),
    )
    cpu_request: str = checks.cpu_setting("500m", "CPU request of the Elasticsearch container.")
    cpu_limit: str = checks.cpu_setting("1", "CPU limit of the Elasticsearch container.")
    memory: str = checks.memory_setting(
        "2Gi",
        "Memory request and limit of the Elasticsearch container (equal: Elasticsearch must not be "
        "evicted for going over its request).",
    )
    heap: str | None = checks.memory_setting(
        None, "JVM heap (-Xms and -Xmx). Unset: half of memory. At most 75% of memory."
    )
    storage_size: str | None = checks.memory_setting(
        None, "Size of each node's PersistentVolumeClaim. Unset: an emptyDir (data lost with the pod)."
    )
    storage_class: str | None = setting(
        None,
        "StorageClass of the PersistentVolumeClaims (needs storageSize). Unset: the cluster's default.",
        check=checks.dns_label(253),
        allowed="DNS name",
    )
    anti_affinity: str = setting(
        "preferred",
        "Pod anti-affinity across nodes for a multi-node cluster: required refuses to co-locate two "
        "Elasticsearch pods on one Kubernetes node, preferred only avoids it.",
        choices=("preferred", "required"),
    )
    termination_grace_period_seconds: int = setting(
        120,
        "Time Elasticsearch gets to stop cleanly (finish requests, flush and close shards, leave the cluster) "
        "before it is killed; a pod whose app exits sooner is gone sooner (no fixed wait).",
        minimum=30,
        maximum=3600,
    )
    keystore: tuple[KeystoreEntrySettings, ...] = setting(
        (),
        "Secure settings an init container adds to Elasticsearch's keystore from Vault files at every start "
        "(elasticsearch-keystore add --stdin), such as the S3 snapshot client's access_key and secret_key.",
    )

    config: dict[str, Any] | None = setting(
        None,
        "Settings of your own for elasticsearch.yml (ECK's config, the Elastic Helm chart's esConfig): a mapping of "
        "setting name to value, merged into the file the library writes. Each name must be one the pinned "
        "Elasticsearch registers for elasticsearch.yml (docs/elasticsearch-settings.md): not a secure one (those go "
        "in keystore), an index setting, a deprecated one, or one the library writes itself.",
        check=check_config,
        allowed="mapping of setting names to values",
    )

    def __post_init__(self) -> None:
        for index, entry in enumerate(self.keystore):
            if entry.name is None or entry.file is None:
                raise KeyedValueError("keystore", f"keystore[{index}] needs a name and a file")
        if self.nodes > 1 and self.nodes % 2 == 0:
            raise KeyedValueError(
                "nodes",
                f"{self.nodes} nodes is an even number of master-eligible nodes: use an odd number "
                "(1, 3, 5, ...) so that a majority survives a network partition",
            )
        if self.workload == "Deployment" and self.nodes > 1:
            raise KeyedValueError(
                "workload", "a cluster of more than one node must be a StatefulSet (stable names for discovery)"
            )
        if self.workload == "Deployment" and self.storage_size is not None:
            raise KeyedValueError(
                "workload", "persistent storage needs workload StatefulSet (one PersistentVolumeClaim per node)"
            )
        if self.storage_class is not None and self.storage_size is None:
            raise KeyedValueError("storage_class", "needs storageSize: without it the data is in an emptyDir")
        checks.cpu_request_within_limit(self.cpu_request, self.cpu_limit)
        if self.memory_bytes < MIN_MEMORY:
            raise KeyedValueError("memory", "must be at least 512Mi")
        if self.memory_bytes > MAX_MEMORY:
            raise KeyedValueError(
                "memory", "must be at most 256Gi: the heap stops at 31g; run more nodes for more capacity"
            )
        if self.heap and parse_memory(self.heap) > MAX_HEAP:
            raise KeyedValueError(
                "heap", "must be at most 31g (31Gi): above ~32 GiB the JVM loses compressed object pointers"
            )
        if self.heap_bytes > self.memory_bytes * HEAP_SHARE_LIMIT:
            raise KeyedValueError(
                "heap",
                f"heap {self.heap} is above 75% of memory {self.memory}: Elasticsearch needs the rest "
                "for direct memory and the filesystem cache",
            )

    @property
    def memory_bytes(self) -> int:
        return parse_memory(self.memory)

    @property
    def heap_bytes(self) -> int:
        """The JVM heap: the `heap` setting, or half the memory limit capped at 31g (compressed oops)."""
        return parse_memory(self.heap) if self.heap else min(self.memory_bytes // 2, MAX_HEAP)

    @property
    def persistent(self) -> bool:
        return self.storage_size is not None


@dataclass(frozen=True)
class AppSettings:
    """One application and the patterns composed onto it: what a stack deploys."""

    namespace: str = setting(
        "elasticsearch",
        "Namespace of every object the stack creates (a built-in one, such as default, only with createNamespace "
        "false).",
        check=checks.dns_label(63),
        allowed="DNS label",
    )
    create_namespace: bool = setting(True, "Create the namespace (false: it exists already, owned by someone else).")
    kubernetes_version: str = checks.kubernetes_version_setting(
        "Oldest Kubernetes minor version the manifests must work on; selects features such as native sidecars."
    )
    pod_security: str = setting(
        "restricted",
        "Pod Security level the pods are checked against before anything is deployed (the namespace's enforce "
        "level when createNamespace is false); privileged turns the check off. The sysctl init container of "
        "sysctl.mode init is exempt: its namespace is labelled privileged.",
        choices=LEVELS,
    )
    elasticsearch: ElasticsearchSettings = setting(ElasticsearchSettings, "The Elasticsearch cluster.")
    security: SecuritySettings = setting(
        SecuritySettings, "Elasticsearch's own security: users on HTTP, TLS with node certificates on transport."
    )
    tls: TlsSettings = setting(TlsSettings, "The TLS ambassador (TlsAmbassador).")
    vault: VaultSettings = setting(
        VaultSettings, "VaultSecretsInit: secrets from HashiCorp Vault written to an in-memory volume."
    )
    logs: LogSettings = setting(LogSettings, "LogTailSidecar: Elasticsearch's log files streamed to stdout.")
    sysctl: SysctlSettings = setting(
        SysctlSettings, "SysctlInit: how nodes get the vm.max_map_count Elasticsearch wants."
    )

    metrics: MetricsSettings = setting(
        MetricsSettings, "The Prometheus adapter: an Elasticsearch exporter in every pod, discovery and alerts."
    )
    scheduling: SchedulingSettings = setting(
        SchedulingSettings,
        "Which nodes the pods may run on (Elasticsearch's and the cluster-wide exporter's): node selector and "
        "tolerations, such as those of nodes dedicated to the search cluster.",
    )
    network: NetworkSettings = setting(
        NetworkSettings, "NetworkPolicies: default deny for the app's pods, then only the connections they need."
    )
    rollout: RolloutSettings = setting(
        RolloutSettings, "Rollouts: how nodes stop and restart, and how long pulumi up waits for them."
    )

    def __post_init__(self) -> None:
        self._check_rollout()
        if self.create_namespace and self.namespace in BUILT_IN_NAMESPACES:
            raise KeyedValueError(
                "namespace",
                f"{self.namespace} exists in every cluster: use a namespace of the stack's own, "
                "or set createNamespace: false",
            )
        problem = renewal_problem(self.vault.enabled and self.vault.renew, self.kubernetes_minor)
        if problem:
            raise KeyedValueError("vault", problem)
        problem = vault_egress_problem(self.network, self.vault.address, self.namespace) if self.vault.enabled else None
        if problem:
            raise KeyedValueError("network", problem)
        self._check_security()
        if self.logs.enabled and self.logs.mode == "native" and self.kubernetes_minor < NATIVE_SIDECAR_MINOR:
            raise KeyedValueError(
                "logs",
                f"mode native needs kubernetesVersion 1.{NATIVE_SIDECAR_MINOR} or newer (native sidecars); "
                "use auto or classic",
            )

    def _check_rollout(self) -> None:
        """A restarting node must be back before the cluster gives up on it and re-replicates its shards."""
        restart = self.elasticsearch.termination_grace_period_seconds + NODE_START_SECONDS
        if self.rollout.delayed_timeout_seconds < restart:
            raise KeyedValueError(
                "rollout",
                f"delayedTimeout {self.rollout.delayed_timeout} is shorter than a worst-case restart ({restart} s: "
                f"terminationGracePeriodSeconds plus {NODE_START_SECONDS} s to start): every restart would "
                "re-replicate the node's shards",
            )

    def _check_security(self) -> None:
        """Security and the keystore are fed by the other patterns: each missing piece is named."""
        if self.security.enabled and not self.tls.enabled:
            raise KeyedValueError("security", "needs tls.enabled: HTTP stays on 127.0.0.1 behind the TLS ambassador")
        if self.security.enabled and self.metrics.enabled and not self.metrics.credentials_secret:
            raise KeyedValueError(
                "metrics",
                "security is on, so the exporter must log in: set credentialsSecret, a Secret with the username "
                "and password of a user with the monitor privileges (README, Elasticsearch security)",
            )
        entries = keystore_entries(self.security, self.elasticsearch.keystore)
        files = {str(file.name): file.format for file in self.vault.files}
        problem = keystore_problem(entries, files, self.vault.enabled)
        if problem:
            raise KeyedValueError(*problem)
        if uses_s3(entries) and self.network.enabled and not self.network.snapshot_cidrs:
            raise KeyedValueError(
                "network",
                "the keystore holds S3 client credentials but snapshotCidrs is empty: the NetworkPolicy would "
                "block the snapshot repository; list the S3 endpoint's addresses (or a VPC endpoint's)",
            )

    @property
    def keystore_entries(self) -> tuple[tuple[str, str], ...]:
        """(setting, Vault file) pairs the keystore init container adds, bootstrap password first."""
        return keystore_entries(self.security, self.elasticsearch.keystore)

    @property
    def kubernetes_minor(self) -> int:
        return int(self.kubernetes_version.split(".")[1])
