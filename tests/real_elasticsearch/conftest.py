"""The real Elasticsearch (docs/elasticsearch-build.md): its home, built by scripts/elasticsearch, and each stack's
pods on it, started once per test module (needs root, Maven and Java 17; skips without, except under CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from podpatterns.render import Recording

from ..behaviour.conftest import require_root, unavailable
from ..harness.real_stack import RealStack, run_real_stack

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def elasticsearch_home() -> Path:
    """The home scripts/test built (PODPATTERNS_ELASTICSEARCH_HOME), else built now by scripts/elasticsearch."""
    require_root("network, mount and PID namespaces stand in for the pods")
    if os.environ.get("PODPATTERNS_ELASTICSEARCH_HOME"):
        return Path(os.environ["PODPATTERNS_ELASTICSEARCH_HOME"])
    for program, package in (("mvn", "maven"), ("javac", "openjdk-17-jdk-headless")):
        if shutil.which(program) is None:
            unavailable(f"{program} not found: install the Debian package {package} to build Elasticsearch")
    script = PROJECT_DIR / "scripts" / "elasticsearch"
    built = subprocess.run([script, "home"], capture_output=True, text=True, check=False)
    if built.returncode != 0:
        pytest.fail(f"scripts/elasticsearch home failed:\n{built.stderr[-3000:]}")
    return Path(built.stdout.strip().splitlines()[-1])


def stack_fixture(stack: str) -> Callable[..., Iterator[RealStack]]:
    """A module-scoped fixture running `stack`'s Elasticsearch pods on the real Elasticsearch."""

    @pytest.fixture(scope="module")
    def running(
        recordings: dict[str, Recording],
        vault_agent: Path,
        elasticsearch_home: Path,
        tmp_path_factory: pytest.TempPathFactory,
    ) -> Iterator[RealStack]:
        workdir = tmp_path_factory.mktemp(f"real-{stack}")
        with run_real_stack(stack, recordings[stack], workdir, vault_agent, elasticsearch_home) as real:
            yield real

    return running
