"""Arguments of ElasticsearchApp: the stack settings' keys in snake_case, and extra pod contributions.

Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.
No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import pulumi

from ..pod.scheduling_args import SchedulingArgs
from ..vault.args import VaultFileArgs


class KeystoreEntryArgs(TypedDict, total=False):
    """One secure setting, added to Elasticsearch's keystore from one Vault file at every start."""

    name: pulumi.Input[str]
    """Secure setting name, such as s3.client.default.access_key (required): one Elasticsearch registers as secure (docs/elasticsearch-settings.md). Allowed: secure setting name. Default: none."""
    file: pulumi.Input[str]
    """Name of the vault.files entry (format value) holding the value (required). Allowed: file name. Default: none."""


class ElasticsearchArgs(TypedDict, total=False):
    """The Elasticsearch cluster: version, size, resources and storage."""

    name: pulumi.Input[str]
    """Name of the cluster and of its Kubernetes objects (Services, workload, ConfigMap). Allowed: DNS label, at most 40 characters. Default: "elasticsearch"."""
    version: pulumi.Input[str]
    """Elasticsearch release; pins the image tag. Allowed: X.Y.Z, 8.x or 9.x. Default: "8.19.21"."""
    image: pulumi.Input[str]
    """Image repository, without tag (the tag is the version). Allowed: repository without tag or digest. Default: "docker.elastic.co/elasticsearch/elasticsearch"."""
    nodes: pulumi.Input[int]
    """Number of nodes, all master-eligible; more than one needs workload StatefulSet. Allowed: 1 to 9. Default: 1."""
    workload: pulumi.Input[str]
    """Kind of workload. Deployment suits one ephemeral node only. Allowed: one of Deployment, StatefulSet. Default: "StatefulSet"."""
    cpu_request: pulumi.Input[str]
    """CPU request of the Elasticsearch container. Allowed: CPU quantity. Default: "500m"."""
    cpu_limit: pulumi.Input[str]
    """CPU limit of the Elasticsearch container. Allowed: CPU quantity. Default: "1"."""
    memory: pulumi.Input[str]
    """Memory request and limit of the Elasticsearch container (equal: Elasticsearch must not be evicted for going over its request). Allowed: byte quantity. Default: "2Gi"."""
    heap: pulumi.Input[str]
    """JVM heap (-Xms and -Xmx). Unset: half of memory. At most 75% of memory. Allowed: byte quantity. Default: none."""
    storage_size: pulumi.Input[str]
    """Size of each node's PersistentVolumeClaim. Unset: an emptyDir (data lost with the pod). Allowed: byte quantity. Default: none."""
    storage_class: pulumi.Input[str]
    """StorageClass of the PersistentVolumeClaims (needs storageSize). Unset: the cluster's default. Allowed: DNS name. Default: none."""
    anti_affinity: pulumi.Input[str]
    """Pod anti-affinity across nodes for a multi-node cluster: required refuses to co-locate two Elasticsearch pods on one Kubernetes node, preferred only avoids it. Allowed: one of preferred, required. Default: "preferred"."""
    termination_grace_period_seconds: pulumi.Input[int]
    """Time Elasticsearch gets to stop cleanly (finish requests, flush and close shards, leave the cluster) before it is killed; a pod whose app exits sooner is gone sooner (no fixed wait). Allowed: 30 to 3600. Default: 120."""
    keystore: pulumi.Input[Sequence[pulumi.Input[KeystoreEntryArgs]]]
    """Secure settings an init container adds to Elasticsearch's keystore from Vault files at every start (elasticsearch-keystore add --stdin), such as the S3 snapshot client's access_key and secret_key. Default: none."""
    config: pulumi.Input[Mapping[str, Any]]
    """Settings of your own for elasticsearch.yml (ECK's config, the Elastic Helm chart's esConfig): a mapping of setting name to value, merged into the file the library writes. Each name must be one the pinned Elasticsearch registers for elasticsearch.yml (docs/elasticsearch-settings.md): not a secure one (those go in keystore), an index setting, a deprecated one, or one the library writes itself. Allowed: mapping of setting names to values. Default: none."""


