"""Each policy's pure check, passing and violating."""

from __future__ import annotations

from typing import Any

import pytest
from podpolicies.containers import image_problem, pinned_images, privileged_only_in_init, requests_and_limits
from podpolicies.secrets import config_map_secrets, env_secrets
from podpolicies.services import Resource, plaintext_ports

RESOURCES = {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "50m", "memory": "32Mi"}}


def container(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox:1.36.1", "resources": RESOURCES, **fields}


PRIVILEGED = {"securityContext": {"privileged": True}}


def test_privileged_is_allowed_in_a_classic_init_container_only() -> None:
    assert (
        privileged_only_in_init(
            {"containers": [container("app")], "initContainers": [container("sysctl", **PRIVILEGED)]}
        )
        == []
    )
    spec = {
        "containers": [container("app", **PRIVILEGED)],
        "initContainers": [container("tail", restartPolicy="Always", **PRIVILEGED)],
    }
    assert privileged_only_in_init(spec) == [
        "container 'app' is privileged: only init containers may be (SysctlInit's), never a container that "
        "keeps running",
        "native sidecar 'tail' is privileged: only init containers may be (SysctlInit's), never a container that "
        "keeps running",
    ]


def test_requests_and_limits_on_every_container() -> None:
    assert requests_and_limits({"containers": [container("app")], "initContainers": [container("init")]}) == []
    spec = {
        "containers": [
            container("app", resources={"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "1Gi"}})
        ],
        "initContainers": [{"name": "init", "image": "busybox:1.36.1"}],
    }
    assert requests_and_limits(spec) == [
        "container 'app' has no limits.cpu",
        "init container 'init' has no requests.cpu, requests.memory, limits.cpu, limits.memory",
    ]


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("busybox:1.36.1", None),
        ("registry.example:5000/team/app:2.1", None),
        ("nginx@sha256:" + "a" * 64, None),
        ("nginx", "has no tag (it means latest)"),
        ("registry.example:5000/team/app", "has no tag (it means latest)"),
        ("nginx:latest", "is tagged latest"),
    ],
)
def test_image_pinning(image: str, problem: str | None) -> None:
    assert image_problem(image) == problem


def test_pinned_images_names_the_container() -> None:
    assert pinned_images({"containers": [container("app", image="nginx")]}) == [
        "container 'app' image 'nginx' has no tag (it means latest)"
    ]
    assert pinned_images({"containers": [container("app")]}) == []


PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE...\n-----END EC PRIVATE KEY-----\n"


def test_config_maps_hold_no_secrets() -> None:
    assert config_map_secrets({"data": {"nginx.conf": "ssl_certificate_key /etc/tls/tls.key;", "token-path": ""}}) == []
    assert config_map_secrets({"data": {"tls.key": PEM, "db_password": "hunter2"}}) == [
        "ConfigMap key 'tls.key' holds a PEM private key: put it in a Secret",
        "ConfigMap key 'db_password' looks like a secret by its name: put it in a Secret",
    ]


def test_env_takes_secrets_from_secrets() -> None:
    from_secret = {"name": "ES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "es", "key": "password"}}}
    assert env_secrets({"containers": [container("app", env=[from_secret, {"name": "MODE", "value": "x"}])]}) == []
    assert env_secrets({"containers": [container("app", env=[{"name": "API_TOKEN", "value": "abc"}])]}) == [
        "container 'app' env API_TOKEN looks like a secret by its name: take it from a Secret (valueFrom.secretKeyRef)"
    ]


def workload(*containers: dict[str, Any]) -> Resource:
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": list(containers)}}
    return Resource("kubernetes:apps/v1:Deployment", "web", {"spec": {"template": template}})


def service(*ports: dict[str, Any]) -> Resource:
    return Resource("kubernetes:core/v1:Service", "web", {"spec": {"selector": {"app": "web"}, "ports": list(ports)}})


APP = container("web", ports=[{"name": "http", "containerPort": 8080}, {"name": "transport", "containerPort": 9300}])
AMBASSADOR = container("tls-ambassador", ports=[{"name": "https", "containerPort": 8443}])
EXPORTER = container("metrics-exporter", ports=[{"name": "metrics", "containerPort": 9113}])


def test_a_service_behind_the_ambassador_reaches_only_tls_peers_and_sidecars() -> None:
    ports = [
        {"port": 443, "targetPort": "https"},
        {"port": 9113, "targetPort": 9113},
        {"port": 9300, "targetPort": "transport"},
    ]
    assert plaintext_ports([workload(APP, AMBASSADOR, EXPORTER), service(*ports)]) == []


def test_a_plain_port_of_the_app_or_an_undeclared_port_is_a_violation() -> None:
    resources = [
        workload(APP, AMBASSADOR),
        service({"port": 80, "targetPort": "http"}, {"port": 8081, "targetPort": 8081}),
    ]
    assert plaintext_ports(resources) == [
        "Service 'web' port 80 reaches the application container 'web' in plain text, not through TLS (web)",
        "Service 'web' port 8081 targets 8081, which no container declares: the application's plain port is on "
        "127.0.0.1 (web)",
    ]
    assert plaintext_ports([workload(APP, AMBASSADOR), service({"port": 9300, "targetPort": "transport"})], []) == [
        "Service 'web' port 9300 reaches the application container 'web' in plain text, not through TLS (web)"
    ]


def test_without_an_ambassador_plain_ports_are_the_app_owners_choice() -> None:
    assert plaintext_ports([workload(APP), service({"port": 80, "targetPort": "http"})]) == []
