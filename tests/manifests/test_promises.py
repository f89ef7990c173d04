"""The security promises of the README and docs/patterns.md, stated over each stack's rendered objects.

Independent of the golden renders (which catch change, not wrongness): each test reads what the stack
asks for from its stack file and checks the property the documentation promises, on the objects and
the nginx configuration as nginx reads it (tests/lib/support/nginx_conf.py).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
import yaml
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.pod.model import Manifest
from podpatterns.render import Recording
from podpatterns.settings import KeyStyle
from podpatterns.settings import parse as parse_settings

from ..conftest import PROJECT_DIR, STACKS
from ..lib.support.nginx_conf import Directive, access_allowed, parse
from ..lib.support.stack_settings import stack_settings

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


# --- Elasticsearch security (README "Security") -----------------------------------------------------------


def elasticsearch_yml(stack: str, objects: list[Manifest]) -> dict[str, Any]:
    name = stack_settings(stack).elasticsearch.name
    (config_map,) = [m for m in objects if m["kind"] == "ConfigMap" and m["metadata"]["name"] == f"{name}-config"]
    config: dict[str, Any] = yaml.safe_load(config_map["data"]["elasticsearch.yml"])
    return config


SECURE_STACKS = [stack for stack in STACKS if stack_settings(stack).security.enabled]


@pytest.mark.parametrize("stack", STACKS)
def test_security_is_on_in_staging_and_prod_and_off_in_dev_which_says_so(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    assert elasticsearch_yml(stack, rendered[stack])["xpack.security.enabled"] is (stack != "dev")
    if stack == "dev":
        assert "Elasticsearch security off in dev" in (PROJECT_DIR / "stacks" / "Pulumi.dev.yaml").read_text()


@pytest.mark.parametrize("stack", SECURE_STACKS)
def test_with_security_http_needs_a_user_and_transport_a_node_certificate(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    """Closed on every port: HTTP (plain, on loopback behind the ambassador) asks for a user; transport takes only
    TLS from a peer holding a certificate of the transport CA (the chain checked, not the host name)."""
    yml = elasticsearch_yml(stack, rendered[stack])
    assert (yml["xpack.security.enabled"], yml["xpack.security.http.ssl.enabled"]) == (True, False)
    assert (yml["http.host"], yml["http.port"]) == ("127.0.0.1", 9201)
    assert yml["xpack.security.transport.ssl.enabled"] is True
    assert yml["xpack.security.transport.ssl.client_authentication"] == "required"
    assert yml["xpack.security.transport.ssl.verification_mode"] == "certificate"
    files = [yml[f"xpack.security.transport.ssl.{key}"] for key in ("key", "certificate")]
    files += yml["xpack.security.transport.ssl.certificate_authorities"]
    assert all(f.startswith("certs/transport/") for f in files)  # relative: under the config directory
    spec = elasticsearch_pod(stack, rendered[stack])
    name = stack_settings(stack).elasticsearch.name
    (volume,) = [v for v in spec["volumes"] if v.get("secret", {}).get("secretName") == f"{name}-transport-tls"]
    readers = {
        c["name"]: m
        for c in spec["containers"] + spec.get("initContainers", [])
        for m in c.get("volumeMounts", [])
        if m["name"] == volume["name"]
    }
    assert list(readers) == ["elasticsearch"]
    assert readers["elasticsearch"] == {
        "name": volume["name"],
        "mountPath": "/usr/share/elasticsearch/config/certs/transport",
        "readOnly": True,
    }


def registered(recording: Recording, name: str) -> Any:
    (found,) = [r for r in recording.registrations if r.name == name]
    return found


def covered_by(name: str, patterns: list[str]) -> bool:
    """A DNS name matched by one of a certificate's names: exactly, or by a wildcard for one label."""
    return any(p == name or (p.startswith("*.") and name.split(".", 1)[1] == p[2:]) for p in patterns)