class SecurityArgs(TypedDict, total=False):
    """Elasticsearch security (X-Pack): users and passwords on HTTP, mutual TLS between the nodes."""

    enabled: pulumi.Input[bool]
    """Turn Elasticsearch security on: every HTTP request needs a user (the ambassador passes credentials through), and the transport port 9300 takes only TLS from nodes holding the stack's node certificate. Needs tls.enabled (HTTP stays on 127.0.0.1 behind the ambassador) and vault.enabled (the password). Default: false."""
    bootstrap_password_file: pulumi.Input[str]
    """The vault.files entry (format value) with the elastic user's password, added to the keystore as bootstrap.password; the readiness probe authenticates with it. Allowed: file name. Default: "bootstrap-password"."""


class TlsArgs(TypedDict, total=False):
    """TLS terminated in the pod by an nginx ambassador; the app listens on 127.0.0.1 only."""

    enabled: pulumi.Input[bool]
    """Put the TLS ambassador in front of the application. Default: true."""
    image: pulumi.Input[str]
    """nginx image, pinned to a version. Allowed: image with a version tag or digest. Default: "docker.io/library/nginx:1.27.3-alpine"."""
    key_algorithm: pulumi.Input[str]
    """Server and CA key algorithm. Allowed: one of ECDSA, RSA. Default: "ECDSA"."""
    ecdsa_curve: pulumi.Input[str]
    """ECDSA curve (set explicitly: the provider's default P224 is refused by many clients). Allowed: one of P256, P384. Default: "P256"."""
    rsa_bits: pulumi.Input[int]
    """RSA key size. Allowed: 2048 to 4096. Default: 2048."""
    ca_validity_hours: pulumi.Input[int]
    """Validity of the CA certificate (10 years); at least validityHours. Allowed: at least 24. Default: 87600."""
    validity_hours: pulumi.Input[int]
    """Validity of the server certificate (90 days). Allowed: 24 to 8760. Default: 2160."""
    early_renewal_hours: pulumi.Input[int]
    """Renew the server certificate this long before it expires, at the next pulumi up. Allowed: at least 0. Default: 720."""
    dns_names: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Extra DNS names for the server certificate, besides the Services' names and localhost. Allowed: DNS names. Default: none."""
    ip_addresses: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Extra IP addresses for the server certificate, besides 127.0.0.1. Allowed: IP addresses. Default: none."""
    mtls: pulumi.Input[str]
    """Client certificates: off, optional (verified when sent) or required. Allowed: one of off, optional, required. Default: "off"."""
    clients: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Clients to issue certificates for, each into a Secret <app>-client-<name>: `name` in the app's namespace, or `namespace/name` delivered into the client's own namespace (which must exist), where its pods mount it. Allowed: distinct name or namespace/name, DNS labels. Default: none."""
    access_log: pulumi.Input[bool]
    """Log every request (mode stream: every connection) to the ambassador's stdout. Default: true."""
    mode: pulumi.Input[str]
    """http: nginx proxies HTTP requests (a log line per request, upstream keepalive); stream: TLS ends at the TCP level and the bytes go on to the app (L4, a log line per connection, client certificates checked at the handshake only); the faster, see docs/performance.md. Allowed: one of http, stream. Default: "http"."""
    ca_generation: pulumi.Input[int]
    """The CA that signs the certificates; raise it by one to rotate the CA (with caOverlap). Allowed: at least 1. Default: 1."""
    ca_overlap: pulumi.Input[str]
    """Another CA trusted beside the signing one while a rotation goes on: next (step 1: the next generation's CA is created and trusted, nothing re-issued yet), previous (step 2, after raising caGeneration: everything re-issued by the new CA, the old one still trusted), none (step 3: the old CA is gone). Allowed: one of none, next, previous. Default: "none"."""
    max_clients: pulumi.Input[int]
    """Client connections the ambassador holds at once (a Beats or Logstash fleet keeps one each); nginx gets twice as many worker_connections (each request also holds one to the app) and file descriptors to match. memory must hold 28 MiB + 43 KiB per client (224Mi: 4,096). Allowed: 64 to 65536. Default: 4096."""
    cpu_request: pulumi.Input[str]
    """CPU request of the ambassador (nginx). Allowed: CPU quantity. Default: "50m"."""
    cpu_limit: pulumi.Input[str]
    """CPU limit of the ambassador (one nginx worker). Allowed: CPU quantity. Default: "1"."""
    memory: pulumi.Input[str]
    """Memory request and limit of the ambassador. Allowed: byte quantity. Default: "224Mi"."""


