"""Schema gate: every rendered object validates strictly (unknown fields rejected) on each Kubernetes version."""

from __future__ import annotations

import pytest
from kubernetes_validate import validate
from podpatterns.pod.model import Manifest

from ..conftest import STACKS

KUBERNETES_VERSIONS = ["1.29", "1.33", "1.35"]

# Custom resources of the Prometheus Operator: kubernetes-validate knows only the built-in kinds.
# The PrometheusRule's groups are checked by the real promtool instead (tests/behaviour/test_alert_rules.py).
CUSTOM_KINDS = {("monitoring.coreos.com/v1", "PodMonitor"), ("monitoring.coreos.com/v1", "PrometheusRule")}


def built_in(manifests: list[Manifest]) -> list[Manifest]:
    return [m for m in manifests if (m["apiVersion"], m["kind"]) not in CUSTOM_KINDS]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("stack", STACKS)
def test_every_object_validates_strictly(stack: str, version: str, rendered: dict[str, list[Manifest]]) -> None:
    for manifest in built_in(rendered[stack]):
        validate(manifest, version, strict=True)


def test_only_the_operator_kinds_are_left_out(rendered: dict[str, list[Manifest]]) -> None:
    left_out = {(m["apiVersion"], m["kind"]) for objects in rendered.values() for m in objects} - {
        (m["apiVersion"], m["kind"]) for objects in rendered.values() for m in built_in(objects)
    }
    assert left_out == CUSTOM_KINDS  # prod has both; nothing else escapes the gate


def test_the_gate_rejects_an_unknown_field(rendered: dict[str, list[Manifest]]) -> None:
    (workload,) = [m for m in rendered["dev"] if m["kind"] == "Deployment"]
    broken = {**workload, "spec": {**workload["spec"], "replica": 1}}
    with pytest.raises(Exception, match="replica"):
        validate(broken, "1.33", strict=True)