@pytest.mark.parametrize("stack", SECURE_STACKS)
def test_the_transport_ca_is_its_own_and_signs_one_node_certificate_as_the_tls_settings_say(
    stack: str, recordings: dict[str, Recording]
) -> None:
    settings = stack_settings(stack)
    name, namespace = settings.elasticsearch.name, settings.namespace
    recording = recordings[stack]
    transport_ca, ambassador_ca = registered(recording, f"{name}-transport-ca"), registered(recording, f"{name}-tls-ca")
    assert transport_ca.inputs["privateKeyPem"] != ambassador_ca.inputs["privateKeyPem"]
    signed = [
        r.name
        for r in recording.registrations
        if r.type == "tls:index/locallySignedCert:LocallySignedCert"
        and f" {name}-transport-ca " in r.inputs["caCertPem"]
    ]
    assert signed == [f"{name}-transport-node-cert"]  # node certificates only: no client of 9200 gets one
    node, server = (
        registered(recording, f"{name}-transport-node-cert"),
        registered(recording, f"{name}-tls-server-cert"),
    )
    expected = {
        "validityPeriodHours": settings.tls.validity_hours,
        "earlyRenewalHours": settings.tls.early_renewal_hours,
    }
    for key, hours in expected.items():  # the TLS settings': renewed with the ambassador's, at one pulumi up
        assert node.inputs[key] == server.inputs[key] == hours
    assert (node.inputs["validityPeriodHours"], node.inputs["earlyRenewalHours"]) == (90 * 24, 30 * 24)
    node_key = registered(recording, f"{name}-transport-node-key").inputs
    assert node_key["algorithm"] == registered(recording, f"{name}-tls-server-key").inputs["algorithm"]
    names = list(registered(recording, f"{name}-transport-node-csr").inputs["dnsNames"])
    for pod in range(settings.elasticsearch.nodes):
        for suffix in ("svc", "svc.cluster.local"):
            pod_name = f"{name}-{pod}.{name}-headless.{namespace}.{suffix}"
            assert covered_by(pod_name, names), (pod_name, names)


@pytest.mark.parametrize("stack", SECURE_STACKS)
def test_a_renewed_node_certificate_rolls_the_pods(stack: str, rendered: dict[str, list[Manifest]]) -> None:
    """The pod annotation is the digest of the certificate the transport Secret holds: a new one, a new template."""
    name = stack_settings(stack).elasticsearch.name
    (secret,) = [
        m for m in rendered[stack] if m["kind"] == "Secret" and m["metadata"]["name"] == f"{name}-transport-tls"
    ]
    (workload,) = [w for w in workloads(rendered[stack]) if w["metadata"]["name"] == name]
    annotation = workload["spec"]["template"]["metadata"]["annotations"]["pod-patterns.io/transport-tls-sha256"]
    assert annotation == hashlib.sha256(secret["stringData"]["tls.crt"].encode()).hexdigest()


