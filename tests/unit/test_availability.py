"""Availability: disruption budget, spreading over hosts and zones, and a shutdown in which the sidecars
outlive Elasticsearch."""

from __future__ import annotations

from typing import Any

import pytest
from podpatterns.elasticsearch import plan_cluster
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.elasticsearch.settings.model import ElasticsearchSettings
from podpatterns.settings import KeyStyle, SettingsError, parse

THREE_NODES = {"nodes": 3, "workload": "StatefulSet"}


def plan(**raw: Any) -> dict[str, Any]:
    settings = parse(AppSettings, {"namespace": "search", **raw}, "test", KeyStyle())
    return plan_cluster(settings, component="es").manifests


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
        pod_spec(plan(elasticsearch={"termination_grace_period_seconds": 300}, rollout={"delayed_timeout": "7m"}))[
            "terminationGracePeriodSeconds"
        ]
        == 300
    )
    # 30 to 3600: below 30 s a loaded node cannot leave the cluster cleanly; the bounds are accepted (with a
    # delayed_timeout above the longest restart), one beyond refused.
    for bound in (30, 3600):
        manifests = plan(elasticsearch={"termination_grace_period_seconds": bound}, rollout={"delayed_timeout": "70m"})
        assert pod_spec(manifests)["terminationGracePeriodSeconds"] == bound
    for beyond in (29, 3601):
        with pytest.raises(SettingsError, match=r"elasticsearch\.termination_grace_period_seconds.*30 to 3600"):
            plan(elasticsearch={"termination_grace_period_seconds": beyond})


def test_a_delayed_timeout_shorter_than_a_worst_case_restart_is_refused_by_key() -> None:
    with pytest.raises(SettingsError) as refused:
        plan(elasticsearch={"termination_grace_period_seconds": 300})  # 300 s + 120 s to start > the default 5m
    assert "rollout: delayedTimeout 5m is shorter than a worst-case restart (420 s" in str(refused.value)


def test_before_1_29_classic_sidecars_wait_for_the_app_to_close_its_port_with_no_fixed_sleep() -> None:
    spec = pod_spec(
        plan(kubernetes_version="1.28", logs={"enabled": True, "mode": "classic"}, metrics={"enabled": True})
    )
    hooks = {c["name"]: pre_stop(c) for c in spec["containers"]}
    assert set(hooks) == {"elasticsearch", "tls-ambassador", "metrics-exporter", "tail-elasticsearch-log"}
    for sidecar in ("tls-ambassador", "metrics-exporter", "tail-elasticsearch-log"):
        command = hooks[sidecar]
        assert command is not None
        assert command[:2] == ["sh", "-c"]
        assert command[-2:] == ["wait-for-app-exit", "9201"]  # Elasticsearch's port behind the ambassador
        assert "/proc/net/tcp" in command[2]  # polls the app's listening socket, never a fixed long sleep
    assert not any(c.get("restartPolicy") for c in spec["initContainers"])


def test_from_1_29_the_ambassador_and_exporter_are_native_sidecars_without_hooks() -> None:
    spec = pod_spec(plan(kubernetes_version="1.29", logs={"enabled": True}, metrics={"enabled": True}))
    assert [c["name"] for c in spec["containers"]] == ["elasticsearch"]
    native = [c for c in spec["initContainers"] if c.get("restartPolicy") == "Always"]
    assert {c["name"] for c in native} == {"tail-elasticsearch-log", "tls-ambassador", "metrics-exporter"}
    assert all(pre_stop(c) is None for c in native)  # the kubelet stops them after Elasticsearch
    classic = [c["name"] for c in spec["initContainers"] if "restartPolicy" not in c]
    order = [c["name"] for c in spec["initContainers"]]
    assert order[: len(classic)] == classic  # classic init containers complete before the sidecars start


def test_elasticsearch_prestop_sets_delayed_timeout_then_waits_only_for_endpoint_removal() -> None:
    spec = pod_spec(plan(rollout={"delayed_timeout": "7m", "endpoint_removal_seconds": 3}))
    (app,) = [c for c in spec["containers"] if c["name"] == "elasticsearch"]
    command = pre_stop(app)
    assert command is not None
    assert command[-4:] == ["elasticsearch-prestop", "http://127.0.0.1:9201", "7m", "3"]
    assert '"$1/_all/_settings"' in command[2]


def test_readiness_waits_for_green_once_on_several_nodes_and_yellow_on_one() -> None:
    def readiness(**raw: Any) -> list[str]:
        (app,) = [c for c in pod_spec(plan(**raw))["containers"] if c["name"] == "elasticsearch"]
        command: list[str] = app["readinessProbe"]["exec"]["command"]
        return command

    three = readiness(elasticsearch=THREE_NODES)
    assert three[-3:] == ["elasticsearch-readiness", "http://127.0.0.1:9201", "green"]
    assert "wait_for_status=$2" in three[2]
    assert readiness()[-1] == "yellow"  # one node's replicas never assign: it would never be ready
    assert readiness(tls={"enabled": False})[-2] == "http://127.0.0.1:9200"  # never through TLS either way
