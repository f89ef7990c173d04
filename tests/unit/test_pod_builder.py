"""PodBuilder: the whole pod is merged and checked against Pod Security before any pattern registers a resource."""

from __future__ import annotations

import dataclasses
from typing import Any

import podpatterns.package
import pulumi
import pulumi_kubernetes as k8s
import pytest
from podpatterns import (
    LogTailSidecar,
    PodBuilder,
    PodConflictError,
    PodContribution,
    PodSecurityError,
    SettingsError,
    TlsAmbassador,
    merge_pod,
)
from podpatterns.kube import restricted_security_context
from podpatterns.pod.contribution_data import contribution_data
from podpatterns.render import Recording, run_with_mocks

from ..lib.support.workload_targets import workload_target

STOREFRONT = workload_target("storefront", app_container="httpd", app_port=8443)
TLS_ARGS = {"target": STOREFRONT, "upstream_port": 8080}
EXPORTER_ARGS = {"image": "nginx/nginx-prometheus-exporter:1.1.0", "port": 9113, "health_path": "/"}
LOG_ARGS = {"target": STOREFRONT, "volume": "logs", "directory": "/usr/local/apache2/logs", "files": ["access_log"]}


def httpd(**container: Any) -> PodContribution:
    return PodContribution(
        source="storefront application",
        containers=[
            {
                "name": "httpd",
                "image": "docker.io/library/httpd:2.4.62",
                "securityContext": restricted_security_context(33),
                **container,
            }
        ],
        volumes=[{"name": "logs", "emptyDir": {}}],
    )


def run(program: Any) -> tuple[Recording, BaseException | None]:
    recording = Recording("builder")
    try:
        run_with_mocks(program, project="shop", stack="dev", recording=recording)
    except (PodConflictError, PodSecurityError) as error:
        return recording, error
    return recording, None


def compose(app: PodContribution, **builder: Any) -> Any:
    def program() -> None:
        pod = PodBuilder(STOREFRONT, app, **builder)
        pod.add(TlsAmbassador, "storefront-tls", TLS_ARGS)
        pod.add(LogTailSidecar, "storefront-logs", LOG_ARGS)
        pod.build()

    return program


def test_a_port_conflict_registers_nothing() -> None:
    recording, error = run(compose(httpd(ports=[{"containerPort": 8443}])))
    assert isinstance(error, PodConflictError)
    assert "port 8443/TCP is claimed by container 'httpd' (from storefront application)" in str(error)
    assert "container 'tls-ambassador' (from TlsAmbassador 'storefront-tls')" in str(error)
    assert len(recording.registrations) == 0


def test_without_the_builder_the_same_conflict_comes_after_the_ambassador_registered() -> None:
    # Why the builder exists: a pattern constructed alone registers at once.
    def program() -> None:
        tls = TlsAmbassador("storefront-tls", TLS_ARGS)
        merge_pod("httpd", [httpd(ports=[{"containerPort": 8443}]), tls.contribution])

    recording, error = run(program)
    assert isinstance(error, PodConflictError)
    assert len(recording.registrations) > 5


def test_a_pod_security_violation_registers_nothing_and_names_container_and_field() -> None:
    debug = {"name": "debug", "image": "busybox:1.36.1", "securityContext": {"runAsUser": 0}}
    app = httpd()
    app = PodContribution(source=app.source, containers=[*app.containers, debug], volumes=app.volumes)
    recording, error = run(compose(app))
    assert isinstance(error, PodSecurityError)
    message = str(error)
    assert "workload shop/storefront breaks Pod Security 'restricted'" in message
    for line in (
        "container debug: Capabilities (restricted): does not drop ALL",
        "container debug: Privilege Escalation: allowPrivilegeEscalation is not false",
        "container debug: Running as Non-root: runAsNonRoot is not true (container or pod)",
        "container debug: Running as Non-root user: runAsUser: 0",
    ):
        assert line in message
    assert "container httpd" not in message
    assert "tls-ambassador" not in message
    assert len(recording.registrations) == 0