class VaultArgs(TypedDict, total=False):
    """VaultSecretsInit: the Vault agent writes secrets to an in-memory volume before the app starts."""

    enabled: pulumi.Input[bool]
    """Run the Vault agent init container (VaultSecretsInit). Default: false."""
    image: pulumi.Input[str]
    """Vault image, pinned; runs `vault agent`. Allowed: image with a version tag or digest. Default: "hashicorp/vault:1.18.3"."""
    address: pulumi.Input[str]
    """Vault's address, e.g. https://vault.vault.svc:8200 (required when enabled). Allowed: http(s)://host[:port]. Default: none."""
    ca_config_map: pulumi.Input[str]
    """ConfigMap holding the CA certificate that signed Vault's TLS certificate (required with an https address: kube-root-ca.crt holds the API server's CA, which is usually not Vault's). Allowed: ConfigMap name. Default: none."""
    ca_key: pulumi.Input[str]
    """Key of the CA certificate in caConfigMap. Allowed: ConfigMap key. Default: "ca.crt"."""
    auth_mount: pulumi.Input[str]
    """Mount path of Vault's Kubernetes auth method, without the auth/ prefix. Allowed: relative path. Default: "kubernetes"."""
    role: pulumi.Input[str]
    """Vault role of the Kubernetes auth method the pod logs in as (required when enabled). Allowed: role name. Default: none."""
    audience: pulumi.Input[str]
    """Audience of the projected ServiceAccount token; the Vault role's audience must match. Allowed: audience name. Default: "vault"."""
    token_expiration_seconds: pulumi.Input[int]
    """Lifetime of the projected ServiceAccount token (the kubelet renews it); 600 is Kubernetes' minimum. Allowed: 600 to 86400. Default: 600."""
    kv_mount: pulumi.Input[str]
    """Mount path of the KV version 2 secrets engine. Allowed: relative path. Default: "secret"."""
    files: pulumi.Input[Sequence[pulumi.Input[VaultFileArgs]]]
    """The files to write, one agent template each (at least one when enabled). Default: none."""
    mount_path: pulumi.Input[str]
    """Where the secrets directory is mounted, read-only, in the containers that read it. Allowed: absolute path. Default: "/vault/secrets"."""
    mount_into: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Containers besides the application's that mount the secrets directory too. Allowed: container names. Default: none."""
    size_limit: pulumi.Input[str]
    """sizeLimit of the in-memory secrets volume (counts against the pod's memory). Allowed: byte quantity. Default: "1Mi"."""
    file_mode: pulumi.Input[str]
    """Mode of the written files. 0440: the agent's user and the pod's fsGroup (the app) may read them; 0400 only when the readers run as runAsUser. Allowed: one of 0440, 0400. Default: "0440"."""
    run_as_user: pulumi.Input[int]
    """User id of the agent; 100 is the image's vault user. Allowed: 1 to 2147483647. Default: 100."""
    renew: pulumi.Input[bool]
    """Also run the agent as a native sidecar that keeps the files fresh (Kubernetes 1.29+). Default: false."""
    renew_interval: pulumi.Input[str]
    """With renew: how often the sidecar reads the secrets again and rewrites a file whose value changed (KV version 2 secrets have no lease to watch). Allowed: duration (s, m, h). Default: "5m"."""


