"""The dev and prod stacks' Elasticsearch pods, each started once per module by the harness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from podpatterns.render import Recording

from ..harness.stack import StackPod, run_stack


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack_pod(
    request: pytest.FixtureRequest,
    recordings: dict[str, Recording],
    vault_agent: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StackPod]:
    stack = request.param
    with run_stack(stack, recordings[stack], tmp_path_factory.mktemp(f"e2e-{stack}"), vault_agent) as pod:
        yield pod