def test_baseline_checks_less_and_privileged_is_the_explicit_opt_out() -> None:
    loose = httpd(securityContext={"runAsNonRoot": True})
    _, error = run(compose(loose))
    assert isinstance(error, PodSecurityError)
    assert run(compose(loose, pod_security="baseline"))[1] is None
    privileged = httpd(securityContext={"privileged": True})
    assert isinstance(run(compose(privileged, pod_security="baseline"))[1], PodSecurityError)
    recording, error = run(compose(privileged, pod_security="privileged"))
    assert error is None
    assert recording.registrations


def test_the_patterns_are_created_by_build_with_their_deploy_time_contributions() -> None:
    created: dict[str, Any] = {}

    def program() -> None:
        builder = PodBuilder(STOREFRONT, httpd(), security_context={"fsGroup": 33})
        tls = builder.add(TlsAmbassador, "storefront-tls", TLS_ARGS)
        with pytest.raises(RuntimeError, match=r"PodBuilder\.build"):
            _ = tls.resource
        pod = builder.build()
        created.update(resource=tls.resource, pod=pod, spec=builder.pod_spec())
        with pytest.raises(RuntimeError, match="built its pod already"):
            builder.add(LogTailSidecar, "storefront-logs", LOG_ARGS)

    recording, error = run(program)
    assert error is None
    assert isinstance(created["resource"], TlsAmbassador)
    types = [r.type for r in recording.registrations]
    assert types[0] == "podpatterns:index:TlsAmbassador"
    assert "kubernetes:core/v1:Secret" in types
    spec = created["spec"]
    assert [c["name"] for c in spec["containers"]] == ["httpd"]
    assert [c["name"] for c in spec["initContainers"]] == ["tls-ambassador"]  # a native sidecar
    assert spec["securityContext"] == {"fsGroup": 33}
    # The planned pod had an empty rotation hash; the built one hashes the created certificate.
    assert isinstance(created["pod"].annotations["pod-patterns.io/tls-sha256"], pulumi.Output)


def test_a_contribution_of_your_own_is_merged_and_checked_with_the_patterns() -> None:
    built: dict[str, Any] = {}
    cache = {
        "name": "cache",
        "image": "docker.io/library/redis:7.4.1",
        "securityContext": restricted_security_context(999),
    }

    def program() -> None:
        builder = PodBuilder(STOREFRONT, httpd())
        builder.add(TlsAmbassador, "storefront-tls", TLS_ARGS)
        builder.contribute(PodContribution(source="storefront cache", containers=[cache]))
        builder.build()
        built["spec"] = builder.pod_spec()
        with pytest.raises(RuntimeError, match="built its pod already"):
            builder.contribute(PodContribution(source="too late", containers=[{**cache, "name": "late"}]))

    recording, error = run(program)
    assert error is None
    assert [c["name"] for c in built["spec"]["containers"]] == ["httpd", "cache"]
    clash = PodContribution(source="storefront sidecar", containers=[{**cache, "ports": [{"containerPort": 8443}]}])

    def conflicting() -> None:
        builder = PodBuilder(STOREFRONT, httpd())
        builder.add(TlsAmbassador, "storefront-tls", TLS_ARGS)  # listens on the app's port, 8443
        builder.contribute(clash)
        builder.build()

    recording, error = run(conflicting)
    assert isinstance(error, PodConflictError)
    assert "container 'cache' (from storefront sidecar)" in str(error)
    assert recording.registrations == []


def test_bad_pattern_arguments_are_refused_when_added() -> None:
    builder = PodBuilder(STOREFRONT, httpd())
    with pytest.raises(SettingsError, match="TlsAmbassador 'storefront-tls' arguments: upstream_port"):
        builder.add(TlsAmbassador, "storefront-tls", {"target": STOREFRONT, "upstream_port": 8443})
    with pytest.raises(
        SettingsError, match="PodBuilder: pod_security: 'strict' is not allowed: must be one of restricted"
    ):
        PodBuilder(STOREFRONT, httpd(), pod_security="strict")


