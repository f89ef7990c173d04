"""TlsAmbassador under Pulumi mocks: what it asks pulumi-tls for, its objects, its contribution."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pytest
from podpatterns import PodContribution, TlsAmbassador, merge_pod
from podpatterns.render import Recording, run_with_mocks
from podpatterns.render.offline import deploy_time_placeholder
from podpatterns.settings import SettingsError
from podpatterns.tls import TlsAmbassadorArgs
from podpatterns.tls.contribution import expiry_metrics

from ..lib.support.mocks import distinct_per_input
from ..lib.support.workload_targets import workload_target

WEB = workload_target("web", app_port=8443)
SEARCH = workload_target(
    "search", "data", app_container="elasticsearch", app_port=9200, headless_service_name="search-headless", replicas=3
)


def run(args: TlsAmbassadorArgs, recording: Recording | None = None) -> tuple[Recording, list[TlsAmbassador]]:
    made: list[TlsAmbassador] = []

    def program() -> None:
        ambassador = TlsAmbassador("web-tls", args)
        made.append(ambassador)
        pulumi.export("ca", ambassador.ca_certificate)
        pulumi.export("expiry", ambassador.certificate_expiry)

    return run_with_mocks(program, project="test", stack="unit", recording=recording), made


def inputs(recording: Recording, name: str) -> Mapping[str, Any]:
    (registration,) = [r for r in recording.registrations if r.name == name]
    return registration.inputs


def test_keys_are_ecdsa_p256_by_default_never_the_provider_p224() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080})
    for key in ("web-tls-ca-key", "web-tls-server-key"):
        assert dict(inputs(recording, key)) == {"algorithm": "ECDSA", "ecdsaCurve": "P256"}


def test_rsa_option() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080, "key_algorithm": "RSA", "rsa_bits": 3072})
    assert dict(inputs(recording, "web-tls-server-key")) == {"algorithm": "RSA", "rsaBits": 3072}
    assert "key_encipherment" in inputs(recording, "web-tls-server-cert")["allowedUses"]


def test_ca_and_server_certificate() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080, "validity_hours": 720, "early_renewal_hours": 168})
    ca = inputs(recording, "web-tls-ca")
    assert ca["isCaCertificate"] is True
    assert ca["validityPeriodHours"] == 87600
    assert "cert_signing" in ca["allowedUses"]
    leaf = inputs(recording, "web-tls-server-cert")
    assert (leaf["validityPeriodHours"], leaf["earlyRenewalHours"]) == (720, 168)
    assert leaf["allowedUses"] == ["digital_signature", "server_auth"]
    assert leaf["caCertPem"] == "[known after deploy: tls:index/selfSignedCert:SelfSignedCert web-tls-ca certPem]"


def test_names_cover_every_service_name_pod_names_localhost_and_extras() -> None:
    args: TlsAmbassadorArgs = {
        "target": SEARCH,
        "upstream_port": 9201,
        "dns_names": ["search.example.com"],
        "ip_addresses": ["10.0.0.7"],
    }
    request = inputs(run(args)[0], "web-tls-server-csr")
    names = request["dnsNames"]
    for expected in (
        "search",
        "search.data",
        "search.data.svc",
        "search.data.svc.cluster.local",
        "*.search-headless.data.svc.cluster.local",
        "localhost",
        "search.example.com",
    ):
        assert expected in names
    assert request["ipAddresses"] == ["127.0.0.1", "10.0.0.7"]
    assert request["subject"]["commonName"] == "search.data.svc.cluster.local"


def test_secret_holds_certificate_key_and_ca_with_the_key_a_pulumi_secret() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080})
    (secret,) = [r for r in recording.registrations if r.name == "web-tls-secret"]
    assert secret.inputs["type"] == "kubernetes.io/tls"
    assert set(secret.inputs["stringData"]) == {"tls.crt", "tls.key", "ca.crt", "expiry.prom"}
    assert any("stringData.tls.key".startswith(path) for path in secret.secret_paths)


def test_nginx_configuration_from_the_template() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080})
    conf = inputs(recording, "web-tls-config")["data"]["nginx.conf"]
    assert "listen 8443 ssl;" in conf
    assert "server 127.0.0.1:8080;" in conf
    assert "keepalive 32;" in conf
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in conf
    assert "ssl_ecdh_curve X25519:prime256v1:secp384r1;" in conf
    assert "ssl_session_cache shared:ambassador:10m;" in conf
    assert "access_log /dev/stdout ambassador buffer=64k flush=1s;" in conf
    assert "ssl_verify_client" not in conf
    assert "@" not in conf.replace("@fallback", "")  # every placeholder filled


def test_mode_stream_ends_tls_at_the_tcp_level() -> None:
    recording, (ambassador,) = run({"target": WEB, "upstream_port": 8080, "mode": "stream", "access_log": False})
    conf = inputs(recording, "web-tls-config")["data"]["nginx.conf"]
    stream = conf[conf.index("\nstream {") : conf.index("\nhttp {")]
    http = conf[conf.index("\nhttp {") :]
    assert "listen 9117;" in http  # the only HTTP: the certificates' expiry metrics
    assert "server 127.0.0.1:8080;" in stream
    assert "listen 8443 ssl;" in stream
    assert "proxy_pass app;" in stream
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in stream  # the same TLS block as mode http
    assert "ssl_session_cache shared:ambassador:10m;" in stream
    assert "access_log off;" in stream
    assert "location" not in stream  # no HTTP in front of the app: no readiness location either
    assert "@" not in conf
    # Ready once nginx has listened and the app answers its health path on loopback.
    container = ambassador.contribution.containers[0]
    assert container["startupProbe"]["tcpSocket"] == {"port": 8443}
    assert container["readinessProbe"]["exec"]["command"][-1] == "http://127.0.0.1:8080/"


def test_a_generic_app_is_ready_only_when_it_answers_through_the_ambassador() -> None:
    _, (ambassador,) = run({"target": WEB, "upstream_port": 8080, "health_path": "/healthz"})
    probe = ambassador.contribution.containers[0]["readinessProbe"]
    command = probe["exec"]["command"]
    assert command[0] == "curl"
    assert command[-3:] == ["--cacert", "/etc/nginx/tls/ca.crt", "https://127.0.0.1:8443/_ambassador/upstream-health"]
    assert "startupProbe" not in ambassador.contribution.containers[0]


def test_without_app_readiness_the_probe_is_tcp() -> None:
    _, (ambassador,) = run({"target": WEB, "upstream_port": 8080, "app_readiness": False})
    assert ambassador.contribution.containers[0]["readinessProbe"] == {
        "tcpSocket": {"port": 8443},
        "periodSeconds": 5,
        "failureThreshold": 2,
    }


@pytest.mark.parametrize(("mtls", "verify"), [("optional", "optional"), ("required", "on")])
def test_mode_stream_checks_client_certificates_at_the_handshake(mtls: str, verify: str) -> None:
    args: TlsAmbassadorArgs = {"target": WEB, "upstream_port": 8080, "mode": "stream", "mtls": mtls}
    recording, _ = run(args)
    conf = inputs(recording, "web-tls-config")["data"]["nginx.conf"]
    assert "ssl_client_certificate /etc/nginx/tls/ca.crt;" in conf
    assert f"ssl_verify_client {verify};" in conf
    assert "$ssl_client_verify" not in conf  # nothing per request in L4
    assert "access_log /dev/stdout ambassador buffer=64k flush=1s;" in conf


def test_resources_are_settings_with_measured_defaults() -> None:
    _, (default,) = run({"target": WEB, "upstream_port": 8080})
    assert default.contribution.containers[0]["resources"] == {
        "requests": {"cpu": "50m", "memory": "224Mi"},
        "limits": {"cpu": "1", "memory": "224Mi"},
    }
    args: TlsAmbassadorArgs = {"target": WEB, "upstream_port": 8080, "cpu_request": "200m", "cpu_limit": "2"}
    _, (busy,) = run({**args, "memory": "64Mi", "max_clients": 512})  # type: ignore[typeddict-item]
    assert busy.contribution.containers[0]["resources"] == {
        "requests": {"cpu": "200m", "memory": "64Mi"},
        "limits": {"cpu": "2", "memory": "64Mi"},
    }


def test_connections_follow_max_clients_and_memory_must_hold_them() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080})
    conf = inputs(recording, "web-tls-config")["data"]["nginx.conf"]
    assert "worker_connections 8192;" in conf  # 4,096 clients, each with its request's connection to the app
    assert "worker_rlimit_nofile 8256;" in conf
    assert "proxy_request_buffering off;" in conf  # bulk bodies streamed, never spooled to /tmp
    assert "proxy_max_temp_file_size 0;" in conf
    stream, _ = run({"target": WEB, "upstream_port": 8080, "mode": "stream", "max_clients": 1000, "memory": "72Mi"})
    assert "worker_connections 2000;" in inputs(stream, "web-tls-config")["data"]["nginx.conf"]
    with pytest.raises(SettingsError) as error:
        run({"target": WEB, "upstream_port": 8080, "memory": "64Mi"})
    assert "64Mi is below what 4096 busy clients (maxClients) take: at least 200Mi" in str(error.value)


def test_mutual_tls_issues_client_certificates_into_secrets() -> None:
    args: TlsAmbassadorArgs = {"target": WEB, "upstream_port": 8080, "mtls": "required", "clients": ["billing"]}
    recording, (ambassador,) = run(args)
    conf = inputs(recording, "web-tls-config")["data"]["nginx.conf"]
    assert "ssl_client_certificate /etc/nginx/tls/ca.crt;" in conf
    assert 'if ($ssl_client_verify != "SUCCESS")' in conf
    assert inputs(recording, "web-tls-client-billing-cert")["allowedUses"] == ["digital_signature", "client_auth"]
    assert inputs(recording, "web-tls-client-billing-secret")["metadata"]["name"] == "web-client-billing"
    assert ambassador.client_secrets == {"billing": "web-client-billing"}


def test_a_client_given_as_namespace_slash_name_gets_its_secret_in_its_own_namespace() -> None:
    clients = ["payments/billing", "audit"]
    args: TlsAmbassadorArgs = {"target": WEB, "upstream_port": 8080, "mtls": "required", "clients": clients}
    recording, (ambassador,) = run(args)
    billing = inputs(recording, "web-tls-client-billing-secret")["metadata"]
    assert (billing["namespace"], billing["name"]) == ("payments", "web-client-billing")  # where its pods are
    assert inputs(recording, "web-tls-client-billing-csr")["subject"]["commonName"] == "billing"
    assert inputs(recording, "web-tls-client-audit-secret")["metadata"]["namespace"] == "shop"
    assert ambassador.client_secrets == {"billing": "payments/web-client-billing", "audit": "web-client-audit"}


@pytest.mark.parametrize(
    ("clients", "message"),
    [
        (["a/b/c"], "DNS label"),
        (["ns1/billing", "ns2/billing"], "client names must be distinct"),
        (["/x"], "DNS label"),
    ],
)
def test_bad_client_entries_are_named(clients: list[str], message: str) -> None:
    args: TlsAmbassadorArgs = {"target": WEB, "upstream_port": 8080, "mtls": "required", "clients": clients}
    with pytest.raises(SettingsError) as error:
        run(args)
    assert "clients" in str(error.value)
    assert message in str(error.value)


def test_outputs_are_the_ca_and_the_expiry() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080})
    assert recording.outputs == {
        "ca": "[known after deploy: tls:index/selfSignedCert:SelfSignedCert web-tls-ca certPem]",
        "expiry": deploy_time_placeholder(
            "tls:index/locallySignedCert:LocallySignedCert", "web-tls-server-cert", "validityEndTime"
        ),
    }


def test_a_plain_deployment_of_another_service_uses_the_same_component() -> None:
    """Generic: an HTTP service on 127.0.0.1:8080 gets TLS on 8443, merged through the pod model."""
    _, (ambassador,) = run({"target": WEB, "upstream_port": 8080})
    web = PodContribution(source="Deployment 'web'", containers=[{"name": "web", "image": "shop/web:2.1.0"}])
    pod = merge_pod("web", [web, ambassador.contribution])
    nginx = pod.containers[1]
    assert nginx["ports"] == [
        {"name": "https", "containerPort": 8443, "protocol": "TCP"},
        {"name": "tls-expiry", "containerPort": 9117, "protocol": "TCP"},
    ]
    assert nginx["securityContext"]["runAsNonRoot"] is True
    assert nginx["securityContext"]["readOnlyRootFilesystem"] is True
    assert "livenessProbe" not in pod.containers[0]
    assert pod.service_ports == [{"name": "https", "port": 8443, "targetPort": "https", "protocol": "TCP"}]
    assert pod.containers[0]["volumeMounts"] == [
        {"name": "tls-ambassador-ca", "mountPath": "/etc/pod-patterns/tls-ca", "readOnly": True}
    ]


def rotation(**extra: Any) -> tuple[str, str, str]:
    """(the rotation annotation, the nginx configuration, the server certificate) with distinct certificates."""
    annotations: list[str] = []

    def program() -> None:
        ambassador = TlsAmbassador("web-tls", {"target": WEB, "upstream_port": 8080, **extra})  # type: ignore[typeddict-item]
        ambassador.contribution.pod_annotations["pod-patterns.io/tls-sha256"].apply(annotations.append)  # type: ignore[attr-defined]

    recording = run_with_mocks(program, project="test", stack="unit", computed=distinct_per_input)
    certificate = inputs(recording, "web-tls-secret")["stringData"]["tls.crt"]
    return annotations[0], inputs(recording, "web-tls-config")["data"]["nginx.conf"], certificate


def test_mocks_issue_a_distinct_certificate_per_resource_and_per_input() -> None:
    recording, _ = run({"target": WEB, "upstream_port": 8080, "mtls": "required", "clients": ["billing"]})
    _, _, default = rotation()
    _, _, longer = rotation(validity_hours=4000)
    assert default == rotation()[2]
    assert default != longer
    (server,) = [r for r in recording.registrations if r.name == "web-tls-server-cert"]
    (client,) = [r for r in recording.registrations if r.name == "web-tls-client-billing-cert"]
    assert server.inputs["caCertPem"] == client.inputs["caCertPem"]  # one CA
    assert (
        inputs(recording, "web-tls-secret")["stringData"]["tls.crt"]
        != inputs(recording, "web-tls-client-billing-secret")["stringData"]["tls.crt"]
    )


def test_rotation_annotation_follows_the_certificate_and_the_configuration() -> None:
    annotation, conf, certificate = rotation()
    assert len(annotation) == 64
    assert annotation == rotation()[0]
    # Only the certificate changes (a renewal: here a new validity, or one more name): the pods roll.
    for renewal in ({"validity_hours": 4000}, {"dns_names": ["web.example.com"]}):
        renewed, renewed_conf, renewed_certificate = rotation(**renewal)
        assert (renewed_conf, renewed_certificate != certificate) == (conf, True)
        assert renewed != annotation, renewal
    # Only the configuration changes: the pods roll too.
    changed, changed_conf, same_certificate = rotation(access_log=False)
    assert (changed_conf != conf, same_certificate) == (True, certificate)
    assert changed != annotation


def test_expiry_metrics_give_each_certificates_end_of_validity_in_unix_seconds() -> None:
    text = expiry_metrics({"server": "2026-03-01T00:00:00Z", "ca": "2036-01-01T00:00:00+00:00"})
    assert "# TYPE podpatterns_tls_certificate_not_after_seconds gauge\n" in text
    assert 'podpatterns_tls_certificate_not_after_seconds{certificate="server"} 1772323200\n' in text
    assert 'podpatterns_tls_certificate_not_after_seconds{certificate="ca"} 2082758400\n' in text


def test_a_ca_rotation_trusts_both_cas_and_switches_the_signer_only_in_its_second_step() -> None:
    def issuer_and_trust(**tls: object) -> tuple[str, str, str]:
        recording, _ = run({"target": WEB, "upstream_port": 8080, "mtls": "required", "clients": ["a"], **tls})
        server = inputs(recording, "web-tls-server-cert")["caCertPem"]
        client = inputs(recording, "web-tls-client-a-cert")["caCertPem"]
        assert client == server  # one signer for every certificate
        return (
            server,
            inputs(recording, "web-tls-secret")["stringData"]["ca.crt"],
            inputs(recording, "web-tls-client-a-secret")["stringData"]["ca.crt"],
        )

    first = "[known after deploy: tls:index/selfSignedCert:SelfSignedCert web-tls-ca certPem]"
    second = "[known after deploy: tls:index/selfSignedCert:SelfSignedCert web-tls-ca-2 certPem]"
    assert issuer_and_trust() == (first, first, first)
    assert issuer_and_trust(ca_overlap="next") == (first, first + second, first + second)
    assert issuer_and_trust(ca_generation=2, ca_overlap="previous") == (second, second + first, second + first)
    assert issuer_and_trust(ca_generation=2) == (second, second, second)
