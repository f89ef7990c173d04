"""Elasticsearch's own part of the pod: its container, its config-copying init container, its volumes."""

from __future__ import annotations

from ..kube import IMAGE_PULL_POLICY, resources, restricted_security_context
from ..logtail.settings import LogSettings
from ..pod.model import Manifest, PodContribution
from ..quantity import java_heap
from ..templating import read_template
from .config import CONFIG_DIR, DATA_DIR, HTTP_PORT, LOGS_DIR, TRANSPORT_PORT, USER_ID
from .settings import ElasticsearchSettings

CONTAINER = "elasticsearch"
CONFIG_INIT_CONTAINER = "config-init"
CONFIG_FILE_KEY = "elasticsearch.yml"
CONFIG_VOLUME = "config"
"""An emptyDir over the image's config directory: Elasticsearch and the keystore tool write there."""
DATA_VOLUME = "data"
TMP_VOLUME = "tmp"
LOGS_VOLUME = "logs"
_CONFIG_COPY_MOUNT = "/mnt/config"
READINESS_NAME = "elasticsearch-readiness"


def server_log_files(settings: ElasticsearchSettings, logs: LogSettings) -> tuple[str, ...]:
    """The files the tailers stream: `logs.files`, or the plain-text server log `<cluster name>.log`.

    With ES_LOG_STYLE=file Elasticsearch 8 writes every server event twice, to `<cluster>.log` (text) and
    `<cluster>_server.json` (ECS JSON); streaming one of them is enough. It also writes
    `<cluster>_deprecation.json`, slow logs and the JVM's `gc.log` there.
    """
    return logs.files or (f"{settings.name}.log",)


def image(settings: ElasticsearchSettings) -> str:
    return f"{settings.image}:{settings.version}"


def app_contribution(
    settings: ElasticsearchSettings,
    *,
    config_map: str,
    http_host: str,
    http_port: int,
    readiness: list[str],
    lifecycle: Manifest,
    logs: LogSettings,
) -> PodContribution:
    """Elasticsearch's container and volumes, with a root filesystem it cannot write.

    The image's config directory must be writable (Elasticsearch creates its keystore there), so an
    init container copies it into an emptyDir, and elasticsearch.yml is mounted over it from the
    ConfigMap. `readiness` is the command of the readiness probe, `lifecycle` its hooks. The logs emptyDir
    (the JVM's gc.log always, the server logs when log tailing is on) has a sizeLimit so that logs cannot fill
    the node's disk.
    """
    loopback = http_host == "127.0.0.1"
    volumes: list[Manifest] = [
        {"name": CONFIG_VOLUME, "emptyDir": {}},
        {"name": "config-file", "configMap": {"name": config_map}},
        {"name": TMP_VOLUME, "emptyDir": {}},
        {"name": LOGS_VOLUME, "emptyDir": {"sizeLimit": logs.size_limit}},
    ]
    if not settings.persistent:
        volumes.append({"name": DATA_VOLUME, "emptyDir": {}})
    return PodContribution(
        source=f"ElasticsearchApp '{settings.name}'",
        containers=[
            {
                **_app_container(settings, http_port=None if loopback else http_port, readiness=readiness),
                "lifecycle": lifecycle,
            }
        ],
        # The official image logs to the console unless told otherwise; the tailers read the files.
        app_env=[{"name": "ES_LOG_STYLE", "value": "file"}] if logs.enabled else [],
        init_containers=[_config_init_container(settings)],
        volumes=volumes,
        service_ports=[]
        if loopback
        else [{"name": "http", "port": HTTP_PORT, "targetPort": "http", "protocol": "TCP"}],
        loopback_ports={CONTAINER: [http_port]} if loopback else {},
    )


def _app_container(settings: ElasticsearchSettings, *, http_port: int | None, readiness: list[str]) -> Manifest:
    """`http_port`: the HTTP port to declare, None when Elasticsearch listens on 127.0.0.1 only."""
    heap = java_heap(settings.heap_bytes)
    container: Manifest = {
        "name": CONTAINER,
        "image": image(settings),
        "imagePullPolicy": IMAGE_PULL_POLICY,
        "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "ES_JAVA_OPTS", "value": f"-Xms{heap} -Xmx{heap}"},
        ],
        "ports": [{"name": "transport", "containerPort": TRANSPORT_PORT, "protocol": "TCP"}],
        "readinessProbe": _readiness_probe(readiness),
        "resources": resources(settings.cpu_request, settings.cpu_limit, settings.memory, settings.memory),
        "securityContext": restricted_security_context(USER_ID, group=0),
        "volumeMounts": [
            {"name": CONFIG_VOLUME, "mountPath": CONFIG_DIR},
            {
                "name": "config-file",
                "mountPath": f"{CONFIG_DIR}/{CONFIG_FILE_KEY}",
                "subPath": CONFIG_FILE_KEY,
                "readOnly": True,
            },
            {"name": TMP_VOLUME, "mountPath": "/tmp"},
            {"name": LOGS_VOLUME, "mountPath": LOGS_DIR},
            {"name": DATA_VOLUME, "mountPath": DATA_DIR},
        ],
    }
    if http_port is not None:
        container["ports"].insert(0, {"name": "http", "containerPort": http_port, "protocol": "TCP"})
    return container


def readiness_command(url: str, nodes: int, password_file: str | None = None) -> list[str]:
    """The readiness script (templates/elasticsearch-readiness.sh) for Elasticsearch at `url` inside the pod
    (kubelet's httpGet goes to the pod IP, and Elasticsearch may listen on 127.0.0.1 only): ready once the
    cluster is green after the node (re)joined, yellow for a single node (its replicas never assign). With
    `password_file` (security on) it asks as the elastic user, the password never on a command line."""
    status = "yellow" if nodes == 1 else "green"
    script = with_es_curl("elasticsearch-readiness.sh")
    login = [password_file] if password_file else []
    return ["sh", "-c", script, READINESS_NAME, url, status, *login]


def with_es_curl(template: str) -> str:
    """The shell script `template`, after the es_curl function it calls (templates/elasticsearch-curl.sh)."""
    return read_template("elasticsearch-curl.sh") + read_template(template)


def _readiness_probe(command: list[str]) -> Manifest:
    """No liveness probe goes with it: a busy node (long GC, heavy merge) must not be killed for answering slowly."""
    return {
        "exec": {"command": command},
        "initialDelaySeconds": 10,
        "periodSeconds": 10,
        "timeoutSeconds": 5,
        "failureThreshold": 3,
    }


def _config_init_container(settings: ElasticsearchSettings) -> Manifest:
    return {
        "name": CONFIG_INIT_CONTAINER,
        "image": image(settings),
        "imagePullPolicy": IMAGE_PULL_POLICY,
        "command": ["cp", "-R", f"{CONFIG_DIR}/.", _CONFIG_COPY_MOUNT],
        "resources": resources("50m", "200m", "64Mi", "64Mi"),
        "securityContext": restricted_security_context(USER_ID, group=0),
        "volumeMounts": [{"name": CONFIG_VOLUME, "mountPath": _CONFIG_COPY_MOUNT}],
    }
