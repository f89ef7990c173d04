"""The policy pack as the Pulumi policy engine calls it, on constructed resources and on every rendered program."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from podpatterns.render import Recording, run_offline
from podpolicies.pack import POLICIES
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
POLICY = {policy.name: policy for policy in POLICIES}


def resource_violations(policy_name: str, resource_type: str, props: Mapping[str, Any]) -> list[str]:
    policy = POLICY[policy_name]
    assert isinstance(policy, ResourceValidationPolicy)
    reported: list[str] = []
    args = ResourceValidationArgs(resource_type, props, f"urn:{resource_type}", "it", OPTIONS, None)
    policy.validate(args, lambda message, urn=None: reported.append(message))
    return reported


def stack_violations(
    resources: list[tuple[str, str, Mapping[str, Any]]], config: Mapping[str, Any] | None = None
) -> list[str]:
    policy = POLICY["no-plaintext-port-behind-ambassador"]
    assert isinstance(policy, StackValidationPolicy)
    reported: list[str] = []
    stack = [PolicyResource(t, props, f"urn:{name}", name, OPTIONS, None, None, [], {}) for t, name, props in resources]
    policy.validate(StackValidationArgs(stack, config), lambda message, urn=None: reported.append(message))
    return reported


def deployment(container: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    template = {"metadata": {"labels": dict(labels or {"app": "web"})}, "spec": {"containers": [container]}}
    return {"metadata": {"name": "web"}, "spec": {"template": template}}


GOOD = {
    "name": "web",
    "image": "nginx:1.27.3",
    "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "50m", "memory": "32Mi"}},
}


@pytest.mark.parametrize(
    ("policy", "bad", "message"),
    [
        (
            "privileged-only-in-init-containers",
            {"securityContext": {"privileged": True}},
            "container 'web' is privileged",
        ),
        ("requests-and-limits", {"resources": {}}, "container 'web' has no requests.cpu"),
        ("pinned-images", {"image": "nginx:latest"}, "container 'web' image 'nginx:latest' is tagged latest"),
        (
            "secrets-only-in-secrets",
            {"env": [{"name": "DB_PASSWORD", "value": "x"}]},
            "container 'web' env DB_PASSWORD looks like",
        ),
    ],
)
def test_each_pod_policy_passes_and_violates_through_the_pack(policy: str, bad: dict[str, Any], message: str) -> None:
    for kind in ("apps/v1:Deployment", "apps/v1:StatefulSet"):
        assert resource_violations(policy, f"kubernetes:{kind}", deployment(GOOD)) == []
        (violation,) = resource_violations(policy, f"kubernetes:{kind}", deployment({**GOOD, **bad}))
        assert violation.startswith(message)


def test_a_cron_job_pod_is_checked_too() -> None:
    cron = {"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{**GOOD, "image": "nginx"}]}}}}}}
    assert resource_violations("pinned-images", "kubernetes:batch/v1:CronJob", cron) != []


def test_secrets_in_config_maps_through_the_pack() -> None:
    assert (
        resource_violations("secrets-only-in-secrets", "kubernetes:core/v1:ConfigMap", {"data": {"a.conf": "x"}}) == []
    )
    pem = "-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n"
    assert resource_violations("secrets-only-in-secrets", "kubernetes:core/v1:ConfigMap", {"data": {"k": pem}}) == [
        "ConfigMap key 'k' holds a PEM private key: put it in a Secret"
    ]


def test_the_stack_policy_through_the_pack_with_its_configuration() -> None:
    app = {**GOOD, "ports": [{"name": "transport", "containerPort": 9300}]}
    pod = deployment(app)
    pod["spec"]["template"]["spec"]["containers"].append({**GOOD, "name": "tls-ambassador"})
    service = {"spec": {"selector": {"app": "web"}, "ports": [{"port": 9300, "targetPort": "transport"}]}}
    resources = [("kubernetes:apps/v1:Deployment", "web", pod), ("kubernetes:core/v1:Service", "web", service)]
    assert stack_violations(resources) == []
    (violation,) = stack_violations(resources, {"peerPorts": []})
    assert "reaches the application container 'web' in plain text" in violation


PROGRAMS = {"example python-webapp dev": (ROOT / "examples" / "python-webapp", "dev")}


@pytest.fixture(scope="module")
def programs(recordings: dict[str, Recording]) -> dict[str, Recording]:
    """Every stack of the project, and the Python example, rendered offline."""
    return {f"stack {stack}": rec for stack, rec in recordings.items()} | {
        name: run_offline(project, stack) for name, (project, stack) in PROGRAMS.items()
    }


def test_every_rendered_program_passes_every_policy(programs: dict[str, Recording]) -> None:
    assert len(programs) == 4  # dev, staging, prod and the example
    for program, recording in programs.items():
        kubernetes = [r for r in recording.registrations if r.type.startswith("kubernetes:")]
        assert any(r.type == "kubernetes:core/v1:Service" for r in kubernetes), program
        violations = [
            f"{program} {r.type} {r.name}: {message}"
            for policy in POLICIES
            if isinstance(policy, ResourceValidationPolicy)
            for r in kubernetes
            for message in resource_violations(policy.name, r.type, r.inputs)
        ]
        violations += [f"{program}: {m}" for m in stack_violations([(r.type, r.name, r.inputs) for r in kubernetes])]
        assert violations == []
