"""Shared fixtures: the project's stacks rendered offline once per session, the Vault agent stand-in built once,
the dev and prod stacks' Elasticsearch pods run by the end-to-end harness once per module that asks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from podpatterns.podmodel import Manifest
from podpatterns.render import Recording, kubernetes_objects, run_offline

from .lib.harness.stack import StackPod, run_stack
from .lib.standins.vault import build_agent

PROJECT_DIR = Path(__file__).resolve().parent.parent
STACKS = sorted(
    p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (PROJECT_DIR / "stacks").glob("Pulumi.*.yaml")
)


@pytest.fixture(scope="session")
def recordings() -> dict[str, Recording]:
    return {stack: run_offline(PROJECT_DIR, stack) for stack in STACKS}


@pytest.fixture(scope="session")
def rendered(recordings: dict[str, Recording]) -> dict[str, list[Manifest]]:
    """Every stack's Kubernetes objects, as `python -m podpatterns.render` writes them."""
    return {stack: kubernetes_objects(recording) for stack, recording in recordings.items()}


@pytest.fixture(scope="session")
def vault_agent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Vault agent stand-in (tests/lib/standins/vault/agent.go), compiled with Debian's Go."""
    return build_agent(tmp_path_factory.mktemp("vault-agent"))


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack_pod(
    request: pytest.FixtureRequest,
    recordings: dict[str, Recording],
    vault_agent: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StackPod]:
    """The stack's Elasticsearch pod, started and ready (needs root; skips without it, except under CI)."""
    stack = request.param
    with run_stack(stack, recordings[stack], tmp_path_factory.mktemp(f"pod-{stack}"), vault_agent) as pod:
        yield pod
