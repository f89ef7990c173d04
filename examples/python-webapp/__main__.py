"""A web service that is not Elasticsearch, extended through its pod by the pod-patterns components.

The application is a stock nginx serving static pages. The program builds its Deployment and Service
itself and composes four patterns onto the pod with a PodBuilder, without changing the image (the whole
pod is merged and checked against Pod Security "restricted" before any pattern registers a resource):
- TlsAmbassador: clients reach the pod over TLS on 8443 only; the application moves to 127.0.0.1:8080.
- LogTailSidecar: nginx writes access.log and error.log to a shared volume; tailers stream them to stdout.
- PrometheusAdapter: nginx-prometheus-exporter turns nginx's stub_status (127.0.0.1:8081) into /metrics.
- SysctlInit: a safe namespaced sysctl in the pod's securityContext (no privilege).
"""

import pulumi
import pulumi_kubernetes as k8s
from podpatterns import (
    LogTailSidecar,
    PodBuilder,
    PodContribution,
    PrometheusAdapter,
    SysctlInit,
    TlsAmbassador,
    WorkloadTarget,
)

config = pulumi.Config()
NAMESPACE = config.get("namespace") or "web"
REPLICAS = config.get_int("replicas") or 1
NAME = "web"
LABELS = {"app.kubernetes.io/name": NAME}
APP_PORT, STATUS_PORT, TLS_PORT = 8080, 8081, 8443
USER = 101  # nginx-unprivileged's nginx user
LOG_DIR = "/var/log/nginx"

NGINX_CONF = f"""pid /tmp/nginx.pid;
events {{}}
http {{
  access_log {LOG_DIR}/access.log;
  error_log {LOG_DIR}/error.log;
  client_body_temp_path /tmp/client_body;
  proxy_temp_path /tmp/proxy;
  fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi;
  scgi_temp_path /tmp/scgi;
  server {{
    listen 127.0.0.1:{APP_PORT};
    location / {{ root /usr/share/nginx/html; }}
    location = /healthz {{ return 200 "ok\\n"; }}
  }}
  server {{
    listen 127.0.0.1:{STATUS_PORT};
    location = /stub_status {{ stub_status; }}
  }}
}}
"""

target = WorkloadTarget(
    name=NAME, namespace=NAMESPACE, labels=LABELS, app_container=NAME, app_port=TLS_PORT, service_name=NAME
)
web = PodContribution(
    source="web application",
    containers=[
        {
            "name": NAME,
            "image": "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine",
            "volumeMounts": [
                {"name": "nginx-conf", "mountPath": "/etc/nginx/nginx.conf", "subPath": "nginx.conf", "readOnly": True},
                {"name": "tmp", "mountPath": "/tmp"},
            ],
            "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"cpu": "200m", "memory": "64Mi"}},
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": USER,
                "runAsGroup": USER,
                "readOnlyRootFilesystem": True,
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"},
            },
        }
    ],
    volumes=[
        {"name": "nginx-conf", "configMap": {"name": f"{NAME}-nginx"}},
        {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
        {"name": "logs", "emptyDir": {"sizeLimit": "256Mi"}},
    ],
    app_volume_mounts=[{"name": "logs", "mountPath": LOG_DIR}],
    loopback_ports={NAME: [APP_PORT, STATUS_PORT]},
)
builder = PodBuilder(target, web, security_context={"fsGroup": USER})
tls = builder.add(TlsAmbassador, "web-tls", {"target": target, "upstream_port": APP_PORT, "health_path": "/healthz"})
builder.add(
    LogTailSidecar,
    "web-logs",
    {
        "target": target,
        "volume": "logs",
        "directory": LOG_DIR,
        "files": ["access.log", "error.log"],
        "run_as_user": USER,
    },
)
builder.add(
    PrometheusAdapter,
    "web-metrics",
    {
        "target": target,
        "image": "docker.io/nginx/nginx-prometheus-exporter:1.4.1",
        "port": 9113,
        "upstream_port": STATUS_PORT,
        "args": [f"--nginx.scrape-uri=http://127.0.0.1:{STATUS_PORT}/stub_status", "--web.listen-address=:9113"],
        "health_path": "/",
    },
)
builder.add(SysctlInit, "web-sysctl", {"target": target, "sysctls": ["net.ipv4.tcp_keepalive_time=600"]})

pod = builder.build()  # conflicts and Pod Security violations fail here, before any pattern registers

metadata = {"name": NAME, "namespace": NAMESPACE, "labels": LABELS}
config_map = k8s.core.v1.ConfigMap(
    "web-nginx", metadata={**metadata, "name": f"{NAME}-nginx"}, data={"nginx.conf": NGINX_CONF}
)
k8s.apps.v1.Deployment(
    "web",
    metadata=metadata,
    spec={
        "replicas": REPLICAS,
        "selector": {"matchLabels": LABELS},
        "template": {
            "metadata": {"labels": LABELS, "annotations": pod.annotations},
            "spec": builder.pod_spec(),
        },
    },
    opts=pulumi.ResourceOptions(depends_on=[config_map, tls.resource]),
)
service = k8s.core.v1.Service("web", metadata=metadata, spec={"selector": LABELS, "ports": pod.service_ports})

pulumi.export("url", f"https://{NAME}.{NAMESPACE}.svc:{TLS_PORT}")
pulumi.export("ca_certificate", tls.resource.ca_certificate)
pulumi.export("containers", [c["name"] for c in pod.containers + pod.init_containers])
