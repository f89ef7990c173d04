"""The real Pulumi engine (scripts/lib/pulumi.sh builds it; scripts/test first) against the test control plane."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.kube import Kube
from ..lib.prerequisites import unavailable
from .cli import Engine


def _built(function: str) -> Path:
    """A path that scripts/lib/pulumi.sh computes for this checkout (the cache is keyed by the wrapper modules)."""
    script = f"source scripts/lib/pulumi.sh && {function}"
    return Path(
        subprocess.run(
            ["bash", "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    )


@pytest.fixture(scope="session")
def built_engine() -> Engine:
    """The CLI, its language hosts and the providers' PULUMI_HOME, without a cluster (KUBECONFIG names none)."""
    bin_dir, home = _built("pulumi_tools_dir"), _built("pulumi_home_dir")
    if not (home / ".complete").exists():
        unavailable("the Pulumi engine is not built: scripts/test builds it (or run scripts/pulumi version once)")
    return Engine(bin_dir, home, Path("/nonexistent/kubeconfig"))


@pytest.fixture(scope="session")
def engine(built_engine: Engine, kube: Kube) -> Engine:
    """The engine pointed at the test cluster."""
    return Engine(built_engine.bin_dir, built_engine.home, kube.kubeconfig)
