"""The web service of examples/typescript and examples/go, in Python: what their `pulumi up` must create."""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
from podpatterns import LogTailSidecar, PrometheusAdapter, SysctlInit, TlsAmbassador
from podpatterns.pod.template_merge import PodTemplateMerge

NGINX_CONF = Path(__file__).resolve().parents[4] / "examples" / "typescript" / "nginx.conf"
config = pulumi.Config()
NAME = "web"
LABELS = {"app.kubernetes.io/name": NAME}
APP_PORT, STATUS_PORT, TLS_PORT = 8080, 8081, 8443
USER = 101
LOG_DIR = "/var/log/nginx"

shop = k8s.core.v1.Namespace(
    "shop",
    metadata={
        "name": config.get("namespace") or "web",
        "labels": {"pod-security.kubernetes.io/enforce": "restricted"},
    },
)
namespace = shop.metadata.apply(lambda m: m.name)
metadata = {"name": NAME, "namespace": namespace, "labels": LABELS}
target = {
    "name": NAME,
    "namespace": namespace,
    "labels": LABELS,
    "app_container": NAME,
    "app_port": TLS_PORT,
    "service_name": NAME,
}
tls = TlsAmbassador("web-tls", {"target": target, "upstream_port": APP_PORT, "health_path": "/healthz"})
logs = LogTailSidecar(
    "web-logs",
    {
        "target": target,
        "volume": "logs",
        "directory": LOG_DIR,
        "files": ["access.log", "error.log"],
        "run_as_user": USER,
    },
)
metrics = PrometheusAdapter(
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
sysctl = SysctlInit("web-sysctl", {"target": target, "sysctls": ["net.ipv4.tcp_keepalive_time=600"]})
pod = PodTemplateMerge(
    "web-pod",
    {
        "app_container": NAME,
        "template": {
            "metadata": {"labels": LABELS},
            "spec": {
                "securityContext": {"fsGroup": USER},
                "containers": [
                    {
                        "name": NAME,
                        "image": "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine",
                        "volumeMounts": [
                            {
                                "name": "nginx-conf",
                                "mountPath": "/etc/nginx/nginx.conf",
                                "subPath": "nginx.conf",
                                "readOnly": True,
                            },
                            {"name": "tmp", "mountPath": "/tmp"},
                            {"name": "logs", "mountPath": LOG_DIR},
                        ],
                        "resources": {
                            "requests": {"cpu": "50m", "memory": "32Mi"},
                            "limits": {"cpu": "200m", "memory": "64Mi"},
                        },
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
                "volumes": [
                    {"name": "nginx-conf", "configMap": {"name": f"{NAME}-nginx"}},
                    {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
                    {"name": "logs", "emptyDir": {"sizeLimit": "256Mi"}},
                ],
            },
        },
        "contributions": [tls.contribution, logs.contribution, metrics.contribution, sysctl.contribution],
    },
)
config_map = k8s.core.v1.ConfigMap(
    "web-nginx", metadata={**metadata, "name": f"{NAME}-nginx"}, data={"nginx.conf": NGINX_CONF.read_text()}
)
k8s.apps.v1.Deployment(
    "web",
    metadata=metadata,
    spec={"replicas": config.get_int("replicas") or 1, "selector": {"matchLabels": LABELS}, "template": pod.template},
    opts=pulumi.ResourceOptions(depends_on=[config_map, tls]),
)
k8s.core.v1.Service("web", metadata=metadata, spec={"selector": LABELS, "ports": pod.service_ports})
