"""Shared fixtures: the project's stacks rendered offline once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from podpatterns.podmodel import Manifest
from podpatterns.render import Recording, kubernetes_objects, run_offline

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
