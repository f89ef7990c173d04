"""The control plane scripts/test starts (scripts/cluster up); without it these tests skip, except under CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..lib.prerequisites import unavailable
from .kube import Kube


@pytest.fixture(scope="session")
def kube() -> Kube:
    """kubectl on the test cluster, from the variables `scripts/cluster env` prints.

    Both must be set: a KUBECONFIG alone may be a developer's real cluster, which no test may touch.
    """
    kubeconfig, bin_dir = os.environ.get("KUBECONFIG"), os.environ.get("PODPATTERNS_KUBE_BIN")
    if not (kubeconfig and bin_dir):
        unavailable(
            "no test cluster: scripts/test starts one when Go is installed (scripts/cluster up, then "
            "export $(scripts/cluster env) to run pytest by hand)"
        )
    return Kube(Path(bin_dir) / "kubectl", Path(kubeconfig))
