"""VaultSecretsInit as a Pulumi component, on a workload that is not Elasticsearch and in ElasticsearchApp."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from podpatterns import (
    PodContribution,
    VaultSecretsInit,
    VaultSecretsInitArgs,
    merge_pod,
)
from podpatterns.render import Recording, run_with_mocks

from ..lib.support.workload_targets import workload_target

ORDERS = workload_target("orders", app_container="api", labels={"app.kubernetes.io/name": "orders"})
API = PodContribution(
    source="Deployment 'orders'",
    containers=[
        {"name": "api", "image": "registry.example/orders:2.4.1", "ports": [{"name": "http", "containerPort": 8080}]},
        {"name": "worker", "image": "registry.example/orders:2.4.1"},
    ],
)


def args(**overrides: Any) -> VaultSecretsInitArgs:
    base: VaultSecretsInitArgs = {
        "target": ORDERS,
        "address": "https://vault.example:8200",
        "ca_config_map": "vault-ca",
        "role": "orders",
        "files": [{"name": "db.json", "path": "shop/orders/db", "keys": ["user", "password"], "format": "json"}],
    }
    return {**base, **overrides}  # type: ignore[typeddict-item]


def run(component_args: VaultSecretsInitArgs, recording: Recording | None = None) -> tuple[Recording, list[Any]]:
    components: list[Any] = []

    def program() -> None:
        vault = VaultSecretsInit("orders-secrets", component_args)
        components.append(vault)
        pulumi.export("service_account", vault.service_account_name)
        pulumi.export("config_map", vault.config_map_name)

    return run_with_mocks(program, project="test", stack="unit", recording=recording), components


def test_children_are_parented_named_and_exported() -> None:
    recording, _ = run(args())
    (component,) = [r for r in recording.registrations if not r.custom]
    assert component.type == "podpatterns:index:VaultSecretsInit"
    children = {r.name: r for r in recording.registrations if r.custom}
    assert {r.parent for r in children.values()} == {component.urn}
    assert sorted(children) == ["orders-secrets-agent-config", "orders-secrets-service-account"]
    account = children["orders-secrets-service-account"].inputs
    assert account["metadata"] == {
        "name": "orders-vault",
        "namespace": "shop",
        "labels": {
            "app.kubernetes.io/component": "secrets",
            "app.kubernetes.io/instance": "orders",
            "app.kubernetes.io/managed-by": "pod-patterns",
            "app.kubernetes.io/name": "orders",
        },
    }
    assert account["automountServiceAccountToken"] is False
    assert recording.outputs == {"service_account": "orders-vault", "config_map": "orders-vault-agent"}


def test_the_init_container_lands_in_a_plain_deployment_pod() -> None:
    _, (vault,) = run(args(mount_into=["worker"]))
    pod = merge_pod("api", [API, vault.contribution])
    assert pod.service_account_name == "orders-vault"
    (init,) = pod.init_containers
    assert init["name"] == "vault-agent-init"
    assert init["image"] == "hashicorp/vault:1.18.3"
    assert init["command"] == ["vault", "agent", "-config=/etc/vault-agent/agent-init.json"]
    assert init["securityContext"]["runAsUser"] == 100
    assert init["securityContext"]["readOnlyRootFilesystem"] is True
    assert set(init["resources"]) == {"limits", "requests"}
    readers = {c["name"]: c["volumeMounts"] for c in pod.containers}
    expected = [{"name": "vault-secrets", "mountPath": "/vault/secrets", "readOnly": True}]
    assert readers == {"api": expected, "worker": expected}
    volumes = {v["name"]: v for v in pod.volumes}
    assert volumes["vault-secrets"]["emptyDir"] == {"medium": "Memory", "sizeLimit": "1Mi"}
    assert volumes["vault-token"]["projected"]["sources"] == [
        {"serviceAccountToken": {"audience": "vault", "expirationSeconds": 600, "path": "token"}}
    ]


def test_the_token_is_mounted_only_into_the_agent() -> None:
    _, (vault,) = run(args(renew=True, mount_into=["worker"]))
    pod = merge_pod("api", [API, vault.contribution])
    mounting = [
        c["name"]
        for c in pod.containers + pod.init_containers
        if any(m["name"] == "vault-token" for m in c.get("volumeMounts", []))
    ]
    assert mounting == ["vault-agent-init", "vault-agent"]
    (sidecar,) = [c for c in pod.init_containers if c.get("restartPolicy") == "Always"]
    assert sidecar["command"][-1] == "-config=/etc/vault-agent/agent-renew.json"


def test_mounting_into_a_missing_container_is_a_conflict() -> None:
    _, (vault,) = run(args(mount_into=["exporter"]))
    with pytest.raises(ValueError, match="mounts volumes into container 'exporter'"):
        merge_pod("api", [API, vault.contribution])


def test_a_changed_agent_configuration_rolls_the_pods() -> None:
    """Init containers read their configuration only at start: the pod annotation hashes the whole of it."""

    def annotation(**overrides: Any) -> str:
        _, (vault,) = run(args(**overrides))
        value: str = vault.contribution.pod_annotations["pod-patterns.io/vault-agent-config-sha256"]
        return value

    same = annotation()
    assert same == annotation()
    other_files = [{"name": "db.json", "path": "shop/orders/db-v2", "keys": ["user", "password"], "format": "json"}]
    for change in ({"files": other_files}, {"address": "https://vault.other:8200"}, {"renew": True}):
        assert annotation(**change) != same, change