def built_pod_spec(**builder_args: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def program() -> None:
        builder = PodBuilder(STOREFRONT, httpd(), **builder_args)
        builder.add(TlsAmbassador, "storefront-tls", TLS_ARGS)
        builder.add(LogTailSidecar, "storefront-logs", {**LOG_ARGS, "mode": "classic"})
        builder.build()
        built.update(builder.pod_spec())

    assert run(program)[1] is None
    return built


def test_the_ambassador_is_a_native_sidecar_and_classic_tailers_wait_for_the_app() -> None:
    spec = built_pod_spec(termination_grace_period_seconds=60)
    assert spec["terminationGracePeriodSeconds"] == 60
    (ambassador,) = [c for c in spec["initContainers"] if c.get("restartPolicy") == "Always"]
    assert ambassador["name"] == "tls-ambassador"
    assert "lifecycle" not in ambassador  # the kubelet stops it after the app: no hook, no sleep
    # The tailer stays the classic container its mode chose, waiting for httpd to close its port.
    hooks = {c["name"]: c.get("lifecycle") for c in spec["containers"]}
    assert hooks["httpd"] is None
    assert hooks["tail-access-log"]["preStop"]["exec"]["command"][-2:] == ["wait-for-app-exit", "8080"]


def test_before_1_29_the_sidecars_wait_for_the_app_to_close_its_own_port() -> None:
    spec = built_pod_spec(native_sidecars=False)
    hooks = {
        c["name"]: c.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command") for c in spec["containers"]
    }
    assert hooks["httpd"] is None
    for sidecar in ("tls-ambassador", "tail-access-log"):
        # httpd's own port behind the ambassador (8080), not the ambassador's, which would never close first
        assert hooks[sidecar][-2:] == ["wait-for-app-exit", "8080"]


def test_a_grace_period_out_of_range_is_refused() -> None:
    for beyond in (0, 3601, True):
        with pytest.raises(
            SettingsError,
            match=r"termination_grace_period_seconds: .* is not allowed: must be a whole number 1 to 3600",
        ):
            PodBuilder(STOREFRONT, httpd(), termination_grace_period_seconds=beyond)


def test_the_namespace_may_be_the_output_of_a_namespace_the_program_creates() -> None:
    def program() -> None:
        namespace = k8s.core.v1.Namespace("shop", metadata={"name": "shop"})
        target = dataclasses.replace(STOREFRONT, namespace=namespace.metadata.name)
        builder = PodBuilder(target, httpd())
        builder.add(TlsAmbassador, "storefront-tls", {**TLS_ARGS, "target": target})
        builder.build()

    recording, error = run(program)
    assert error is None
    by_name = {r.name: r for r in recording.registrations}
    assert by_name["storefront-tls-secret"].inputs["metadata"]["namespace"] == "shop"
    assert "storefront.shop.svc" in by_name["storefront-tls-server-csr"].inputs["dnsNames"]
    subject = by_name["storefront-tls-server-csr"].inputs["subject"]
    assert subject["commonName"] == "storefront.shop.svc.cluster.local"


@pytest.mark.parametrize(
    ("pattern", "outlives"),
    [
        (TlsAmbassador, True),
        (podpatterns.PrometheusAdapter, True),
        (LogTailSidecar, True),
        (podpatterns.SysctlInit, False),
        (podpatterns.VaultSecretsInit, False),
    ],
)
def test_every_pattern_says_whether_it_outlives_the_app(pattern: type, outlives: bool) -> None:
    assert vars(pattern)["outlives_app"] is outlives  # declared by the pattern itself, not a default


def test_the_exporter_outlives_the_app_as_in_an_elasticsearch_pod() -> None:
    built: dict[str, Any] = {}

    def program() -> None:
        builder = PodBuilder(STOREFRONT, httpd())
        builder.add(podpatterns.PrometheusAdapter, "storefront-metrics", {"target": STOREFRONT, **EXPORTER_ARGS})
        builder.build()
        built.update(builder.pod_spec())

    assert run(program)[1] is None
    assert [c["name"] for c in built["initContainers"] if c.get("restartPolicy") == "Always"] == ["metrics-exporter"]
    assert [c["name"] for c in built["containers"]] == ["httpd"]


def test_the_app_listens_where_a_contribution_moved_it_and_the_data_form_leaves_that_out() -> None:
    ambassador = TlsAmbassador.plan("storefront-tls", TLS_ARGS)
    assert ambassador.app_listen_port == 8080  # httpd behind the ambassador: the classic hooks wait for 8080
    assert "app_listen_port" not in contribution_data(ambassador)
    assert (
        "appListenPort"
        not in podpatterns.package.schema()["types"]["podpatterns:index:PodContributionData"]["properties"]
    )
