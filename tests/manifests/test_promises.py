"""The security promises of the README and docs/patterns.md, stated over each stack's rendered objects.

Independent of the golden renders (which catch change, not wrongness): each test reads what the stack
asks for from its stack file and checks the property the documentation promises, on the objects and
the nginx configuration as nginx reads it (tests/support/nginx_conf.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from podpatterns.podmodel import Manifest
from podpatterns.render import Recording

from ..conftest import STACKS
from ..support.nginx_conf import Directive, access_allowed, parse
from ..support.stack_settings import stack_settings

TLS_STACKS = [stack for stack in STACKS if stack_settings(stack).tls.enabled]
HOST_FIELDS = ("hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace")
"""Pod fields that widen what a container can see beyond itself."""
CLUSTER_ADDRESS = "10.244.1.7"
"""Any pod of the cluster: not 127.0.0.1."""


def workloads(objects: list[Manifest]) -> list[Manifest]:
    return [m for m in objects if m["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")]


def pod_spec_of(workload: Manifest) -> dict[str, Any]:
    template = workload["spec"]["jobTemplate"]["spec"] if workload["kind"] == "CronJob" else workload["spec"]
    spec: dict[str, Any] = template["template"]["spec"]
    return spec


def elasticsearch_pod(stack: str, objects: list[Manifest]) -> dict[str, Any]:
    name = stack_settings(stack).elasticsearch.name
    (workload,) = [w for w in workloads(objects) if w["metadata"]["name"] == name]
    return pod_spec_of(workload)


def container(spec: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [c for c in spec["containers"] + spec.get("initContainers", []) if c["name"] == name]
    return found


def server_block(stack: str, objects: list[Manifest]) -> tuple[str, Directive]:
    """The ambassador's mode and the server block of its nginx.conf, as nginx reads it."""
    settings = stack_settings(stack)
    (config_map,) = [
        m
        for m in objects
        if m["kind"] == "ConfigMap" and m["metadata"]["name"] == f"{settings.elasticsearch.name}-ambassador"
    ]
    conf = parse(config_map["data"]["nginx.conf"])
    (top,) = conf.all(settings.tls.mode)  # the http or stream block
    (server,) = [s for s in top.all("server") if s.value("ssl_certificate")]  # not the plain expiry server
    return settings.tls.mode, server


@pytest.mark.parametrize("stack", STACKS)
def test_no_pod_shares_the_host_or_its_process_namespace(stack: str, rendered: dict[str, list[Manifest]]) -> None:
    """Pod Security "baseline" forbids host namespaces; a shared process namespace would let every container
    see (and signal, and read the environment of) the others, the ambassador's key in nginx's memory too."""
    for workload in workloads(rendered[stack]):
        spec = pod_spec_of(workload)
        widened = {f: spec[f] for f in HOST_FIELDS if spec.get(f)}
        assert widened == {}, f"{workload['kind']}/{workload['metadata']['name']} of {stack}: {widened}"


@pytest.mark.parametrize("stack", TLS_STACKS)
def test_client_certificates_are_verified_as_the_stack_asks(stack: str, rendered: dict[str, list[Manifest]]) -> None:
    """tls.mtls off: no certificate asked; optional: verified against the CA when sent; required: in mode http
    a request without a valid one gets 403 (the handshake stays optional for the in-pod probe), in mode
    stream the handshake fails without one."""
    settings = stack_settings(stack)
    mode, server = server_block(stack, rendered[stack])
    if settings.tls.mtls == "off":
        assert server.value("ssl_verify_client") is None
        return
    assert server.value("ssl_client_certificate") == ("/etc/nginx/tls/ca.crt",)
    expected = "on" if (mode, settings.tls.mtls) == ("stream", "required") else "optional"
    assert server.value("ssl_verify_client") == (expected,)
    if mode == "http":
        checks = [(d.args, d.block) for d in server.one("location", "/").all("if") if "$ssl_client_verify" in d.args[0]]
        refusal = (("($ssl_client_verify", "!=", "SUCCESS", ")"), (Directive("return", ("403",)),))
        assert checks == ([refusal] if settings.tls.mtls == "required" else [])


@pytest.mark.parametrize("stack", [s for s in TLS_STACKS if stack_settings(s).tls.mode == "http"])
def test_the_readiness_location_answers_only_inside_the_pod(stack: str, rendered: dict[str, list[Manifest]]) -> None:
    """The ambassador's upstream-health location answers only 127.0.0.1 (403 otherwise); Elasticsearch's own
    readiness asks it on loopback, never through TLS, so an expired certificate cannot empty the Service."""
    _, server = server_block(stack, rendered[stack])
    health = server.one("location", "=", "/_ambassador/upstream-health")
    assert access_allowed(health, "127.0.0.1")
    assert not access_allowed(health, CLUSTER_ADDRESS)
    probe = container(elasticsearch_pod(stack, rendered[stack]), "elasticsearch")["readinessProbe"]
    command = probe["exec"]["command"]
    assert "http://127.0.0.1:9201" in command
    assert not any("https://" in part for part in command)


