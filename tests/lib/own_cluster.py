"""scripts/cluster run on a control plane of a test's own (a directory of its own, beside the suite's cluster): for
tests that stop, kill or restart its programs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .prerequisites import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "cluster"


def scripts_cluster(command: str, directory: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`scripts/cluster COMMAND` on the cluster in `directory` (the programs are built: the suite's runs on them)."""
    inherited = {k: v for k, v in os.environ.items() if k != "PODPATTERNS_CLUSTER_PORT"}
    environment = {**inherited, "PODPATTERNS_CLUSTER_DIR": str(directory), **env}
    return subprocess.run([SCRIPT, command], env=environment, capture_output=True, text=True, timeout=300, check=False)