@pytest.mark.parametrize("stack", [s for s in STACKS if stack_settings(s).metrics.enabled])
def test_the_exporter_logs_in_from_the_owners_secret_which_pulumi_never_makes(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    settings = stack_settings(stack)
    spec = elasticsearch_pod(stack, rendered[stack])
    env = {e["name"]: e for e in container(spec, "metrics-exporter").get("env", [])}
    if not settings.security.enabled:
        assert not {"ES_USERNAME", "ES_PASSWORD"} & set(env)
        return
    assert settings.metrics.credentials_secret == "elasticsearch-exporter-credentials"  # staging and prod
    for variable, key in (("ES_USERNAME", "username"), ("ES_PASSWORD", "password")):
        assert env[variable]["valueFrom"]["secretKeyRef"] == {"name": settings.metrics.credentials_secret, "key": key}
    made = {(m["kind"], m["metadata"]["name"]) for m in rendered[stack]}
    assert ("Secret", settings.metrics.credentials_secret) not in made  # the cluster's owner fills it, from Vault


# --- Images, NetworkPolicy peers, availability (README "Security") ----------------------------------------


def all_containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = spec.get("initContainers", []) + spec["containers"]
    return containers


@pytest.mark.parametrize("stack", STACKS)
def test_every_image_is_pinned_and_pulled_only_if_not_present(stack: str, rendered: dict[str, list[Manifest]]) -> None:
    for workload in workloads(rendered[stack]):
        for c in all_containers(pod_spec_of(workload)):
            assert c["imagePullPolicy"] == "IfNotPresent", c["name"]
            image = c["image"]
            pinned = "@sha256:" in image or re.fullmatch(r"[^:]+:v?\d+(\.\d+)*([-.][\w.]+)?", image.split("/")[-1])
            assert pinned, f"{c['name']}: {image} is not pinned to a release tag or a digest"


@pytest.mark.parametrize("stack", [s for s in STACKS if stack_settings(s).network.enabled])
def test_policies_name_namespaces_by_their_metadata_label_and_ports_by_number(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    policies = [m for m in rendered[stack] if m["kind"] == "NetworkPolicy"]
    assert policies
    for policy in policies:
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
            for peer in rule.get("from", []) + rule.get("to", []):
                if "namespaceSelector" in peer:
                    assert set(peer["namespaceSelector"]) == {"matchLabels"}
                    assert list(peer["namespaceSelector"]["matchLabels"]) == ["kubernetes.io/metadata.name"]
            assert all(isinstance(port["port"], int) for port in rule.get("ports", []))


@pytest.mark.parametrize("stack", STACKS)
def test_several_nodes_get_a_budget_and_spreading_and_one_node_none(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    settings = stack_settings(stack)
    name = settings.elasticsearch.name
    budgets = [m for m in rendered[stack] if m["kind"] == "PodDisruptionBudget"]
    spec = elasticsearch_pod(stack, rendered[stack])
    if settings.elasticsearch.nodes == 1:
        assert budgets == []
        assert "affinity" not in spec
        assert "topologySpreadConstraints" not in spec
        return
    (budget,) = budgets
    assert (budget["metadata"]["name"], budget["spec"]["maxUnavailable"]) == (name, 1)
    kind = "required" if settings.elasticsearch.anti_affinity == "required" else "preferred"
    if stack == "prod":
        assert kind == "required"
    terms = spec["affinity"]["podAntiAffinity"][f"{kind}DuringSchedulingIgnoredDuringExecution"]
    topology = [t.get("podAffinityTerm", t)["topologyKey"] for t in terms]
    assert topology == ["kubernetes.io/hostname"]
    (spread,) = spec["topologySpreadConstraints"]
    assert (spread["topologyKey"], spread["maxSkew"], spread["whenUnsatisfiable"]) == (
        "topology.kubernetes.io/zone",
        1,
        "ScheduleAnyway",
    )


# --- TlsAmbassador (docs/patterns.md) ---------------------------------------------------------------------


@pytest.mark.parametrize("stack", TLS_STACKS)
def test_the_ambassadors_own_probes_are_tcp_on_its_port_so_they_only_ever_restart_nginx(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    ambassador = container(elasticsearch_pod(stack, rendered[stack]), "tls-ambassador")
    https = [p["containerPort"] for p in ambassador["ports"] if p["name"] == "https"]
    probes = {key: value for key, value in ambassador.items() if key.endswith("Probe")}
    assert set(probes) >= {"livenessProbe", "readinessProbe"}
    for probe in probes.values():
        assert probe.get("tcpSocket") == {"port": https[0]}, probe


@pytest.mark.parametrize("stack", TLS_STACKS)
def test_no_revocation_list_so_a_client_certificate_lives_its_90_days(
    stack: str, rendered: dict[str, list[Manifest]], recordings: dict[str, Recording]
) -> None:
    _, server = server_block(stack, rendered[stack])
    assert server.value("ssl_crl") is None
    name = stack_settings(stack).elasticsearch.name
    clients = [
        r for r in recordings[stack].registrations if r.type.endswith("LocallySignedCert") and "-tls-client-" in r.name
    ]
    assert bool(clients) == (stack_settings(stack).tls.mtls != "off")
    for client in clients:
        assert client.name.startswith(f"{name}-tls-client-")
        assert client.inputs["validityPeriodHours"] == stack_settings(stack).tls.validity_hours == 90 * 24


@pytest.mark.parametrize("stack", TLS_STACKS)
def test_replacing_the_ca_key_reissues_every_ambassador_certificate_and_rolls_the_pods(
    stack: str, rendered: dict[str, list[Manifest]], recordings: dict[str, Recording]
) -> None:
    """docs/patterns.md: revoke by `pulumi up --replace` of the PrivateKey `<app>-tls-ca-key`: the CA is made from
    it, every certificate of the ambassador is signed by that CA, and the pods' annotation follows the server's."""
    name = stack_settings(stack).elasticsearch.name
    recording = recordings[stack]
    key = registered(recording, f"{name}-tls-ca-key")
    assert key.type == "tls:index/privateKey:PrivateKey"
    assert f" {name}-tls-ca-key " in str(registered(recording, f"{name}-tls-ca").inputs["privateKeyPem"])
    certificates = [r for r in recording.registrations if r.type.endswith("LocallySignedCert") and "-tls-" in r.name]
    assert certificates
    for certificate in certificates:
        assert f" {name}-tls-ca " in certificate.inputs["caCertPem"], certificate.name
    (workload,) = [w for w in workloads(rendered[stack]) if w["metadata"]["name"] == name]
    assert "pod-patterns.io/tls-sha256" in workload["spec"]["template"]["metadata"]["annotations"]


# --- VaultSecretsInit (docs/patterns.md) ------------------------------------------------------------------


@pytest.mark.parametrize("stack", SECURE_STACKS)
def test_the_keystore_is_made_anew_in_the_config_empty_dir_at_every_start(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    spec = elasticsearch_pod(stack, rendered[stack])
    keystore_init = container(spec, "keystore-init")
    assert keystore_init.get("restartPolicy") is None  # an init container: it runs at every start of the pod
    inits = [c["name"] for c in spec["initContainers"] if c.get("restartPolicy") is None]
    assert inits.index("vault-agent-init") < inits.index("keystore-init")  # after the agent wrote the files
    assert keystore_init["image"] == container(spec, "elasticsearch")["image"]  # Elasticsearch's own tool
    mounts = {m["mountPath"]: m["name"] for m in keystore_init["volumeMounts"]}
    volume = mounts["/usr/share/elasticsearch/config"]
    (declared,) = [v for v in spec["volumes"] if v["name"] == volume]
    assert "emptyDir" in declared  # nothing of an earlier pod's keystore survives


# --- PrometheusAdapter (docs/patterns.md) -----------------------------------------------------------------


@pytest.mark.parametrize("stack", [s for s in STACKS if stack_settings(s).metrics.enabled])
def test_the_exporter_in_each_pod_takes_10m_and_64mi_unless_the_stack_says_otherwise(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    metrics = stack_settings(stack).metrics
    defaults = parse_settings(AppSettings, {}, "defaults", KeyStyle()).metrics
    assert (defaults.cpu_request, defaults.memory) == ("10m", "64Mi")
    resources = container(elasticsearch_pod(stack, rendered[stack]), "metrics-exporter")["resources"]
    assert resources["requests"] == {"cpu": metrics.cpu_request, "memory": metrics.memory}
    assert resources["limits"]["memory"] == metrics.memory


# --- VaultSecretsInit: what Vault delivers (docs/patterns.md) ---------------------------------------------


@pytest.mark.parametrize("stack", [s for s in STACKS if stack_settings(s).vault.enabled])
def test_every_file_vault_delivers_is_one_value_that_something_in_the_pod_reads(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    settings = stack_settings(stack)
    spec = elasticsearch_pod(stack, rendered[stack])
    readers = [c for c in all_containers(spec) if not c["image"].startswith("hashicorp/vault:")]
    words = [
        word
        for c in readers
        for part in (c, c.get("readinessProbe", {}).get("exec", {}))
        for word in part.get("command", []) + part.get("args", [])
    ]
    assert settings.vault.files
    for file in settings.vault.files:
        assert file.format == "value", file.name
        path = f"{settings.vault.mount_path}/{file.name}"
        assert any(word == path or word.endswith(f"={path}") for word in words), f"nothing reads {path}"