@pytest.mark.parametrize("stack", TLS_STACKS)
def test_the_ambassador_offers_only_tls_1_2_and_1_3_with_forward_secret_aead_suites(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    _, server = server_block(stack, rendered[stack])
    assert set(server.value("ssl_protocols") or ()) == {"TLSv1.2", "TLSv1.3"}
    (ciphers,) = server.value("ssl_ciphers") or ("",)
    for suite in ciphers.split(":"):
        assert re.fullmatch(r"ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)", suite), suite


@pytest.mark.parametrize("stack", TLS_STACKS)
def test_only_the_ambassador_mounts_the_private_key(stack: str, rendered: dict[str, list[Manifest]]) -> None:
    """The app gets the CA (ca.crt) and nothing else of the TLS Secret; the key is the ambassador's alone."""
    spec = elasticsearch_pod(stack, rendered[stack])
    tls_secret = f"{stack_settings(stack).elasticsearch.name}-tls"
    readers: dict[str, list[str]] = {}
    for volume in spec["volumes"]:
        secret = volume.get("secret", {})
        if secret.get("secretName") != tls_secret:
            continue
        keys = [item["key"] for item in secret.get("items", [])] or ["tls.crt", "tls.key", "ca.crt"]
        for c in spec["containers"] + spec.get("initContainers", []):
            if any(m["name"] == volume["name"] for m in c.get("volumeMounts", [])) and "tls.key" in keys:
                readers.setdefault(c["name"], []).append(volume["name"])
    assert list(readers) == ["tls-ambassador"]


def exporter_args(spec: dict[str, Any]) -> dict[str, str]:
    args: list[str] = container(spec, "metrics-exporter")["args"]
    return dict(arg.removeprefix("--").split("=", 1) for arg in args if "=" in arg)


def mounted_secret(spec: dict[str, Any], container_name: str, path: str) -> str:
    """The Secret whose file `path` the container reads (through one of its mounts)."""
    for mount in container(spec, container_name).get("volumeMounts", []):
        if path.startswith(mount["mountPath"].rstrip("/") + "/"):
            (volume,) = [v for v in spec["volumes"] if v["name"] == mount["name"]]
            secret: str = volume["secret"]["secretName"]
            return secret
    raise AssertionError(f"{container_name} mounts nothing at {path}")


@pytest.mark.parametrize("stack", [s for s in STACKS if stack_settings(s).metrics.enabled])
def test_the_exporter_reads_through_the_ambassador_verifying_its_ca(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    """With TLS, the exporter asks the ambassador (https on the app's port), verifying the stack's CA;
    never the app's loopback port directly, which would bypass TLS and client certificates."""
    settings = stack_settings(stack)
    spec = elasticsearch_pod(stack, rendered[stack])
    args = exporter_args(spec)
    ambassador_ports = [
        p["containerPort"]
        for c in spec["containers"] + spec.get("initContainers", [])
        if c["name"] == "tls-ambassador"
        for p in c["ports"]
    ]
    if not settings.tls.enabled:
        assert args["es.uri"] == "http://127.0.0.1:9200"
        return
    assert args["es.uri"] == f"https://localhost:{ambassador_ports[0]}"
    assert "es.ssl-skip-verify" not in " ".join(container(spec, "metrics-exporter")["args"])
    secret = mounted_secret(spec, "metrics-exporter", args["es.ca"])
    assert secret.startswith(settings.elasticsearch.name)  # the ambassador's CA, in its TLS or a client Secret


@pytest.mark.parametrize("stack", [s for s in STACKS if stack_settings(s).metrics.enabled])
def test_under_mutual_tls_the_exporter_presents_its_own_client_certificate(
    stack: str, rendered: dict[str, list[Manifest]], recordings: dict[str, Recording]
) -> None:
    settings = stack_settings(stack)
    spec = elasticsearch_pod(stack, rendered[stack])
    args = exporter_args(spec)
    if not settings.tls.enabled or settings.tls.mtls == "off":
        assert "es.client-cert" not in args
        return
    name = settings.elasticsearch.name
    client_secret = f"{name}-client-metrics-exporter"
    assert mounted_secret(spec, "metrics-exporter", args["es.client-cert"]) == client_secret
    assert mounted_secret(spec, "metrics-exporter", args["es.client-private-key"]) == client_secret
    assert args["es.client-cert"].endswith("/tls.crt")
    assert args["es.client-private-key"].endswith("/tls.key")
    # The Secret holds a certificate the stack's CA issued for client authentication.
    (secret,) = [
        r for r in recordings[stack].registrations if r.inputs.get("metadata", {}).get("name") == client_secret
    ]
    certificate = secret.inputs["stringData"]["tls.crt"]
    (issued,) = [
        r for r in recordings[stack].registrations if r.type.endswith("LocallySignedCert") and r.name in certificate
    ]
    assert "client_auth" in issued.inputs["allowedUses"]
    for deployment in workloads(rendered[stack]):
        if deployment["metadata"]["name"] == f"{name}-cluster-metrics":  # the cluster-wide exporter too
            cluster_args = exporter_args(pod_spec_of(deployment))
            assert cluster_args["es.client-cert"].endswith("/tls.crt")
            assert cluster_args["es.uri"].startswith("https://")
