"""The catalogue of bad inputs: each is refused with an error naming where it came from, the key and what
is allowed, before any resource is registered.

Two surfaces. Stack files: the project's program runs under mocks on `stacks/Pulumi.catalogue.yaml`
(written per case into a copy of the project), as `pulumi preview` would. Component arguments: each
component is constructed under mocks with the arguments as given. The recording keeps every registration
even when the program raises; the root stack is not recorded, so "nothing registered" is an empty list.
A conflict between pod contributions names the contribution, the claimed name or port, and the fix.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from podpatterns import (
    ElasticsearchApp,
    LogTailSidecar,
    PodBuilder,
    PodConflictError,
    PodContribution,
    PodSecurityError,
    PrometheusAdapter,
    SettingsError,
    SysctlInit,
    TlsAmbassador,
    VaultSecretsInit,
    WorkloadTarget,
)
from podpatterns.kube import restricted_security_context
from podpatterns.render import Recording, run_offline, run_with_mocks

from ..conftest import PROJECT_DIR
from ..support.workload_targets import workload_target

STACK_FILE = "stacks/Pulumi.catalogue.yaml"


@dataclass(frozen=True)
class Case:
    """One bad input: how to run it, and what its error must name."""

    run: Callable[[Recording, Path], object]
    origin: str
    key: str
    allowed: str
    more: tuple[tuple[str, str], ...] = ()
    """Further (key, allowed) problems the same error must list: reported together, not one after the other."""


def stack(config: Mapping[str, Any], key: str, allowed: str) -> Case:
    """A stack file with `config` (keys without the project prefix)."""

    def run(recording: Recording, project: Path) -> object:
        document = {"config": {f"pod-patterns:{k}": v for k, v in config.items()}}
        (project / STACK_FILE).write_text(yaml.safe_dump(document))
        return run_offline(project, "catalogue", recording)

    return Case(run, STACK_FILE, f"pod-patterns:{key}", allowed)


def raw_stack(config: Mapping[str, Any], key: str, allowed: str) -> Case:
    """A stack file with `config` as written (full keys, namespace included)."""

    def run(recording: Recording, project: Path) -> object:
        (project / STACK_FILE).write_text(yaml.safe_dump({"config": dict(config)}))
        return run_offline(project, "catalogue", recording)

    return Case(run, STACK_FILE, key, allowed)


def together(case: Case, *more: tuple[str, str]) -> Case:
    return Case(case.run, case.origin, case.key, case.allowed, more)


Component = Callable[[str, Any], pulumi.ComponentResource]


def arguments(component: Component, name: str, args: Mapping[str, Any], key: str, allowed: str) -> Case:
    def run(recording: Recording, _: Path) -> object:
        return run_with_mocks(lambda: component(name, args) and None, project="t", stack="c", recording=recording)

    return Case(run, f"{component.__name__} '{name}' arguments", key, allowed)  # type: ignore[attr-defined]


def conflict(args: Mapping[str, Any], source: str, claimed: str, fix: str) -> Case:
    """ElasticsearchApp with a contribution that clashes with its pod: the error names both parties."""
    case = arguments(ElasticsearchApp, "search", args, claimed, fix)
    return Case(case.run, source, claimed, fix)


WEB = workload_target("web")
VALID: dict[Component, dict[str, Any]] = {
    ElasticsearchApp: {"namespace": "search"},
    TlsAmbassador: {"target": WEB, "upstream_port": 8081},
    PrometheusAdapter: {
        "target": WEB,
        "image": "nginx/nginx-prometheus-exporter:1.4.0",
        "port": 9113,
        "health_path": "/",
    },
    LogTailSidecar: {"target": WEB, "volume": "logs", "directory": "/var/log/web", "files": ["access.log"]},
    SysctlInit: {"target": WEB, "sysctls": ["vm.max_map_count=262144"]},
    VaultSecretsInit: {
        "target": WEB,
        "address": "https://vault.vault.svc:8200",
        "ca_config_map": "vault-ca",
        "role": "web",
        "files": [{"name": "db.json", "path": "shop/web/db", "keys": ["user"], "format": "json"}],
    },
}
NAMES = {
    ElasticsearchApp: "search",
    TlsAmbassador: "web-tls",
    PrometheusAdapter: "web-metrics",
    LogTailSidecar: "web-logs",
    SysctlInit: "web-sysctl",
    VaultSecretsInit: "web-secrets",
}


def bad(component: Component, change: Mapping[str, Any], key: str, allowed: str) -> Case:
    """The component's valid arguments with `change` (a value of None removes the argument)."""
    args = {k: v for k, v in {**VALID[component], **change}.items() if v is not None}
    return arguments(component, NAMES[component], args, key, allowed)


