"""Bad stack files: each is refused with an error naming the file, the key and what is allowed, before any
resource is registered (the catalogue's machinery: tests/lib/bad_inputs.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from podpatterns import LogTailSidecar, SysctlInit
from podpatterns.render import Recording

from ..lib.bad_inputs import (
    ONE_FILE,
    VAULT_ON,
    Case,
    assert_refused,
    bad,
    copy_project,
    raw_stack,
    stack,
    together,
    vault_stack,
)

CATALOGUE = [
    # --- stack files: nothing ignored silently
    pytest.param(
        raw_stack(
            {"podpatterns:namespace": "search"}, "podpatterns:namespace", "did you mean 'pod-patterns:namespace'?"
        ),
        id="stack-near-miss-namespace-no-hyphen",
    ),
    pytest.param(
        raw_stack({"pod-pattern:tls": {"mtls": "required"}}, "pod-pattern:tls", "did you mean 'pod-patterns:tls'?"),
        id="stack-near-miss-namespace-singular",
    ),
    pytest.param(
        stack({"tls": {"enabled": False, "mtls": "required"}}, "tls.mtls", "contradicts enabled false"),
        id="stack-tls-off-with-mtls-required",
    ),
    pytest.param(
        together(
            stack(
                {"tls": {"dnsNames": ["ok.example.com", "Bad_Name", "also bad"]}},
                "tls.dnsNames",
                "[1] 'Bad_Name' is not a DNS name",
            ),
            ("pod-patterns:tls.dnsNames", "[2] 'also bad' is not a DNS name"),
        ),
        id="stack-every-bad-dns-name",
    ),
    pytest.param(
        together(
            stack(
                {"tls": {"ipAddresses": ["10.0.0.1", "300.1.1.1", "fe80::1", "x"]}},
                "tls.ipAddresses",
                "[1] '300.1.1.1' is not an IPv4 or IPv6 address",
            ),
            ("pod-patterns:tls.ipAddresses", "[3] 'x' is not an IPv4 or IPv6 address"),
        ),
        id="stack-every-bad-ip-address",
    ),
    pytest.param(
        together(
            bad(SysctlInit, {"sysctls": ["VM.Max=1", "vm.swappiness=1", "vm.max_map_count"]}, "sysctls", "[0]"),
            ("sysctls", "[0] 'VM.Max=1' is not name=value"),
            ("sysctls", "[2] 'vm.max_map_count' is not name=value"),
        ),
        id="sysctl-every-malformed-entry",
    ),
    pytest.param(
        together(
            bad(
                SysctlInit,
                {"sysctls": ["kernel.msgmax=1", "vm.swappiness=1", "net.core.somaxconn=1"]},
                "sysctls",
                "[0]",
            ),
            ("sysctls", "[0] 'kernel.msgmax=1' kernel.msgmax is neither a safe namespaced"),
            ("sysctls", "[2] 'net.core.somaxconn=1' net.core.somaxconn is neither a safe namespaced"),
        ),
        id="sysctl-every-unknown-entry",
    ),
    pytest.param(
        bad(LogTailSidecar, {"files": ["a/b.log", "ok.log", "../c"]}, "files", "[0] 'a/b.log' is not a file name"),
        id="logs-every-bad-file-name",
    ),
    pytest.param(
        together(
            stack(
                {"tls": {"validityHours": 100, "earlyRenewalHours": 200, "cpuLimit": "lots"}},
                "tls.earlyRenewalHours",
                "must be shorter than validityHours 100",
            ),
            ("pod-patterns:tls.cpuLimit", "a CPU quantity"),
        ),
        id="stack-cross-key-beside-per-key-problem",
    ),
    pytest.param(
        together(
            stack(
                {"elasticsearch": {"nodes": 3, "workload": "Deployment", "memory": "lots"}},
                "elasticsearch.workload",
                "must be a StatefulSet",
            ),
            ("pod-patterns:elasticsearch.memory", "a byte quantity"),
        ),
        id="stack-cluster-cross-key-beside-per-key-problem",
    ),
    pytest.param(
        stack({"elasticsearch": {"storage_size": "1Gi"}}, "elasticsearch.storage_size", "did you mean 'storageSize'?"),
        id="stack-snake-case-key",
    ),
    pytest.param(
        stack({"podSecurity": "strict"}, "podSecurity", "one of restricted, baseline, privileged"),
        id="stack-unknown-pod-security-level",
    ),
    # --- stack files: wrong types
    pytest.param(
        stack({"elasticsearch": {"nodes": "three"}}, "elasticsearch.nodes", "expected a whole number"),
        id="stack-nodes-not-a-number",
    ),
    pytest.param(
        stack({"elasticsearch": "three nodes"}, "elasticsearch", "expected a mapping"), id="stack-section-not-a-mapping"
    ),
    pytest.param(
        stack({"createNamespace": "maybe"}, "createNamespace", "expected true or false"), id="stack-bool-not-a-bool"
    ),
    pytest.param(
        # YAML reads an unquoted 1.30 as the number 1.3
        stack({"kubernetesVersion": 1.30}, "kubernetesVersion", 'such as "1.33"'),
        id="stack-version-unquoted",
    ),
    pytest.param(
        stack({"tls": {"dnsNames": 5}}, "tls.dnsNames", "expected a list of text values"), id="stack-list-not-a-list"
    ),
    # --- stack files: unknown keys
    pytest.param(stack({"namespce": "search"}, "namespce", "did you mean 'namespace'?"), id="stack-unknown-top-key"),
    pytest.param(
        stack({"elasticsearch": {"nodez": 3}}, "elasticsearch.nodez", "did you mean 'nodes'?"),
        id="stack-unknown-nested-key",
    ),
    pytest.param(
        vault_stack({"files": [{"name": "p", "path": "a", "kyes": ["k"]}]}, "files[0].kyes", "did you mean 'keys'?"),
        id="stack-unknown-key-in-a-list-item",
    ),
    # --- stack files: the cluster
    pytest.param(stack({"namespace": "Search_Dev"}, "namespace", "must be a DNS label"), id="stack-namespace-not-dns"),
    pytest.param(
        stack({"namespace": "kube-system"}, "namespace", "or set createNamespace: false"),
        id="stack-creates-a-built-in-namespace",
    ),
    pytest.param(
        stack({"kubernetesVersion": "1.20"}, "kubernetesVersion", "from 1.25 to 1.37"), id="stack-kubernetes-too-old"
    ),
    pytest.param(
        stack({"elasticsearch": {"nodes": 11}}, "elasticsearch.nodes", "must be 1 to 9"), id="stack-nodes-out-of-range"
    ),
    pytest.param(
        stack({"elasticsearch": {"nodes": 4}}, "elasticsearch.nodes", "use an odd number"), id="stack-even-master-nodes"
    ),
    pytest.param(
        stack({"elasticsearch": {"version": "latest"}}, "elasticsearch.version", "release version X.Y.Z"),
        id="stack-version-latest",
    ),
    pytest.param(
        stack({"elasticsearch": {"version": "7.17.0"}}, "elasticsearch.version", "8.x or 9.x"),
        id="stack-version-unsupported-major",
    ),
    pytest.param(
        stack({"elasticsearch": {"image": "es:8.17.0"}}, "elasticsearch.image", "without tag or digest"),
        id="stack-repository-with-a-tag",
    ),
    pytest.param(
        stack({"elasticsearch": {"memory": "lots"}}, "elasticsearch.memory", "a byte quantity such as"),
        id="stack-memory-not-a-quantity",
    ),
    pytest.param(
        stack({"elasticsearch": {"memory": "256Mi"}}, "elasticsearch.memory", "at least 512Mi"),
        id="stack-memory-too-small",
    ),
    pytest.param(
        stack({"elasticsearch": {"heap": "0"}}, "elasticsearch.heap", "must be more than 0"), id="stack-zero-heap"
    ),
    pytest.param(
        stack({"elasticsearch": {"memory": "1Gi", "heap": "1Gi"}}, "elasticsearch.heap", "above 75%"),
        id="stack-heap-above-memory-limit",
    ),
    pytest.param(
        stack({"tls": {"caOverlap": "previous"}}, "tls.caOverlap", "previous needs caGeneration 2 or more"),
        id="stack-ca-overlap-previous-of-the-first-ca",
    ),
    pytest.param(
        stack({"elasticsearch": {"memory": "900Ti"}}, "elasticsearch.memory", "must be at most 256Gi"),
        id="stack-memory-above-the-sane-bound",
    ),
    pytest.param(
        stack({"elasticsearch": {"memory": "64Gi", "heap": "32Gi"}}, "elasticsearch.heap", "at most 31g"),
        id="stack-heap-above-compressed-oops",
    ),
    pytest.param(
        stack({"rollout": {"delayedTimeout": "5 minutes"}}, "rollout.delayedTimeout", "time value in one unit"),
        id="stack-delayed-timeout-not-a-time-value",
    ),
    pytest.param(
        stack({"elasticsearch": {"cpuLimit": "2 cores"}}, "elasticsearch.cpuLimit", "a CPU quantity"),
        id="stack-cpu-not-a-quantity",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"cpuRequest": "2", "cpuLimit": "1"}},
            "elasticsearch.cpuRequest",
            "must not exceed cpuLimit 1",
        ),
        id="stack-cpu-request-above-limit",
    ),
    pytest.param(
        stack({"elasticsearch": {"workload": "DaemonSet"}}, "elasticsearch.workload", "one of Deployment, StatefulSet"),
        id="stack-unknown-workload",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"nodes": 3, "workload": "Deployment"}}, "elasticsearch.workload", "must be a StatefulSet"
        ),
        id="stack-multi-node-deployment",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"workload": "Deployment", "storageSize": "10Gi"}},
            "elasticsearch.workload",
            "persistent storage needs workload StatefulSet",
        ),
        id="stack-deployment-with-storage",
    ),
    pytest.param(
        stack({"elasticsearch": {"storageClass": "fast-ssd"}}, "elasticsearch.storageClass", "needs storageSize"),
        id="stack-storage-class-without-size",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"terminationGracePeriodSeconds": 5}},
            "elasticsearch.terminationGracePeriodSeconds",
            "30 to 3600",
        ),
        id="stack-grace-period-too-short",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"antiAffinity": "always"}}, "elasticsearch.antiAffinity", "one of preferred, required"
        ),
        id="stack-unknown-anti-affinity",
    ),
    # --- stack files: TLS and certificates
    pytest.param(
        stack({"tls": {"dnsNames": ["Search_Host"]}}, "tls.dnsNames", "is not a DNS name"),
        id="stack-certificate-dns-name-invalid",
    ),
    pytest.param(
        stack({"tls": {"dnsNames": ["a" * 64 + ".example.com"]}}, "tls.dnsNames", "at most 63 characters"),
        id="stack-certificate-dns-label-too-long",
    ),
    pytest.param(
        stack({"tls": {"ipAddresses": ["10.0.0.300"]}}, "tls.ipAddresses", "not an IPv4 or IPv6 address"),
        id="stack-certificate-ip-invalid",
    ),
    pytest.param(
        stack({"tls": {"ipAddresses": ["10.0.0.0/8"]}}, "tls.ipAddresses", "not an IPv4 or IPv6 address"),
        id="stack-certificate-ip-is-a-network",
    ),
    pytest.param(
        stack({"tls": {"image": "nginx:latest"}}, "tls.image", "latest changes under you"), id="stack-image-latest"
    ),
    pytest.param(
        stack({"tls": {"mtls": "on"}}, "tls.mtls", "one of off, optional, required"), id="stack-unknown-mtls-mode"
    ),
    pytest.param(
        stack({"tls": {"clients": ["ingest"]}}, "tls.clients", "need mtls optional or required"),
        id="stack-clients-without-mtls",
    ),
    pytest.param(
        stack(
            {"tls": {"mtls": "required", "clients": ["*.ingest"]}}, "tls.clients", "[0] '*.ingest' must be a DNS label"
        ),
        id="stack-client-name-not-a-label",
    ),
    pytest.param(
        stack({"tls": {"mtls": "required", "clients": ["kibana", "kibana"]}}, "tls.clients", "must be distinct"),
        id="stack-client-twice",
    ),
    pytest.param(
        stack({"tls": {"caValidityHours": 100}}, "tls.caValidityHours", "cannot outlive the CA"),
        id="stack-ca-expires-before-certificate",
    ),
    pytest.param(
        stack({"tls": {"earlyRenewalHours": 5000}}, "tls.earlyRenewalHours", "shorter than validityHours"),
        id="stack-renewal-after-expiry",
    ),
    pytest.param(stack({"tls": {"rsaBits": 1024}}, "tls.rsaBits", "2048 to 4096"), id="stack-rsa-key-too-small"),
    pytest.param(
        stack({"tls": {"ecdsaCurve": "P224"}}, "tls.ecdsaCurve", "one of P256, P384"), id="stack-weak-ecdsa-curve"
    ),
    pytest.param(stack({"tls": {"mode": "tcp"}}, "tls.mode", "one of http, stream"), id="stack-unknown-tls-mode"),
    pytest.param(
        stack({"tls": {"cpuRequest": "2", "cpuLimit": "1"}}, "tls.cpuRequest", "must not exceed cpuLimit 1"),
        id="stack-ambassador-cpu-request-above-limit",
    ),
    pytest.param(
        stack({"tls": {"memory": "lots"}}, "tls.memory", "byte quantity"), id="stack-ambassador-memory-not-a-quantity"
    ),
    # --- stack files: Vault
    pytest.param(
        stack(
            {"vault": {"enabled": True, "address": "https://v:8200", "files": ONE_FILE}},
            "vault.role",
            "is required when enabled",
        ),
        id="stack-vault-without-role",
    ),
    pytest.param(
        stack({"vault": {"enabled": True, "role": "r", "files": ONE_FILE}}, "vault.address", "http(s)://host[:port]"),
        id="stack-vault-without-address",
    ),
    pytest.param(vault_stack({"files": []}, "files", "list at least one file"), id="stack-vault-no-files"),
    pytest.param(vault_stack({"fileMode": "0644"}, "fileMode", "one of 0440, 0400"), id="stack-vault-file-mode-open"),
    pytest.param(
        vault_stack({"files": [{"name": "p", "path": 'a"b', "keys": ["k"]}]}, "files[0].path", "a relative path"),
        id="stack-vault-path-closing-the-template-string",
    ),
    pytest.param(
        vault_stack({"address": "vault.vault.svc:8200"}, "address", "http(s)://host[:port]"),
        id="stack-vault-address-without-scheme",
    ),
    pytest.param(
        vault_stack({"address": "https://vault:99999"}, "address", "not a port from 1 to 65535"),
        id="stack-vault-address-port-out-of-range",
    ),
    pytest.param(
        vault_stack({"address": "https://vault:8200/v1/secret"}, "address", "without a path"),
        id="stack-vault-address-with-a-path",
    ),
    pytest.param(
        vault_stack({"files": [{"name": "p", "path": "/search/p", "keys": ["k"]}]}, "files[0].path", "a relative path"),
        id="stack-vault-path-absolute",
    ),
    pytest.param(
        vault_stack(
            {"files": [{"name": "p", "path": "search/../other", "keys": ["k"]}]}, "files[0].path", "a relative path"
        ),
        id="stack-vault-path-escapes",
    ),
    pytest.param(
        vault_stack(
            {"files": [{"name": "p", "path": "a", "keys": ["api-key"]}]},
            "files[0].keys",
            "keys must be letters, digits and '_'",
        ),
        id="stack-vault-key-not-an-identifier",
    ),
    pytest.param(
        vault_stack(
            {"files": [{"name": "p", "path": "a", "keys": ["a", "b"]}]}, "files", "format value needs exactly one key"
        ),
        id="stack-vault-value-format-two-keys",
    ),
    pytest.param(
        vault_stack({"files": [*ONE_FILE, *ONE_FILE]}, "files", "file name password is used twice"),
        id="stack-vault-file-twice",
    ),
    pytest.param(
        vault_stack({"mountPath": "/vault/../etc"}, "mountPath", "without . or .."), id="stack-vault-mount-path-escapes"
    ),
    pytest.param(
        vault_stack({"tokenExpirationSeconds": 60}, "tokenExpirationSeconds", "600 to 86400"),
        id="stack-vault-token-lifetime-too-short",
    ),
    pytest.param(
        stack(
            {"kubernetesVersion": "1.28", "vault": {**VAULT_ON, "files": ONE_FILE, "renew": True}},
            "vault",
            "needs Kubernetes 1.29 or later",
        ),
        id="stack-vault-renewal-on-old-kubernetes",
    ),
    # --- stack files: logs, sysctl, metrics
    pytest.param(
        stack({"logs": {"files": ["../etc/passwd"]}}, "logs.files", "is not a file name"),
        id="stack-log-file-with-a-path",
    ),
    pytest.param(
        stack({"logs": {"files": ["gc.log", "gc-log"]}}, "logs.files", "give duplicate container names"),
        id="stack-log-files-same-container-name",
    ),
    pytest.param(
        stack(
            {"kubernetesVersion": "1.28", "logs": {"enabled": True, "mode": "native"}},
            "logs",
            "mode native needs kubernetesVersion 1.29",
        ),
        id="stack-native-sidecar-on-old-kubernetes",
    ),
    pytest.param(
        stack({"logs": {"image": "busybox"}}, "logs.image", "pinned to a version tag or digest"),
        id="stack-image-unpinned",
    ),
    pytest.param(
        stack({"logs": {"sizeLimit": "0"}}, "logs.sizeLimit", "must be more than 0"), id="stack-zero-size-limit"
    ),
    pytest.param(
        stack({"sysctl": {"mode": "privileged"}}, "sysctl.mode", "one of none, init, node"),
        id="stack-unknown-sysctl-mode",
    ),
    pytest.param(
        stack({"sysctl": {"image": "busybox@sha256:abc"}}, "sysctl.image", "@sha256:<64 hex digits>"),
        id="stack-image-malformed-digest",
    ),
    pytest.param(
        stack({"metrics": {"prometheusRule": True}}, "metrics.prometheusRule", "needs podMonitor"),
        id="stack-alerts-without-pod-monitor",
    ),
    pytest.param(
        stack(
            {"metrics": {"clusterCollectors": ["indices", "nodes"]}},
            "metrics.clusterCollectors",
            "distinct values among indices",
        ),
        id="stack-unknown-collector",
    ),
    pytest.param(
        stack({"metrics": {"yellowFor": "half an hour"}}, "metrics.yellowFor", "a Prometheus duration"),
        id="stack-bad-duration",
    ),
    pytest.param(
        stack({"metrics": {"heapPercent": 100}}, "metrics.heapPercent", "50 to 99"), id="stack-percent-out-of-range"
    ),
    pytest.param(
        stack({"metrics": {"usernameKey": "user name"}}, "metrics.usernameKey", "must be a Secret key"),
        id="stack-secret-key-with-a-space",
    ),
    # elasticsearch.config and keystore names: refused as the pinned Elasticsearch would refuse them.
    pytest.param(
        stack(
            {"elasticsearch": {"config": {"indices.memory.index_bufer_size": "20%"}}},
            "elasticsearch.config.indices.memory.index_bufer_size",
            "registers no such setting (a node refuses to start on an unknown setting); did you mean "
            "'indices.memory.index_buffer_size'? allowed: the settings Elasticsearch 8.19.21 registers",
        ),
        id="stack-elasticsearch-config-unknown-setting",
    ),
    pytest.param(
        together(
            stack(
                {"elasticsearch": {"config": {"cluster.name": "other", "xpack": {"security": {"enabled": True}}}}},
                "elasticsearch.config.cluster.name",
                "is written by pod-patterns itself, from elasticsearch.name",
            ),
            ("pod-patterns:elasticsearch.config.xpack.security.enabled", "from security.enabled"),
        ),
        id="stack-elasticsearch-config-library-settings",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"config": {"xpack.security.transport.ssl.verification_mode": "none"}}},
            "elasticsearch.config.xpack.security.transport.ssl.verification_mode",
            "is written by pod-patterns itself, from security.enabled (transport TLS",
        ),
        id="stack-elasticsearch-config-library-family",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"config": {"s3.client.default.access_key": "AKIA"}}},
            "elasticsearch.config.s3.client.default.access_key",
            "is a secure setting (s3.client.*.access_key): Elasticsearch reads it only from the keystore",
        ),
        id="stack-elasticsearch-config-secure-setting",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"config": {"index.number_of_replicas": 2}}},
            "elasticsearch.config.index.number_of_replicas",
            "is an index setting",
        ),
        id="stack-elasticsearch-config-index-setting",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"config": {"indices.query.bool.max_clause_count": 4096}}},
            "elasticsearch.config.indices.query.bool.max_clause_count",
            "is deprecated in Elasticsearch 8.19.21",
        ),
        id="stack-elasticsearch-config-deprecated-setting",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"config": ["xpack.ml.enabled"]}},
            "elasticsearch.config",
            "expected a mapping of keys to values",
        ),
        id="stack-elasticsearch-config-not-a-mapping",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"keystore": [{"name": "s3.client.default.acess_key", "file": "s3-key"}]}},
            "elasticsearch.keystore[0].name",
            "registers no such secure setting (a node refuses to start on an unknown secure setting); did you mean "
            "'s3.client.*.access_key'?",
        ),
        id="stack-elasticsearch-keystore-unknown-name",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"keystore": [{"name": "xpack.ml.enabled", "file": "ml"}]}},
            "elasticsearch.keystore[0].name",
            "is not a secure setting (xpack.ml.enabled): Elasticsearch refuses it in the keystore",
        ),
        id="stack-elasticsearch-keystore-plain-setting",
    ),
    pytest.param(
        stack(
            {"elasticsearch": {"keystore": [{"name": "keystore.seed", "file": "seed"}]}},
            "elasticsearch.keystore[0].name",
            "is written by pod-patterns itself, from elasticsearch-keystore create",
        ),
        id="stack-elasticsearch-keystore-seed",
    ),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_the_catalogue_is_big_enough() -> None:
    ids = [param.id for param in CATALOGUE]
    assert len(set(ids)) == len(ids) >= 88


@pytest.mark.parametrize("case", CATALOGUE)
def test_bad_input_is_refused_by_name_before_anything_is_registered(case: Case, project: Path) -> None:
    assert_refused(case, project)


def test_a_valid_stack_file_registers(project: Path) -> None:
    recording = Recording("catalogue")
    stack({"namespace": "search", "vault": {**VAULT_ON, "files": ONE_FILE}}, "", "").run(recording, project)
    assert len(recording.registrations) > 10
