"""Arguments that are Outputs in a Python program: refused by name, except where they can be carried."""

from __future__ import annotations

import pulumi
import pytest
from podpatterns import ElasticsearchApp, SettingsError, TlsAmbassador, WorkloadTarget
from podpatterns.render import Recording, kubernetes_objects, run_with_mocks

WEB = {"name": "web", "namespace": "shop", "labels": {"app": "web"}, "app_port": 8443, "service_name": "web"}


def test_an_output_argument_is_refused_naming_it_at_any_depth_before_anything_is_registered() -> None:
    recording = Recording("inputs")

    def program() -> None:
        labels = {"app": pulumi.Output.from_input("web")}
        TlsAmbassador("web-tls", {"target": {**WEB, "labels": labels}, "upstream_port": pulumi.Output.from_input(8080)})

    with pytest.raises(SettingsError) as raised:
        run_with_mocks(program, project="test", stack="unit", recording=recording)
    assert str(raised.value).splitlines() == [
        "TlsAmbassador 'web-tls' arguments: target.labels.app: must be known when the program is planned: "
        "a plain value, not the output of a resource created by this deployment",
        "TlsAmbassador 'web-tls' arguments: upstream_port: must be known when the program is planned: "
        "a plain value, not the output of a resource created by this deployment",
    ]
    assert recording.registrations == []


def test_a_contribution_carries_outputs_in_annotation_values_only() -> None:
    rotation = {"source": "rotation", "podAnnotations": {"example.com/hash": pulumi.Output.from_input("abc")}}

    def program() -> None:
        ElasticsearchApp("search", {"namespace": "search", "tls": {"enabled": False}, "contributions": [rotation]})

    recording = run_with_mocks(program, project="test", stack="unit")
    (workload,) = [m for m in kubernetes_objects(recording) if m["kind"] in ("Deployment", "StatefulSet")]
    assert workload["spec"]["template"]["metadata"]["annotations"]["example.com/hash"] == "abc"

    volume = {"source": "v", "volumes": [{"name": "x", "emptyDir": pulumi.Output.from_input({})}]}
    with pytest.raises(SettingsError, match=r"contributions\[0\]\.volumes\[0\]\.emptyDir: must be known"):
        run_with_mocks(lambda: ElasticsearchApp("search", {"contributions": [volume]}), project="t", stack="u")


def test_a_callers_dependencies_reach_every_child() -> None:
    def program() -> None:
        namespace = pulumi.CustomResource("kubernetes:core/v1:Namespace", "shop", {})
        target = WorkloadTarget(**WEB, app_container="web")
        TlsAmbassador(
            "web-tls", {"target": target, "upstream_port": 8080}, pulumi.ResourceOptions(depends_on=[namespace])
        )

    recording = run_with_mocks(program, project="test", stack="unit")
    (namespace,) = [r for r in recording.registrations if r.name == "shop"]
    children = [r for r in recording.registrations if r.custom and r.name.startswith("web-tls")]
    assert len(children) >= 6
    assert all(namespace.urn in r.dependencies for r in children)