def target(change: Mapping[str, Any], key: str, allowed: str) -> Case:
    """A WorkloadTarget built with `change` to WEB's fields: refused where it is built, naming the field."""

    def run(recording: Recording, _: Path) -> object:
        fields = {**WEB.__dict__, **change}
        return run_with_mocks(
            lambda: TlsAmbassador("web-tls", {"target": WorkloadTarget(**fields), "upstream_port": 8081}) and None,
            project="t",
            stack="c",
            recording=recording,
        )

    return Case(run, "WorkloadTarget", key, allowed)


def composed(app: PodContribution, origin: str, key: str, allowed: str) -> Case:
    """WEB's pod composed with a PodBuilder from `app` and the TLS ambassador and a log tailer."""

    def program() -> None:
        builder = PodBuilder(WEB, app)
        builder.add(TlsAmbassador, "web-tls", VALID[TlsAmbassador])
        builder.add(LogTailSidecar, "web-logs", VALID[LogTailSidecar])
        builder.build()

    def run(recording: Recording, _: Path) -> object:
        return run_with_mocks(program, project="t", stack="c", recording=recording)

    return Case(run, origin, key, allowed)


def web_app(**container: Any) -> PodContribution:
    """WEB's own container, restricted unless `container` says otherwise."""
    main = {"name": "web", "image": "web:1.0", "securityContext": restricted_security_context(1000), **container}
    return PodContribution(source="web application", containers=[main], volumes=[{"name": "logs", "emptyDir": {}}])


DEBUG_SHELL = {"name": "debug", "image": "busybox:1.36.1", "command": ["sleep", "infinity"]}
"""The README's debug container before it had a securityContext."""


VAULT_ON = {"enabled": True, "address": "https://vault.vault.svc:8200", "caConfigMap": "vault-ca", "role": "search"}
VAULT_ARGS = {"enabled": True, "address": "https://vault.vault.svc:8200", "ca_config_map": "vault-ca", "role": "search"}
ONE_FILE = [{"name": "password", "path": "search/elastic", "keys": ["password"]}]


def vault_stack(change: Mapping[str, Any], key: str, allowed: str, **config: Any) -> Case:
    return stack({"vault": {**VAULT_ON, "files": ONE_FILE, **change}, **config}, f"vault.{key}", allowed)


def squatter(**parts: Any) -> PodContribution:
    return PodContribution(source="Team 'squatter'", **parts)


def listener(port: int) -> PodContribution:
    """A squatter's container listening on `port`."""
    return squatter(containers=[{"name": "x", "image": "x:1", "ports": [{"containerPort": port}]}])


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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project whose stack `catalogue` each case writes."""
    (tmp_path / "stacks").mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    return tmp_path


def test_the_catalogue_is_big_enough() -> None:
    ids = [param.id for param in CATALOGUE]
    assert len(set(ids)) == len(ids) >= 165
    assert sum(1 for i in ids if i and i.startswith("stack-")) >= 75


@pytest.mark.parametrize("case", CATALOGUE)
def test_bad_input_is_refused_by_name_before_anything_is_registered(case: Case, project: Path) -> None:
    recording = Recording("catalogue")
    with pytest.raises((SettingsError, PodConflictError, PodSecurityError)) as caught:
        case.run(recording, project)
    message = str(caught.value)
    if isinstance(caught.value, SettingsError):
        for key, allowed in ((case.key, case.allowed), *case.more):
            lines = [line for line in message.splitlines() if line.startswith(f"{case.origin}: {key}: ")]
            assert lines, f"no line starts with '{case.origin}: {key}: ' in:\n{message}"
            assert any(allowed in line for line in lines), message
    else:
        assert case.origin in message, message
        assert case.key in message, message
        assert case.allowed in message, message
    assert recording.registrations == []


@pytest.mark.parametrize("component", list(VALID), ids=lambda c: c.__name__)
def test_the_valid_arguments_register(component: Component) -> None:
    # The control: each bad case differs from arguments that do register, seen by the same recording.
    recording = Recording("catalogue")
    bad(component, {}, "", "").run(recording, Path())
    assert recording.registrations[0].type == f"podpatterns:index:{component.__name__}"  # type: ignore[attr-defined]


def test_a_valid_stack_file_registers(project: Path) -> None:
    recording = Recording("catalogue")
    stack({"namespace": "search", "vault": {**VAULT_ON, "files": ONE_FILE}}, "", "").run(recording, project)
    assert len(recording.registrations) > 10