class LogArgs(TypedDict, total=False):
    """The stack's `logs` key: Elasticsearch logs to files, and a sidecar streams them to stdout."""

    enabled: pulumi.Input[bool]
    """Elasticsearch logs to files on the logs volume (ES_LOG_STYLE=file); sidecars stream them to stdout. Default: false."""
    mode: pulumi.Input[str]
    """How the tailer runs: native (an init container with restartPolicy Always: starts before the app and stops after it, so startup and shutdown lines are kept), classic (a regular container), or auto (native from Kubernetes 1.29). Allowed: one of auto, native, classic. Default: "auto"."""
    image: pulumi.Input[str]
    """Image of the tailer; it runs `sh` and busybox-compatible `tail -F`. Allowed: image with a version tag or digest. Default: "busybox:1.36.1"."""
    files: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Files in Elasticsearch's log directory to stream, one sidecar each. Empty: the server log <cluster name>.log. Allowed: list of file names. Default: none."""
    size_limit: pulumi.Input[str]
    """sizeLimit of Elasticsearch's logs emptyDir; the kubelet evicts the pod above it. Allowed: byte quantity. Default: "2Gi"."""


class SysctlArgs(TypedDict, total=False):
    """The stack's `sysctl` key: how the node gets the vm.max_map_count Elasticsearch wants."""

    mode: pulumi.Input[str]
    """init: a privileged init container raises vm.max_map_count if the node's is lower (the namespace is labelled Pod Security privileged); none: Elasticsearch runs without mmap (node.store.allow_mmap: false), no privilege needed; node: the node's owner prepares it. Allowed: one of none, init, node. Default: "none"."""
    image: pulumi.Input[str]
    """Image of the privileged init container; it runs `sh`, `cat` and `tr`. Allowed: image with a version tag or digest. Default: "busybox:1.36.1"."""


class MetricsArgs(TypedDict, total=False):
    """The Prometheus adapter on Elasticsearch: an exporter in every pod, and what a stack adds around it."""

    enabled: pulumi.Input[bool]
    """Run the Elasticsearch exporter in every pod, serving /metrics on port 9114. Default: false."""
    image: pulumi.Input[str]
    """Exporter image, pinned (its flags must be those of 1.5.0). Allowed: image:tag or image@digest. Default: "quay.io/prometheuscommunity/elasticsearch-exporter:v1.5.0"."""
    cluster_collectors: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Cluster-wide collectors to switch on. One node: in its pod. Several nodes: in one extra exporter Deployment, so that they are not repeated by every pod. Allowed: list of indices, indices_settings, shards, snapshots, cluster_settings. Default: none."""
    credentials_secret: pulumi.Input[str]
    """Secret with Elasticsearch credentials for the exporter (ES_USERNAME/ES_PASSWORD). Unset: none. Allowed: DNS name. Default: none."""
    username_key: pulumi.Input[str]
    """Key of the user name in credentials_secret. Allowed: Secret key. Default: "username"."""
    password_key: pulumi.Input[str]
    """Key of the password in credentials_secret. Allowed: Secret key. Default: "password"."""
    pod_monitor: pulumi.Input[bool]
    """Create PodMonitors for the Prometheus Operator (its CRDs must exist). Default: false."""
    prometheus_rule: pulumi.Input[bool]
    """Create the PrometheusRule with the Elasticsearch alerts (Operator CRD). Default: false."""
    yellow_for: pulumi.Input[str]
    """How long the cluster may stay yellow before it alerts. Allowed: duration. Default: "30m"."""
    heap_percent: pulumi.Input[int]
    """JVM heap use (percent) that alerts after 15 minutes. Allowed: 50 to 99. Default: 90."""
    disk_percent: pulumi.Input[int]
    """Disk use (percent) that alerts: Elasticsearch's high watermark (default 90%). Allowed: 50 to 99. Default: 90."""
    cpu_request: pulumi.Input[str]
    """CPU request of the exporter. Allowed: CPU quantity. Default: "10m"."""
    cpu_limit: pulumi.Input[str]
    """CPU limit of the exporter. Allowed: CPU quantity. Default: "100m"."""
    memory: pulumi.Input[str]
    """Memory request and limit of the exporter. Allowed: byte quantity. Default: "64Mi"."""


