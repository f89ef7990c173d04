"""ElasticsearchApp as a Pulumi component, under Pulumi's mocks."""

from __future__ import annotations

from podpatterns import PodContribution
from podpatterns.render import Recording

from ..lib.support.app_under_mocks import run


def test_children_are_parented_and_named_after_the_component() -> None:
    recording = run({"namespace": "search", "elasticsearch": {"nodes": 3, "storage_size": "1Gi"}})
    component, ambassador = [r for r in recording.registrations if not r.custom]
    assert component.type == "podpatterns:index:ElasticsearchApp"
    assert (ambassador.type, ambassador.name, ambassador.parent) == (
        "podpatterns:index:TlsAmbassador",
        "search-tls",
        component.urn,
    )
    children = [r for r in recording.registrations if r.custom and r.parent == component.urn]
    assert sorted(r.name for r in children) == [
        "search-client",
        "search-config",
        "search-data-0",  # each claim, patched to the storage size
        "search-data-1",
        "search-data-2",
        "search-headless",
        "search-identity",  # the workload's identity, guarded (a Stash)
        "search-namespace",
        "search-network",
        "search-pdb",
        "search-workload",
    ]


def test_outputs() -> None:
    outputs = run({"namespace": "logs", "elasticsearch": {"name": "es"}, "tls": {"enabled": False}}).outputs
    assert outputs == {"endpoint": "http://es.logs.svc:9200", "namespace": "logs", "service": "es"}


def test_outputs_behind_the_ambassador() -> None:
    outputs = run({"namespace": "logs", "elasticsearch": {"name": "es"}}).outputs
    assert outputs["endpoint"] == "https://es.logs.svc:9200"


def test_registrations_are_recorded_when_nothing_fails() -> None:
    # Bad arguments register nothing (tests/unit/test_bad_*.py); good ones register every resource.
    recording = Recording("test-unit")
    run({"tls": {"enabled": False}}, recording)
    assert len(recording.registrations) == 8  # the component, its six objects and the identity Stash


def test_contribution_reaches_the_rendered_workload() -> None:
    marker = PodContribution(source="Test 'marker'", pod_annotations={"example.com/marker": "present"})
    recording = run({"contributions": [marker]})
    (workload,) = [r for r in recording.registrations if r.name == "search-workload"]
    assert workload.inputs["spec"]["template"]["metadata"]["annotations"]["example.com/marker"] == "present"
