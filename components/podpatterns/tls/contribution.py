"""What the TLS ambassador adds to a pod, and the certificate names it needs (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pulumi

from ..kube import IMAGE_PULL_POLICY, common_labels, metadata, resources, restricted_security_context
from ..pod.model import Manifest, PodContribution
from ..pod.target import WorkloadTarget
from ..templating import read_template, render_template
from .settings import TlsSettings

CONTAINER = "tls-ambassador"
NGINX_USER = 101
"""The nginx user of the official images (alpine and debian)."""
TLS_DIR = "/etc/nginx/tls"
CONFIG_DIR = "/etc/nginx/ambassador"
CONFIG_KEY = "nginx.conf"
CA_DIR = "/etc/pod-patterns/tls-ca"
"""Where the application container finds the CA certificate (and nothing else of the Secret)."""
ROTATION_ANNOTATION = "pod-patterns.io/tls-sha256"
UPSTREAM_HEALTH_PATH = "/_ambassador/upstream-health"
EXPIRY_PORT = 9117
"""Where the ambassador serves its certificates' expiry (plain HTTP /metrics), named `tls-expiry`."""
EXPIRY_KEY = "expiry.prom"
"""The key of the TLS Secret holding those metrics."""
EXPIRY_METRIC = "podpatterns_tls_certificate_not_after_seconds"
RLIMIT_HEADROOM = 64
"""File descriptors beyond the connections: log files, the listening sockets, the pid file."""
ACCESS_LOG_BUFFER = "buffer=64k flush=1s"
"""One write per 64 KiB of log lines or per second, instead of one per request (see the template's comment)."""


@dataclass(frozen=True)
class AmbassadorLayout:
    """Where the ambassador listens and what it proxies to, for one workload."""

    target: WorkloadTarget
    upstream_port: int
    """The port the application listens on at 127.0.0.1."""
    health_path: str = "/"
    """The application's own health URL, proxied at UPSTREAM_HEALTH_PATH for in-pod readiness probes."""
    app_readiness: bool = False
    """The ambassador's own readiness probe asks `health_path` (see `readiness_probes`). Default False: a TCP
    probe, the application's own probe saying whether it answers (Elasticsearch's); TlsAmbassador's
    `app_readiness` argument defaults to true."""

    @property
    def listen_port(self) -> int:
        return self.target.app_port

    @property
    def secret_name(self) -> str:
        return f"{self.target.name}-tls"

    @property
    def config_map_name(self) -> str:
        return f"{self.target.name}-ambassador"

    def client_secret_name(self, client: str) -> str:
        return f"{self.target.name}-client-{client}"


def server_dns_names(layout: AmbassadorLayout, settings: TlsSettings) -> list[pulumi.Input[str]]:
    """Every name clients may use: the Services' names, per-pod names of a StatefulSet, localhost."""
    target = layout.target
    names = [*target.service_dns_names, *target.pod_dns_names, "localhost", *settings.dns_names]
    return list(dict.fromkeys(names))


def server_ip_addresses(settings: TlsSettings) -> list[str]:
    return list(dict.fromkeys(["127.0.0.1", *settings.ip_addresses]))