class NetworkPeerArgs(TypedDict, total=False):
    """Pods allowed to connect: those with the labels, in the namespace."""

    namespace: pulumi.Input[str]
    """Namespace of the pods. Unset: the app's own namespace. Allowed: DNS label. Default: none."""
    pod_labels: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Labels the pods must carry. Empty: every pod of the namespace. Allowed: list of key=value labels. Default: none."""


class NetworkArgs(TypedDict, total=False):
    """The app's NetworkPolicies: every connection to or from its pods not allowed here is denied."""

    enabled: pulumi.Input[bool]
    """Create NetworkPolicies for the app's pods and the cluster-wide exporter: ingress only to the client, metrics and transport ports from the peers below, egress only to DNS, the app's own pods and Vault. Default: true."""
    clients: pulumi.Input[Sequence[pulumi.Input[NetworkPeerArgs]]]
    """Who may reach the client port 9200 (TLS with the ambassador). Empty: every pod in the app's namespace. Default: none."""
    monitoring_namespace: pulumi.Input[str]
    """Namespace of Prometheus: the only one that may reach the metrics port 9114. Allowed: DNS label. Default: "monitoring"."""
    monitoring_pod_labels: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Labels of the Prometheus pods. Empty: every pod of monitoringNamespace. Allowed: list of key=value labels. Default: none."""
    dns_namespace: pulumi.Input[str]
    """Namespace of the cluster DNS, which the pods may ask on port 53 (UDP and TCP). Allowed: DNS label. Default: "kube-system"."""
    dns_pod_labels: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Labels of the cluster DNS pods (CoreDNS keeps kube-dns's label). Allowed: list of key=value labels. Default: ["k8s-app=kube-dns"]."""
    dns_cidrs: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Addresses of DNS servers outside the DNS pods the pods may also ask on port 53, such as NodeLocal DNSCache's link-local address on every node (the default). Empty: only the DNS pods. Allowed: list of CIDRs. Default: ["169.254.20.10/32"]."""
    vault_cidr: pulumi.Input[str]
    """Vault's addresses, for a Vault outside the cluster (with vault.enabled). Unset: vaultNamespace. Allowed: CIDR. Default: none."""
    vault_namespace: pulumi.Input[str]
    """Namespace of Vault's pods (with vault.enabled). Unset: the namespace of vault.address when it names an in-cluster Service (<service>.<namespace>.svc). Allowed: DNS label. Default: none."""
    vault_pod_labels: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Labels of Vault's pods. Empty: every pod of the Vault namespace. Allowed: list of key=value labels. Default: none."""
    vault_port: pulumi.Input[int]
    """Port Vault's pods listen on (a Service may map another). Unset: the port of vault.address. Allowed: 1 to 65535. Default: none."""
    snapshot_cidrs: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Addresses of the snapshot repository's object storage (the S3 endpoint's ranges, or a VPC endpoint) the pods may reach on snapshotPort; needed when elasticsearch.keystore holds s3.client credentials. Allowed: list of CIDRs. Default: none."""
    snapshot_port: pulumi.Input[int]
    """Port of the snapshot repository's object storage. Allowed: 1 to 65535. Default: 443."""


