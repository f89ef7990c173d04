"""The real Elasticsearch (docs/elasticsearch-build.md): its home, built by scripts/elasticsearch, and each stack's
pods on it, started once per test module (needs root, Maven and Java 17; skips without, except under CI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from podpatterns.render import Recording

from ..lib.harness.real_stack import RealStack, run_real_stack
from ..lib.prerequisites import require_elasticsearch_home, require_root

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def elasticsearch_home() -> Path:
    """The real Elasticsearch's home (tests/lib/prerequisites.py)."""
    require_root("network, mount and PID namespaces stand in for the pods")
    return require_elasticsearch_home()


def stack_fixture(
    stack: str, log4j: Mapping[str, str] | None = None, claim_size: str | None = None
) -> Callable[..., Iterator[RealStack]]:
    """A module-scoped fixture running `stack`'s Elasticsearch pods on the real Elasticsearch (`log4j`: the test's
    values in the image's log4j2.file.properties, tests/lib/harness/elasticsearch_image.py; `claim_size`: each claim a
    file system of that size, run_real_stack)."""

    @pytest.fixture(scope="module")
    def running(
        recordings: dict[str, Recording],
        vault_agent: Path,
        elasticsearch_home: Path,
        tmp_path_factory: pytest.TempPathFactory,
    ) -> Iterator[RealStack]:
        workdir = tmp_path_factory.mktemp(f"real-{stack}")
        with run_real_stack(
            stack, recordings[stack], workdir, vault_agent, elasticsearch_home, log4j=log4j, claim_size=claim_size
        ) as real:
            yield real

    return running
