"""Schema gate: every rendered object validates strictly (unknown fields rejected) on each Kubernetes version."""

from __future__ import annotations

import pytest
from kubernetes_validate import validate
from podpatterns.podmodel import Manifest

from ..conftest import STACKS

KUBERNETES_VERSIONS = ["1.29", "1.33", "1.35"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("stack", STACKS)
def test_every_object_validates_strictly(stack: str, version: str, rendered: dict[str, list[Manifest]]) -> None:
    for manifest in rendered[stack]:
        validate(manifest, version, strict=True)


def test_the_gate_rejects_an_unknown_field(rendered: dict[str, list[Manifest]]) -> None:
    (workload,) = [m for m in rendered["dev"] if m["kind"] == "Deployment"]
    broken = {**workload, "spec": {**workload["spec"], "replica": 1}}
    with pytest.raises(Exception, match="replica"):
        validate(broken, "1.33", strict=True)
