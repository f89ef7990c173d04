"""Bad component arguments, bad WorkloadTargets and pods that cannot be: each is refused with an error naming
the component, the argument and what is allowed, before any resource is registered. A pod's contributions that
clash (a port, a container or volume name, a mount path), or a pod below its namespace's Pod Security level, are
refused naming both parties and the fix (the machinery: tests/lib/bad_inputs.py).
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest
from podpatterns import (
    ElasticsearchApp,
    LogTailSidecar,
    PodContribution,
    PrometheusAdapter,
    SysctlInit,
    TlsAmbassador,
    VaultSecretsInit,
)
from podpatterns.render import Recording

from ..lib.bad_inputs import (
    DEBUG_SHELL,
    ONE_FILE,
    VALID,
    VAULT_ARGS,
    WEB,
    Case,
    Component,
    arguments,
    assert_refused,
    bad,
    composed,
    conflict,
    listener,
    squatter,
    target,
    together,
    web_app,
)

CATALOGUE = [
    # --- component arguments: nothing ignored silently
    pytest.param(
        bad(
            TlsAmbassador,
            {"upstreamPort": 8081, "upstream_port": None},
            "upstreamPort",
            "did you mean 'upstream_port'?",
        ),
        id="tls-camel-case-argument",
    ),
    pytest.param(
        bad(PrometheusAdapter, {"healthPath": "/"}, "healthPath", "did you mean 'health_path'?"),
        id="adapter-camel-case-argument",
    ),
    pytest.param(
        bad(LogTailSidecar, {"runAsUser": 101}, "runAsUser", "did you mean 'run_as_user'?"),
        id="logs-camel-case-argument",
    ),
    pytest.param(
        arguments(
            ElasticsearchApp,
            "search",
            {"createNamespace": False},
            "createNamespace",
            "did you mean 'create_namespace'?",
        ),
        id="app-camel-case-argument",
    ),
    pytest.param(
        arguments(
            ElasticsearchApp,
            "search",
            {"tls": {"enabled": False, "mtls": "required"}},
            "tls.mtls",
            "contradicts enabled false",
        ),
        id="app-tls-off-with-mtls-required",
    ),
    pytest.param(
        together(
            bad(TlsAmbassador, {"dns_names": ["A", "ok.example", "b_c"]}, "dns_names", "[0] 'A' is not a DNS name"),
            ("dns_names", "[2] 'b_c' is not a DNS name"),
        ),
        id="tls-every-bad-dns-name",
    ),
    pytest.param(
        together(
            bad(TlsAmbassador, {"upstream_port": 8080, "mode": "udp"}, "upstream_port", "the ambassador's own port"),
            ("mode", "must be one of http, stream"),
        ),
        id="tls-component-argument-beside-setting-problem",
    ),
    pytest.param(
        bad(TlsAmbassador, {"app_readiness": "yes"}, "app_readiness", "expected true or false"),
        id="tls-app-readiness-not-a-bool",
    ),
    # --- generic patterns: no Elasticsearch defaults
    pytest.param(bad(PrometheusAdapter, {"image": None}, "image", "is required"), id="adapter-no-image"),
    pytest.param(bad(PrometheusAdapter, {"port": None}, "port", "is required"), id="adapter-no-port"),
    pytest.param(
        bad(PrometheusAdapter, {"health_path": None}, "health_path", "is required"), id="adapter-no-health-path"
    ),
    pytest.param(
        bad(PrometheusAdapter, {"preset": "nginx"}, "preset", "must be one of elasticsearch"),
        id="adapter-unknown-preset",
    ),
    pytest.param(
        together(
            bad(PrometheusAdapter, {"preset": "nginx", "port": 8080}, "preset", "must be one of elasticsearch"),
            ("port", "the application's own port"),
        ),
        id="adapter-every-problem-at-once",
    ),
    pytest.param(
        bad(PrometheusAdapter, {"args": ["--web.listen-address=:9999"]}, "args", "listen on ':9999'"),
        id="adapter-listen-address-disagrees-with-port",
    ),
    pytest.param(
        bad(PrometheusAdapter, {"args": ["--web.listen-address", "0.0.0.0:9999"]}, "args", "but port is 9113"),
        id="adapter-listen-address-as-two-arguments",
    ),
    # --- whole pods: checked before any pattern registers
    pytest.param(
        composed(
            web_app(ports=[{"containerPort": 8080}]),
            "TlsAmbassador 'web-tls'",
            "port 8080/TCP is claimed by container 'web' (from web application)",
            "move one of them to another port",
        ),
        id="builder-app-port-taken-by-the-ambassador",
    ),
    pytest.param(
        composed(
            web_app(volumeMounts=[{"name": "logs", "mountPath": "/tmp"}, {"name": "logs", "mountPath": "/tmp"}]),
            "web application",
            "mount path /tmp",
            "two volumes cannot be mounted at one path",
        ),
        id="builder-two-mounts-at-one-path",
    ),
    pytest.param(
        composed(
            PodContribution(source="web", containers=[*web_app().containers, DEBUG_SHELL], volumes=web_app().volumes),
            "workload shop/web breaks Pod Security 'restricted'",
            "container debug: Privilege Escalation",
            "allowPrivilegeEscalation is not false",
        ),
        id="builder-pod-security-restricted",
    ),
    pytest.param(
        composed(
            web_app(securityContext={"privileged": True}),
            "workload shop/web",
            "container web: Privileged Containers",
            "privileged: true",
        ),
        id="builder-privileged-app",
    ),
    pytest.param(
        conflict(
            {"contributions": [PodContribution(source="my-team debug", containers=[DEBUG_SHELL])]},
            "(ElasticsearchApp 'search') breaks Pod Security 'restricted'",
            "container debug: Capabilities (restricted)",
            "does not drop ALL",
        ),
        id="app-readme-debug-shell-without-security-context",
    ),
    pytest.param(
        conflict(
            {"elasticsearch": {"name": "es"}, "contributions": [listener(9300)]},
            "ElasticsearchApp 'search'",  # its Pulumi name, not the cluster's (es)
            "port 9300/TCP",
            "Team 'squatter'",
        ),
        id="app-conflict-names-the-component",
    ),
    pytest.param(
        arguments(ElasticsearchApp, "search", {"pod_security": "strict"}, "pod_security", "one of restricted"),
        id="app-unknown-pod-security-level",
    ),
    # --- WorkloadTarget, checked where it is built
    pytest.param(target({"name": "Storefront_App"}, "name", "must be a DNS label"), id="target-name-not-dns"),
    pytest.param(target({"namespace": ""}, "namespace", "must be a DNS label"), id="target-namespace-empty"),
    pytest.param(target({"app_port": 70000}, "app_port", "an int from 1 to 65535"), id="target-port-out-of-range"),
    pytest.param(target({"app_port": "8080"}, "app_port", "an int from 1 to 65535"), id="target-port-as-text"),
    pytest.param(
        target({"labels": {"app": "web shop"}}, "labels", "label value 'web shop' (key 'app') is not allowed"),
        id="target-label-value-with-a-space",
    ),
    pytest.param(
        target({"labels": {"-app": "web"}}, "labels", "label key '-app' is not allowed"), id="target-label-key-bad"
    ),
    pytest.param(target({"labels": {}}, "labels", "non-empty mapping"), id="target-no-selector-labels"),
    pytest.param(
        target({"service_name": "9web"}, "service_name", "DNS-1035 label"), id="target-service-name-starts-with-digit"
    ),
    pytest.param(
        target({"service_name": pulumi.Output.from_input("web")}, "service_name", "which only namespace can be"),
        id="target-service-name-output",
    ),
    pytest.param(target({"replicas": 0}, "replicas", "at least 1"), id="target-no-replicas"),
    pytest.param(
        bad(TlsAmbassador, {"target": {**WEB.__dict__, "name": "Web"}}, "target.name", "must be a DNS label"),
        id="target-mapping-name-not-dns",
    ),
    # --- ElasticsearchApp arguments
    pytest.param(
        bad(ElasticsearchApp, {"elasticsearch": {"nodes": 2}}, "elasticsearch.nodes", "use an odd number"),
        id="app-even-master-nodes",
    ),
    pytest.param(
        bad(
            ElasticsearchApp,
            {"elasticsearch": {"storage_sise": "1Gi"}},
            "elasticsearch.storage_sise",
            "did you mean 'storage_size'?",
        ),
        id="app-unknown-argument",
    ),
    pytest.param(
        bad(ElasticsearchApp, {"elasticsearch": {"nodes": 3.5}}, "elasticsearch.nodes", "expected a whole number"),
        id="app-fractional-number",
    ),
    pytest.param(
        bad(
            ElasticsearchApp,
            {"vault": {"enabled": True, "address": "https://v:8200"}},
            "vault.role",
            "is required when enabled",
        ),
        id="app-vault-without-role",
    ),
    pytest.param(
        bad(ElasticsearchApp, {"namespace": "default"}, "namespace", "exists in every cluster"),
        id="app-creates-a-built-in-namespace",
    ),
    pytest.param(
        conflict(
            {"contributions": [squatter(containers=[{"name": "elasticsearch", "image": "x:1"}])]},
            "Team 'squatter'",
            "container name 'elasticsearch'",
            "rename one",
        ),
        id="app-container-name-conflict",
    ),
    pytest.param(
        conflict(
            {
                "metrics": {"enabled": True},
                "contributions": [listener(9114)],
            },
            "Team 'squatter'",
            "port 9114/TCP",
            "move one of them to another port",
        ),
        id="app-port-conflict-with-the-exporter",
    ),
    pytest.param(
        conflict(
            {"contributions": [listener(9201)]},
            "Team 'squatter'",
            "port 9201/TCP",
            "share one network namespace",
        ),
        id="app-port-conflict-with-loopback-elasticsearch",
    ),
    pytest.param(
        conflict(
            {"contributions": [squatter(volumes=[{"name": "config", "emptyDir": {}}])]},
            "Team 'squatter'",
            "volume name 'config'",
            "rename one of the volumes",
        ),
        id="app-volume-name-conflict",
    ),
    pytest.param(
        conflict(
            {
                "vault": {**VAULT_ARGS, "files": ONE_FILE},
                "contributions": [squatter(init_containers=[{"name": "vault-agent-init", "image": "x:1"}])],
            },
            "Team 'squatter'",
            "container name 'vault-agent-init'",
            "names must be unique across containers and init containers",
        ),
        id="app-init-container-name-conflict",
    ),
    pytest.param(
        bad(ElasticsearchApp, {"kubernetes_version": 1.33}, "kubernetes_version", 'quote it in YAML, e.g. "1.33"'),
        id="app-version-as-a-number",
    ),
    # --- TlsAmbassador arguments
    pytest.param(bad(TlsAmbassador, {"target": None}, "target", "is required: a WorkloadTarget"), id="tls-no-target"),
    pytest.param(
        bad(TlsAmbassador, {"upstream_port": 8080}, "upstream_port", "the ambassador's own port"),
        id="tls-upstream-port-is-the-tls-port",
    ),
    pytest.param(
        bad(TlsAmbassador, {"upstream_port": 70000}, "upstream_port", "a port from 1 to 65535"),
        id="tls-upstream-port-out-of-range",
    ),
    pytest.param(
        bad(TlsAmbassador, {"upstream_port": "8081"}, "upstream_port", "a port from 1 to 65535"),
        id="tls-upstream-port-as-text",
    ),
    pytest.param(
        bad(TlsAmbassador, {"health_path": "healthz"}, "health_path", "an absolute URL path"),
        id="tls-relative-health-path",
    ),
    pytest.param(
        bad(TlsAmbassador, {"ip_addresses": ["fe80::zz"]}, "ip_addresses", "not an IPv4 or IPv6 address"),
        id="tls-certificate-ipv6-invalid",
    ),
    pytest.param(
        bad(TlsAmbassador, {"dns_name": ["web.example.com"]}, "dns_name", "did you mean 'dns_names'?"),
        id="tls-unknown-argument",
    ),
    pytest.param(
        bad(TlsAmbassador, {"validity_hours": 10}, "validity_hours", "24 to 8760"), id="tls-validity-too-short"
    ),
    # --- PrometheusAdapter arguments
    pytest.param(
        bad(PrometheusAdapter, {"port": 8080}, "port", "the application's own port"), id="adapter-port-is-the-app-port"
    ),
    pytest.param(
        bad(PrometheusAdapter, {"target": None}, "target", "is required: a WorkloadTarget"), id="adapter-no-target"
    ),
    pytest.param(bad(PrometheusAdapter, {"port": 80}, "port", "1024 to 65535"), id="adapter-privileged-port"),
    pytest.param(
        bad(
            PrometheusAdapter, {"image": "nginx/nginx-prometheus-exporter:latest"}, "image", "latest changes under you"
        ),
        id="adapter-image-latest",
    ),
    pytest.param(
        bad(PrometheusAdapter, {"credentials_env": ["USER=user"]}, "credentials_env", "needs credentials_secret"),
        id="adapter-credentials-without-secret",
    ),
    pytest.param(
        bad(
            PrometheusAdapter,
            {"credentials_secret": "s", "credentials_env": ["user name=x"]},
            "credentials_env",
            "must be ENV_NAME=secret-key",
        ),
        id="adapter-malformed-env-mapping",
    ),
    pytest.param(
        bad(
            PrometheusAdapter, {"ca_volume": "tls-ca", "cluster_args": ["--x"]}, "ca_secret", "needs the CA as a Secret"
        ),
        id="adapter-cluster-exporter-without-ca",
    ),
    pytest.param(
        bad(PrometheusAdapter, {"rule_groups": [{"rules": []}]}, "rule_groups", "each with a name and a list of rules"),
        id="adapter-malformed-rule-group",
    ),
    pytest.param(
        bad(PrometheusAdapter, {"cpu_request": "1", "cpu_limit": "100m"}, "cpu_request", "must not exceed"),
        id="adapter-cpu-request-above-limit",
    ),
    pytest.param(
        bad(PrometheusAdapter, {"metrics_path": "metrics"}, "metrics_path", "must be an absolute path"),
        id="adapter-relative-metrics-path",
    ),
    # --- LogTailSidecar arguments
    pytest.param(
        bad(LogTailSidecar, {"directory": "logs"}, "directory", "must be an absolute path"),
        id="logs-relative-directory",
    ),
    pytest.param(
        bad(LogTailSidecar, {"directory": "/var/log/../../etc"}, "directory", "without . or .."),
        id="logs-directory-escapes",
    ),
    pytest.param(bad(LogTailSidecar, {"files": []}, "files", "is required"), id="logs-no-files"),
    pytest.param(bad(LogTailSidecar, {"volume": None}, "volume", "is required"), id="logs-no-volume"),
    pytest.param(bad(LogTailSidecar, {"target": None}, "target", "is required: a WorkloadTarget"), id="logs-no-target"),
    pytest.param(
        bad(LogTailSidecar, {"files": ["a" * 60 + ".log"]}, "files", "must fit 63 characters"),
        id="logs-file-name-too-long-for-a-container",
    ),
    pytest.param(
        bad(
            LogTailSidecar,
            {"mode": "native", "kubernetes_version": "1.28"},
            "mode",
            "native sidecars need Kubernetes 1.29",
        ),
        id="logs-native-on-old-kubernetes",
    ),
    pytest.param(bad(LogTailSidecar, {"volume": "Logs"}, "volume", "must be a DNS label"), id="logs-volume-not-dns"),
    pytest.param(bad(LogTailSidecar, {"run_as_user": 0}, "run_as_user", "1 to 2147483647"), id="logs-as-root"),
    # --- SysctlInit arguments
    pytest.param(
        bad(SysctlInit, {"sysctls": ["kernel.msgmax=65536"]}, "sysctls", "neither a safe namespaced"),
        id="sysctl-unknown",
    ),
    pytest.param(
        bad(SysctlInit, {"sysctls": ["net.core.somaxconn=1024"]}, "sysctls", "--allowed-unsafe-sysctls"),
        id="sysctl-unsafe",
    ),
    pytest.param(
        bad(SysctlInit, {"sysctls": ["vm.max_map_count"]}, "sysctls", "is not name=value"), id="sysctl-without-value"
    ),
    pytest.param(
        bad(SysctlInit, {"sysctls": ["VM.Max=1"]}, "sysctls", "is not name=value"), id="sysctl-name-uppercase"
    ),
    pytest.param(
        bad(SysctlInit, {"sysctls": ["fs.mqueue.msg_max=100"]}, "sysctls", "neither a safe namespaced"),
        id="sysctl-ipc-namespaced-under-fs",
    ),
    pytest.param(
        bad(SysctlInit, {"sysctls": ["vm.max_map_count=lots"]}, "sysctls", "one whole number"),
        id="sysctl-value-not-a-number",
    ),
    pytest.param(
        bad(
            SysctlInit,
            {"sysctls": ["net.ipv4.tcp_keepalive_time=600"], "kubernetes_version": "1.28"},
            "sysctls",
            "safe sysctl from Kubernetes 1.29, newer than 1.28",
        ),
        id="sysctl-too-new",
    ),
    pytest.param(
        bad(SysctlInit, {"sysctls": ["vm.swappiness=1", "vm.swappiness=2"]}, "sysctls", "sets a sysctl twice"),
        id="sysctl-twice",
    ),
    pytest.param(bad(SysctlInit, {"sysctls": []}, "sysctls", "is required"), id="sysctl-none"),
    # --- VaultSecretsInit arguments
    pytest.param(
        bad(VaultSecretsInit, {"target": None}, "target", "is required: a WorkloadTarget"), id="vault-no-target"
    ),
    pytest.param(bad(VaultSecretsInit, {"role": None}, "role", "is required when enabled"), id="vault-no-role"),
    pytest.param(
        bad(VaultSecretsInit, {"adress": "https://v:8200"}, "adress", "did you mean 'address'?"),
        id="vault-unknown-argument",
    ),
    pytest.param(
        bad(VaultSecretsInit, {"renew": True, "kubernetes_version": "1.28"}, "renew", "needs Kubernetes 1.29 or later"),
        id="vault-renewal-on-old-kubernetes",
    ),
    pytest.param(
        bad(VaultSecretsInit, {"kubernetes_version": "1.2"}, "kubernetes_version", "from 1.25 to 1.37"),
        id="vault-kubernetes-version-malformed",
    ),
    pytest.param(bad(VaultSecretsInit, {"files": []}, "files", "list at least one file"), id="vault-no-files"),
    pytest.param(
        bad(VaultSecretsInit, {"auth_mount": "auth//kubernetes"}, "auth_mount", "a relative path"),
        id="vault-auth-mount-malformed",
    ),
    pytest.param(
        bad(VaultSecretsInit, {"mount_into": ["Exporter"]}, "mount_into", "must be a DNS label"),
        id="vault-container-name-not-dns",
    ),
    # elasticsearch.config and keystore names, as arguments.
    pytest.param(
        bad(
            ElasticsearchApp,
            {"elasticsearch": {"config": {"xpack.ml.enabeld": False}}},
            "elasticsearch.config.xpack.ml.enabeld",
            "did you mean 'xpack.ml.enabled'?",
        ),
        id="es-config-unknown-setting",
    ),
    pytest.param(
        bad(
            ElasticsearchApp,
            {"elasticsearch": {"keystore": [{"name": "gcs.client.default.credential_file", "file": "gcs"}]}},
            "elasticsearch.keystore[0].name",
            "did you mean 'gcs.client.*.credentials_file'?",
        ),
        id="es-keystore-unknown-name",
    ),
]


def test_the_catalogue_is_big_enough() -> None:
    ids = [param.id for param in CATALOGUE]
    assert len(set(ids)) == len(ids) >= 88


@pytest.mark.parametrize("case", CATALOGUE)
def test_bad_input_is_refused_by_name_before_anything_is_registered(case: Case) -> None:
    assert_refused(case, Path())


@pytest.mark.parametrize("component", list(VALID), ids=lambda c: c.__name__)
def test_the_valid_arguments_register(component: Component) -> None:
    # The control: each bad case differs from arguments that do register, seen by the same recording.
    recording = Recording("catalogue")
    bad(component, {}, "", "").run(recording, Path())
    assert recording.registrations[0].type == f"podpatterns:index:{component.__name__}"  # type: ignore[attr-defined]
