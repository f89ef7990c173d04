"""PodTemplateMerge and the patterns' `pod_contribution` outputs: a workload's own pod template, merged."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from podpatterns import (
    LogTailSidecar,
    PodConflictError,
    PodContribution,
    PodTemplateMerge,
    SettingsError,
    TlsAmbassador,
    merge_pod,
)
from podpatterns.pod.contribution_data import contribution_data, contribution_from_data
from podpatterns.render import run_with_mocks

from ..lib.support.workload_targets import workload_target

ORDERS = workload_target("orders", app_port=8443)
APP = {
    "name": "orders",
    "image": "example.com/orders:1.0",
    "ports": [{"name": "http", "containerPort": 8080}],
    "volumeMounts": [{"name": "logs", "mountPath": "/var/log/orders"}],
}
TEMPLATE = {
    "metadata": {"labels": {"app": "orders"}, "annotations": {"team": "shop"}},
    "spec": {"containers": [APP], "volumes": [{"name": "logs", "emptyDir": {}}]},
}


def merged(contributions: Any, template: Any = TEMPLATE, *, later: bool = False) -> dict[str, Any]:
    """The merged template and Service ports, as the program's stack outputs; `later`: the template as an Output."""

    def program() -> None:
        given = pulumi.Output.from_input(template) if later else template
        args = {"template": given, "app_container": "orders", "contributions": contributions}
        merge = PodTemplateMerge("orders-pod", args)
        pulumi.export("template", merge.template)
        pulumi.export("ports", merge.service_ports)

    return run_with_mocks(program, project="test", stack="unit").outputs


def patterns() -> tuple[TlsAmbassador, LogTailSidecar]:
    tls = TlsAmbassador("orders-tls", {"target": ORDERS, "upstream_port": 8080})
    logs = LogTailSidecar(
        "orders-logs", {"target": ORDERS, "volume": "logs", "directory": "/var/log/orders", "files": ["app.log"]}
    )
    return tls, logs


def test_the_ambassador_and_the_log_tail_join_a_workloads_own_pod_template() -> None:
    def program() -> None:
        tls, logs = patterns()
        merge = PodTemplateMerge(
            "orders-pod",
            {
                "template": TEMPLATE,
                "app_container": "orders",
                "contributions": [tls.pod_contribution, logs.pod_contribution],
            },
        )
        pulumi.export("template", merge.template)
        pulumi.export("ports", merge.service_ports)

    outputs = run_with_mocks(program, project="test", stack="unit").outputs
    spec = outputs["template"]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["orders", "tls-ambassador"]
    assert [(c["name"], c.get("restartPolicy")) for c in spec["initContainers"]] == [("tail-app-log", "Always")]
    assert spec["volumes"][0] == {"name": "logs", "emptyDir": {}}
    assert {"tls-ambassador-certs", "tls-ambassador-config"} <= {v["name"] for v in spec["volumes"]}
    annotations = outputs["template"]["metadata"]["annotations"]
    assert annotations["team"] == "shop"
    assert len(annotations["pod-patterns.io/tls-sha256"]) == 64  # the certificate and nginx configuration hash
    assert outputs["template"]["metadata"]["labels"] == {"app": "orders"}
    assert [p["port"] for p in outputs["ports"]] == [8443]
    assert TEMPLATE["spec"]["containers"] == [APP]  # the caller's template is left as it was


def test_a_contribution_round_trips_through_its_data() -> None:
    contribution = PodContribution(
        source="s",
        containers=[{"name": "c"}],
        loopback_ports={"c": [9201]},
        pod_annotations={"a": "b"},
        service_account_name="sa",
    )
    data = contribution_data(contribution)
    assert data == {
        "source": "s",
        "containers": [{"name": "c"}],
        "loopback_ports": {"c": [9201]},
        "pod_annotations": {"a": "b"},
        "service_account_name": "sa",
    }
    assert contribution_from_data({**data, "loopback_ports": {"c": [9201.0]}}) == contribution


@pytest.mark.parametrize(
    ("contribution", "template"),
    [
        (PodContribution("clash", containers=[{"name": "other", "ports": [{"containerPort": 8080}]}]), TEMPLATE),
        (PodContribution("clash", containers=[{"name": "orders"}]), TEMPLATE),
        (PodContribution("clash", volumes=[{"name": "logs", "emptyDir": {}}]), TEMPLATE),
        (PodContribution("clash", pod_annotations={"team": "other"}), TEMPLATE),
        (PodContribution("clash", app_volume_mounts=[{"name": "logs", "mountPath": "/var/log/orders"}]), TEMPLATE),
        (PodContribution("clash", app_volume_mounts=[{"name": "nowhere", "mountPath": "/x"}]), TEMPLATE),
    ],
)
def test_conflicts_fail_with_merge_pods_messages_before_anything_is_registered(
    contribution: PodContribution, template: dict[str, Any]
) -> None:
    own = PodContribution(
        "the pod template given to PodTemplateMerge 'orders-pod'",
        containers=template["spec"]["containers"],
        volumes=template["spec"]["volumes"],
        pod_annotations=template["metadata"]["annotations"],
    )
    with pytest.raises(PodConflictError) as expected:
        merge_pod("orders", [own, contribution])
    with pytest.raises(PodConflictError) as raised:
        merged([contribution_data(contribution)], template)
    assert str(raised.value) == str(expected.value)


def test_a_template_not_known_yet_is_merged_once_it_is() -> None:
    assert merged([], later=True)["template"] == merged([])["template"]


def test_bad_arguments_are_named() -> None:
    with pytest.raises(SettingsError) as raised:
        merged([{"containers": []}], {"metadata": {}})
    assert str(raised.value).splitlines() == [
        "PodTemplateMerge 'orders-pod' arguments: template: "
        "must be a pod template: an object with a spec (and metadata)",
        "PodTemplateMerge 'orders-pod' arguments: contributions[0]: must be a pod contribution with at least a source",
    ]


def test_every_pattern_hands_out_its_contribution_as_data() -> None:
    made: list[TlsAmbassador] = []

    def program() -> None:
        made.append(patterns()[0])

    run_with_mocks(program, project="test", stack="unit")
    (tls,) = made
    assert tls.pod_contribution["source"] == tls.contribution.source
    assert [c["name"] for c in tls.pod_contribution["containers"]] == ["tls-ambassador"]
    assert tls.pod_contribution["loopback_connections"] == {"tls-ambassador": [8080]}


def test_whole_numbers_from_another_language_are_merged_and_named_as_integers() -> None:
    """The engine hands a TypeScript or Go program's template over with every number a float."""
    as_floats = {
        **TEMPLATE,
        "spec": {**TEMPLATE["spec"], "containers": [{**APP, "ports": [{"containerPort": 9117.0}]}]},
    }
    tls, _ = patterns()
    contribution = contribution_data(tls.contribution)
    (ambassador,) = contribution["containers"]
    ports = [{**port, "containerPort": float(port["containerPort"])} for port in ambassador["ports"]]
    as_data = {**contribution, "containers": [{**ambassador, "ports": ports}]}
    with pytest.raises(PodConflictError, match=r"^port 9117/TCP is claimed by container 'orders' .* and by container"):
        merged([as_data], as_floats)
    (port,) = merged([], as_floats)["template"]["spec"]["containers"][0]["ports"]
    assert repr(port["containerPort"]) == "9117"
