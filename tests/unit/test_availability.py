"""Availability: disruption budget, spreading over hosts and zones, and a shutdown in which the sidecars
outlive Elasticsearch."""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns.elasticsearch import plan_cluster
from podpatterns.elasticsearch.patterns import planned_contributions
from podpatterns.elasticsearch.plan import target_of
from podpatterns.elasticsearch.shutdown import SIDECAR_STOP_MARGIN_SECONDS
from podpatterns.settings import AppSettings, KeyStyle, SettingsError, parse
from podpatterns.settings.model import ElasticsearchSettings

THREE_NODES = {"nodes": 3, "workload": "StatefulSet"}


def plan(**raw: Any) -> dict[str, Any]:
    settings = parse(AppSettings, {"namespace": "search", **raw}, "test", KeyStyle())
    return plan_cluster(settings, planned_contributions("es", settings, target_of(settings))).manifests


def pod_spec(manifests: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = manifests["workload"]["spec"]["template"]["spec"]
    return spec


def pre_stop(container: dict[str, Any]) -> list[str] | None:
    hook = container.get("lifecycle", {}).get("preStop")
    return hook["exec"]["command"] if hook else None


def test_multi_node_has_a_budget_host_anti_affinity_and_zone_spread() -> None:
    manifests = plan(elasticsearch=THREE_NODES)
    selector = {"app.kubernetes.io/name": "elasticsearch", "app.kubernetes.io/instance": "elasticsearch"}
    assert manifests["pdb"]["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": selector}}
    spec = pod_spec(manifests)
    (term,) = spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    assert spec["topologySpreadConstraints"] == [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway",  # fewer zones than nodes must still schedule
            "labelSelector": {"matchLabels": selector},
        }
    ]


def test_required_anti_affinity_refuses_two_nodes_on_one_host() -> None:
    spec = pod_spec(plan(elasticsearch={**THREE_NODES, "anti_affinity": "required"}))
    (term,) = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["topologyKey"] == "kubernetes.io/hostname"


def test_one_node_has_no_budget_and_no_spreading() -> None:
    # A budget on one pod would block every node drain; there is nothing to spread.
    manifests = plan()
    assert "pdb" not in manifests
    assert "affinity" not in pod_spec(manifests)
    assert "topologySpreadConstraints" not in pod_spec(manifests)


def test_grace_period_default_and_bounds() -> None:
    assert ElasticsearchSettings().termination_grace_period_seconds == 120
    assert pod_spec(plan())["terminationGracePeriodSeconds"] == 120
    assert (
        pod_spec(plan(elasticsearch={"termination_grace_period_seconds": 300}))["terminationGracePeriodSeconds"] == 300
    )
    # 30 to 3600: below 30 s a loaded node cannot leave the cluster cleanly (and a classic sidecar's preStop
    # sleep, the grace period less 10 s, would be all but gone); the bounds are accepted, one beyond refused.
    for bound in (30, 3600):
        assert (
            pod_spec(plan(elasticsearch={"termination_grace_period_seconds": bound}))["terminationGracePeriodSeconds"]
            == bound
        )
    for beyond in (29, 3601):
        with pytest.raises(SettingsError, match=r"elasticsearch\.termination_grace_period_seconds.*30 to 3600"):
            plan(elasticsearch={"termination_grace_period_seconds": beyond})


def test_classic_sidecars_outlive_elasticsearch() -> None:
    spec = pod_spec(
        plan(logs={"enabled": True, "mode": "classic"}, elasticsearch={"termination_grace_period_seconds": 300})
    )
    hooks = {c["name"]: pre_stop(c) for c in spec["containers"]}
    delay = str(300 - SIDECAR_STOP_MARGIN_SECONDS)
    assert hooks == {
        "elasticsearch": None,  # stops at once, with the whole grace period for itself
        "tls-ambassador": ["sleep", delay],
        "tail-elasticsearch-log": ["sleep", delay],
    }


def test_native_sidecars_need_no_hook() -> None:
    spec = pod_spec(plan(logs={"enabled": True, "mode": "native"}, metrics={"enabled": True}))
    (tailer,) = [c for c in spec["initContainers"] if c["name"] == "tail-elasticsearch-log"]
    assert tailer["restartPolicy"] == "Always"  # the kubelet stops it after Elasticsearch
    assert pre_stop(tailer) is None
    hooks = {c["name"]: pre_stop(c) for c in spec["containers"]}
    assert hooks == {"elasticsearch": None, "tls-ambassador": ["sleep", "110"], "metrics-exporter": None}
