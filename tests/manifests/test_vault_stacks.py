"""VaultSecretsInit in the rendered stacks: off in dev, an init container in staging, renewal too in prod."""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns.pod.model import Manifest

from ..conftest import STACKS


def pod_spec(objects: list[Manifest]) -> dict[str, Any]:
    (workload,) = [
        m for m in objects if m["kind"] in ("Deployment", "StatefulSet") and m["metadata"]["name"] == "elasticsearch"
    ]
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def names(containers: list[Manifest]) -> list[str]:
    return [c["name"] for c in containers]


def test_dev_has_no_vault(rendered: dict[str, list[Manifest]]) -> None:
    spec = pod_spec(rendered["dev"])
    assert not [name for name in names(spec["initContainers"] + spec["containers"]) if "vault" in name]
    assert "serviceAccountName" not in spec
    assert not [m for m in rendered["dev"] if m["kind"] == "ServiceAccount"]


@pytest.mark.parametrize(
    ("stack", "init_containers"),
    [
        ("staging", ["vault-agent-init"]),
        ("prod", ["vault-agent-init"]),  # one-shot: Elasticsearch reads its keystore at startup only
    ],
)
def test_the_agent_runs_before_the_app(
    stack: str, init_containers: list[str], rendered: dict[str, list[Manifest]]
) -> None:
    spec = pod_spec(rendered[stack])
    assert [name for name in names(spec["initContainers"]) if name.startswith("vault")] == init_containers
    policies = {c["name"]: c.get("restartPolicy") for c in spec["initContainers"]}
    assert policies["vault-agent-init"] is None  # runs to completion before the app starts
    assert all(policies[name] == "Always" for name in init_containers[1:])  # the renewing agent is a sidecar
    (account,) = [m for m in rendered[stack] if m["kind"] == "ServiceAccount"]
    assert spec["serviceAccountName"] == account["metadata"]["name"] == "elasticsearch-vault"
    assert spec["automountServiceAccountToken"] is False
    assert account["automountServiceAccountToken"] is False


@pytest.mark.parametrize("stack", STACKS)
def test_token_only_in_the_agent_and_secrets_read_only_elsewhere(
    stack: str, rendered: dict[str, list[Manifest]]
) -> None:
    spec = pod_spec(rendered[stack])
    for container in spec["containers"] + spec["initContainers"]:
        mounts = {m["name"]: m for m in container.get("volumeMounts", [])}
        is_agent = container["image"].startswith("hashicorp/vault:")
        assert ("vault-token" in mounts) == is_agent, container["name"]
        if "vault-secrets" in mounts and not is_agent:
            assert mounts["vault-secrets"]["readOnly"] is True
    volumes = {v["name"]: v for v in spec["volumes"]}
    if "vault-secrets" in volumes:
        assert volumes["vault-secrets"]["emptyDir"] == {"medium": "Memory", "sizeLimit": "1Mi"}
        (source,) = volumes["vault-token"]["projected"]["sources"]
        assert source["serviceAccountToken"]["audience"] == "vault"
        assert source["serviceAccountToken"]["expirationSeconds"] == 600
        readers = [c["name"] for c in spec["containers"] if "vault-secrets" in str(c.get("volumeMounts"))]
        assert readers == ["elasticsearch"]