def nginx_config(layout: AmbassadorLayout, settings: TlsSettings) -> str:
    """nginx.conf of the ambassador, in the settings' mode (http or stream)."""
    tls = read_template("nginx-ambassador-tls.conf").rstrip("\n")
    access_log = f"/dev/stdout ambassador {ACCESS_LOG_BUFFER}" if settings.access_log else "off"
    expiry = render_template(
        "nginx-ambassador-expiry.conf", expiry_port=EXPIRY_PORT, tls_dir=TLS_DIR, expiry_key=EXPIRY_KEY
    )
    worker_connections = 2 * settings.max_clients
    common = {
        "workers": 1,
        "max_clients": settings.max_clients,
        "worker_connections": worker_connections,
        "rlimit_nofile": worker_connections + RLIMIT_HEADROOM,
        "access_log": access_log,
        "upstream_port": layout.upstream_port,
        "listen_port": layout.listen_port,
        "tls": tls,
        "expiry_server": expiry.rstrip("\n"),
    }
    if settings.mode == "stream":
        # No HTTP here, so no per-location check: 'required' refuses a connection without a valid
        # certificate at the handshake (the in-pod readiness probe does not go through the ambassador).
        verification = {"off": "", "optional": "optional", "required": "on"}[settings.mtls]
        return render_template(
            "nginx-ambassador-stream.conf",
            **common,
            client_verification=_client_verification(verification) if verification else "",
        )
    # 'optional' at the handshake even for 'required': the in-pod readiness probe has no client
    # certificate; 'required' is enforced per location (403), a bad certificate fails either way (400).
    client_check = (
        '            if ($ssl_client_verify != "SUCCESS") {\n                return 403;\n            }'
        if settings.mtls == "required"
        else ""
    )
    return render_template(
        "nginx-ambassador.conf",
        **common,
        client_verification="" if settings.mtls == "off" else _client_verification("optional"),
        client_check=client_check,
        health_path=layout.health_path,
        max_body_size="100m",
    )


def _client_verification(mode: str) -> str:
    return (
        "        # Client certificates verified against the CA: 1,140-1,340 instead of 510-690 us a handshake.\n"
        f"        ssl_client_certificate {TLS_DIR}/ca.crt;\n"
        f"        ssl_verify_client {mode};\n"
        "        ssl_verify_depth 1;\n"
    )


def config_map(layout: AmbassadorLayout, nginx_conf: str) -> Manifest:
    target = layout.target
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(layout.config_map_name, target.namespace, common_labels(target.name, "tls-ambassador")),
        "data": {CONFIG_KEY: nginx_conf},
    }


def tls_secret(
    name: str,
    target: WorkloadTarget,
    certificate: object,
    key: object,
    ca: object,
    *,
    expiry: object = None,
    namespace: str | None = None,
) -> Manifest:
    """A kubernetes.io/tls Secret in the target's namespace (or `namespace`); the values may be Pulumi outputs
    (kept secret by the caller).

    `expiry`: the certificates' expiry metrics (`expiry_metrics`), served by the ambassador; none for clients."""
    data = {"tls.crt": certificate, "tls.key": key, "ca.crt": ca}
    if expiry is not None:
        data[EXPIRY_KEY] = expiry
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata(name, namespace or target.namespace, common_labels(target.name, "tls-ambassador")),
        "type": "kubernetes.io/tls",
        "stringData": data,
    }


def readiness_probes(layout: AmbassadorLayout, settings: TlsSettings) -> Manifest:
    """The ambassador's readiness (and startup) probes.

    TCP by default: it works whatever the client-certificate mode, and the application's own probe says
    whether it answers. With `app_readiness` the ambassador stands in for the application's probe: mode
    http asks the health location through TLS (verified against the CA, no client certificate needed),
    so Ready means reachable over TLS; mode stream has no HTTP location and asks the application on
    127.0.0.1 directly, after a TCP startup probe has seen nginx listen. `curl` is in the nginx images.
    """
    tcp = {"tcpSocket": {"port": layout.listen_port}}
    if not layout.app_readiness:
        return {"readinessProbe": {**tcp, "periodSeconds": 5, "failureThreshold": 2}}
    curl = ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "--max-time", "2"]
    if settings.mode == "http":
        url = f"https://127.0.0.1:{layout.listen_port}{UPSTREAM_HEALTH_PATH}"
        command = [*curl, "--cacert", f"{TLS_DIR}/ca.crt", url]
        return {"readinessProbe": {"exec": {"command": command}, "periodSeconds": 5, "failureThreshold": 2}}
    command = [*curl, f"http://127.0.0.1:{layout.upstream_port}{layout.health_path}"]
    return {
        "startupProbe": {**tcp, "periodSeconds": 2, "failureThreshold": 30},
        "readinessProbe": {"exec": {"command": command}, "periodSeconds": 5, "failureThreshold": 2},
    }