class RolloutArgs(TypedDict, total=False):
    """How a rollout restarts the nodes one by one without costing the cluster its shards."""

    delayed_timeout: pulumi.Input[str]
    """index.unassigned.node_left.delayed_timeout that every index gets just before a node stops (its preStop hook sets it on _all): how long the cluster waits for a restarting node before it copies that node's shards elsewhere. Must exceed terminationGracePeriodSeconds plus a node's start. Allowed: Elasticsearch time value (90s, 5m, 1h). Default: "5m"."""
    endpoint_removal_seconds: pulumi.Input[int]
    """Seconds a stopping pod keeps serving before Elasticsearch gets SIGTERM (a preStop wait), so that Services and proxies stop sending it requests first; the only wait in a pod's stop. Allowed: 0 to 60. Default: 5."""
    seconds_per_node: pulumi.Input[int]
    """Time a rollout may take per node (stop, start, recovery to green); pulumi up waits nodes times this for the workload (customTimeouts) before it reports a failure. Allowed: 60 to 7200. Default: 600."""
    voting_exclusions: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Nodes already excluded from the voting configuration (POST /_cluster/voting_config_exclusions), which a change of nodes may therefore remove together; clear it once they are gone. See docs/operations.md. Allowed: node names. Default: none."""


class ElasticsearchAppArgs(TypedDict, total=False):
    """An Elasticsearch cluster and the patterns composed onto it."""

    contributions: pulumi.Input[Sequence[Any]]
    """Extra pod contributions merged into every Elasticsearch pod: PodContribution objects from Python; from other languages, mappings with the same keys in camelCase (source, containers, initContainers, nativeSidecars, volumes, appVolumeMounts, appEnv, containerVolumeMounts, servicePorts, podAnnotations, loopbackPorts, loopbackConnections, podSysctls, serviceAccountName). Default: none."""
    namespace: pulumi.Input[str]
    """Namespace of every object the stack creates (a built-in one, such as default, only with createNamespace false). Allowed: DNS label. Default: "elasticsearch"."""
    create_namespace: pulumi.Input[bool]
    """Create the namespace (false: it exists already, owned by someone else). Default: true."""
    kubernetes_version: pulumi.Input[str]
    """Oldest Kubernetes minor version the manifests must work on; selects features such as native sidecars. Allowed: "1.25" to "1.37". Default: "1.33"."""
    pod_security: pulumi.Input[str]
    """Pod Security level the pods are checked against before anything is deployed (the namespace's enforce level when createNamespace is false); privileged turns the check off. The sysctl init container of sysctl.mode init is exempt: its namespace is labelled privileged. Allowed: one of restricted, baseline, privileged. Default: "restricted"."""
    elasticsearch: pulumi.Input[ElasticsearchArgs]
    """The Elasticsearch cluster. Default: every key's own default."""
    security: pulumi.Input[SecurityArgs]
    """Elasticsearch's own security: users on HTTP, TLS with node certificates on transport. Default: every key's own default."""
    tls: pulumi.Input[TlsArgs]
    """The TLS ambassador (TlsAmbassador). Default: every key's own default."""
    vault: pulumi.Input[VaultArgs]
    """VaultSecretsInit: secrets from HashiCorp Vault written to an in-memory volume. Default: every key's own default."""
    logs: pulumi.Input[LogArgs]
    """LogTailSidecar: Elasticsearch's log files streamed to stdout. Default: every key's own default."""
    sysctl: pulumi.Input[SysctlArgs]
    """SysctlInit: how nodes get the vm.max_map_count Elasticsearch wants. Default: every key's own default."""
    metrics: pulumi.Input[MetricsArgs]
    """The Prometheus adapter: an Elasticsearch exporter in every pod, discovery and alerts. Default: every key's own default."""
    scheduling: pulumi.Input[SchedulingArgs]
    """Which nodes the pods may run on (Elasticsearch's and the cluster-wide exporter's): node selector and tolerations, such as those of nodes dedicated to the search cluster. Default: every key's own default."""
    network: pulumi.Input[NetworkArgs]
    """NetworkPolicies: default deny for the app's pods, then only the connections they need. Default: every key's own default."""
    rollout: pulumi.Input[RolloutArgs]
    """Rollouts: how nodes stop and restart, and how long pulumi up waits for them. Default: every key's own default."""