def expiry_metrics(not_after: Mapping[str, str]) -> str:
    """Prometheus text for each certificate's end of validity (RFC 3339, as pulumi-tls gives it) by name.

    A value that is not a time (the offline render's deploy-time placeholder) is written as it is.
    """
    lines = [
        f"# HELP {EXPIRY_METRIC} When the certificate expires (Unix time): the ambassador's server certificate, "
        "and the CA it and its clients trust.",
        f"# TYPE {EXPIRY_METRIC} gauge",
    ]
    for certificate, end in not_after.items():
        lines.append(f'{EXPIRY_METRIC}{{certificate="{certificate}"}} {_unix_seconds(end)}')
    return "\n".join(lines) + "\n"


def _unix_seconds(rfc3339: str) -> str:
    try:
        return str(int(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()))
    except ValueError:
        return rfc3339


def ambassador_contribution(
    layout: AmbassadorLayout, settings: TlsSettings, source: str, rotation_hash: object = ""
) -> PodContribution:
    """The nginx container, its volumes, the CA for the app, the Service port, the rotation annotation.

    `source` names the component in conflict messages (`TlsAmbassador 'storefront-tls'`).

    `rotation_hash` (a string or a Pulumi output) changes whenever the certificate or the nginx
    configuration does, so that the pods roll.
    """
    listen = layout.listen_port
    container: Manifest = {
        "name": CONTAINER,
        "image": settings.image,
        "imagePullPolicy": IMAGE_PULL_POLICY,
        "command": ["nginx", "-c", f"{CONFIG_DIR}/{CONFIG_KEY}", "-g", "daemon off;"],
        "ports": [
            {"name": "https", "containerPort": listen, "protocol": "TCP"},
            {"name": "tls-expiry", "containerPort": EXPIRY_PORT, "protocol": "TCP"},
        ],
        **readiness_probes(layout, settings),
        "livenessProbe": {"tcpSocket": {"port": listen}, "periodSeconds": 10, "failureThreshold": 6},
        "resources": resources(settings.cpu_request, settings.cpu_limit, settings.memory, settings.memory),
        "securityContext": restricted_security_context(NGINX_USER),
        "volumeMounts": [
            {"name": "tls-ambassador-certs", "mountPath": TLS_DIR, "readOnly": True},
            {"name": "tls-ambassador-config", "mountPath": CONFIG_DIR, "readOnly": True},
            {"name": "tls-ambassador-tmp", "mountPath": "/tmp"},
        ],
    }
    return PodContribution(
        source=source,
        containers=[container],
        volumes=[
            # Only the ambassador mounts the key; 0444 because its uid owns no group the Secret files get.
            {"name": "tls-ambassador-certs", "secret": {"secretName": layout.secret_name, "defaultMode": 0o444}},
            {
                "name": "tls-ambassador-ca",
                "secret": {"secretName": layout.secret_name, "items": [{"key": "ca.crt", "path": "ca.crt"}]},
            },
            {"name": "tls-ambassador-config", "configMap": {"name": layout.config_map_name}},
            {"name": "tls-ambassador-tmp", "emptyDir": {"sizeLimit": "64Mi"}},
        ],
        app_volume_mounts=[{"name": "tls-ambassador-ca", "mountPath": CA_DIR, "readOnly": True}],
        service_ports=[{"name": "https", "port": listen, "targetPort": "https", "protocol": "TCP"}],
        pod_annotations={ROTATION_ANNOTATION: rotation_hash},  # type: ignore[dict-item]
        loopback_connections={CONTAINER: [layout.upstream_port]},
        app_listen_port=layout.upstream_port,
    )
