"""Issue 18: what `pulumi up` waits for and refuses on a running cluster, and what scaling out restarts."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from podpatterns.elasticsearch import ElasticsearchApp, ElasticsearchAppArgs, plan_cluster
from podpatterns.elasticsearch.guard import STORAGE_ANNOTATION, UnsafeChangeError, identity_refusals, refusals
from podpatterns.elasticsearch.rollout import guard, identity_guard
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.render import Recording
from podpatterns.render.offline import Registration, run_with_mocks
from podpatterns.settings import KeyStyle, parse

from ..lib.support.variants import render_variant

PROD_LIKE = {"nodes": 3, "storage_size": "100Gi", "storage_class": "fast-ssd"}


def settings(**raw: Any) -> AppSettings:
    return parse(AppSettings, {"namespace": "search", **raw}, "test", KeyStyle())


def run(args: ElasticsearchAppArgs) -> Recording:
    return run_with_mocks(lambda: ElasticsearchApp("search", args) and None, project="t", stack="u")


def registered(recording: Recording, name: str) -> Registration:
    (found,) = [r for r in recording.registrations if r.name == name]
    return found


def workload_inputs(**es: Any) -> dict[str, Any]:
    """The StatefulSet's inputs as the engine records them (and hands to the guard as old or new inputs)."""
    inputs: dict[str, Any] = dict(registered(run({"elasticsearch": es}), "search-workload").inputs)
    return inputs


def test_the_statefulset_waits_nodes_times_the_budget_ignores_its_claim_templates_and_is_guarded() -> None:
    recording = run({"elasticsearch": PROD_LIKE, "rollout": {"seconds_per_node": 900}})
    options = registered(recording, "search-workload").options
    assert options == {
        "customTimeouts": {"create": "2700s", "update": "2700s"},  # 3 nodes x 900 s
        "ignoreChanges": ["spec.volumeClaimTemplates"],
        "hooks": {"before_update": ["search-workload-guard"]},
    }
    assert registered(recording, "search-client").options == {}


def test_a_deployment_gets_the_timeout_of_one_node() -> None:
    options = registered(run({"elasticsearch": {"workload": "Deployment"}}), "search-workload").options
    assert options == {"customTimeouts": {"create": "600s", "update": "600s"}}


def test_each_claim_is_patched_to_the_storage_size_after_the_workload() -> None:
    recording = run({"elasticsearch": PROD_LIKE})
    names = [r.name for r in recording.registrations]
    patches = [r for r in recording.registrations if r.type == "kubernetes:core/v1:PersistentVolumeClaimPatch"]
    claims = sorted(p.inputs["metadata"]["name"] for p in patches)
    assert claims == ["data-elasticsearch-0", "data-elasticsearch-1", "data-elasticsearch-2"]
    assert all(p.inputs["spec"] == {"resources": {"requests": {"storage": "100Gi"}}} for p in patches)
    assert all(names.index(p.name) > names.index("search-workload") for p in patches)
    workload = registered(recording, "search-workload").inputs
    assert workload["metadata"]["annotations"][STORAGE_ANNOTATION] == "100Gi fast-ssd"


def test_storage_may_grow_but_not_shrink_nor_change_class() -> None:
    old = workload_inputs(**PROD_LIKE)
    assert refusals(old, workload_inputs(**{**PROD_LIKE, "storage_size": "200Gi"})) == []
    (shrink,) = refusals(old, workload_inputs(**{**PROD_LIKE, "storage_size": "50Gi"}))
    assert shrink.startswith("elasticsearch.storageSize: the claims hold 100Gi and a claim cannot shrink")
    (moved,) = refusals(old, workload_inputs(**{**PROD_LIKE, "storage_class": "standard"}))
    assert moved.startswith("elasticsearch.storageClass: the claims were made with StorageClass fast-ssd")
    assert "snapshot" in moved


def test_scaling_refuses_to_drop_quorum_unless_the_nodes_were_excluded_from_voting() -> None:
    three, five = workload_inputs(**PROD_LIKE), workload_inputs(**{**PROD_LIKE, "nodes": 5})
    assert refusals(three, five) == []  # scaling out
    (two_at_once,) = refusals(five, three)
    assert two_at_once.startswith("elasticsearch.nodes: going from 5 to 3 nodes removes 2 master-eligible nodes")
    assert "voting_config_exclusions?node_names=elasticsearch-3,elasticsearch-4" in two_at_once
    assert refusals(five, three, voting_exclusions=("elasticsearch-4", "elasticsearch-3")) == []
    (single,) = refusals(three, workload_inputs(storage_size="100Gi", storage_class="fast-ssd"))
    assert single.startswith("elasticsearch.nodes: going from 3 nodes to 1 switches the last node to")


def test_the_guard_hook_fails_the_update_naming_the_key() -> None:
    hook = guard("search", voting_exclusions=())
    old, new = workload_inputs(**PROD_LIKE), workload_inputs(**{**PROD_LIKE, "nodes": 1})
    args = pulumi.ResourceHookArgs("urn", "id", "search-workload", "t", new_inputs=new, old_inputs=old)
    with pytest.raises(UnsafeChangeError, match=r"ElasticsearchApp 'search': .*\nelasticsearch\.nodes: going from 3"):
        hook(args)
    assert hook(pulumi.ResourceHookArgs("urn", "id", "search-workload", "t", new_inputs=old, old_inputs=old)) is None


def stashed_identity(**raw: Any) -> dict[str, Any]:
    """What the identity Stash keeps for these settings (its `input`, as the engine records it)."""
    inputs: dict[str, Any] = dict(registered(run(raw), "search-identity").inputs["input"])  # type: ignore[arg-type]
    return inputs


def test_every_resource_waits_for_the_guarded_identity() -> None:
    recording = run({"elasticsearch": PROD_LIKE})
    stash = registered(recording, "search-identity")
    assert stash.type == "pulumi:index:Stash"
    assert stash.options == {"hooks": {"before_update": ["search-identity-guard"]}}
    resources = [r for r in recording.registrations if r.custom and r is not stash]  # the patterns' ones too
    assert len(resources) > 10
    assert [r.name for r in resources if stash.urn not in r.dependencies] == []


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"elasticsearch": {**PROD_LIKE, "name": "logs"}}, "elasticsearch.name"),
        ({"elasticsearch": PROD_LIKE, "namespace": "search-2"}, "namespace"),
        ({"elasticsearch": {"workload": "Deployment"}}, "elasticsearch.workload"),
    ],
)
def test_a_change_that_replaces_the_statefulset_is_refused_naming_the_key(change: dict[str, Any], key: str) -> None:
    old = stashed_identity(namespace="search", elasticsearch=PROD_LIKE)
    (problem,) = identity_refusals(old, stashed_identity(**{"namespace": "search", **change}))
    assert problem.startswith(f"{key}: the change replaces the StatefulSet (")
    assert "snapshot the indices, deploy the new cluster as another ElasticsearchApp or stack, restore" in problem


def test_what_keeps_the_statefulset_or_replaces_only_a_deployment_passes() -> None:
    old = stashed_identity(namespace="search", elasticsearch=PROD_LIKE)
    assert identity_refusals(old, stashed_identity(namespace="search", elasticsearch={**PROD_LIKE, "nodes": 5})) == []
    dev = stashed_identity(namespace="search", elasticsearch={"workload": "Deployment"})
    assert (
        identity_refusals(
            dev, stashed_identity(namespace="search", elasticsearch={"workload": "Deployment", "name": "x"})
        )
        == []
    )


def test_a_library_change_to_the_identity_is_refused_as_such() -> None:
    old = stashed_identity(namespace="search", elasticsearch=PROD_LIKE)
    (problem,) = identity_refusals(old, {**old, "podManagementPolicy": "OrderedReady"})
    assert problem.startswith("this version of pod-patterns: the change replaces the StatefulSet (podManagementPolicy")


def test_the_identity_hook_fails_the_preview_naming_the_key() -> None:
    hook = identity_guard("search")
    old = {"input": stashed_identity(namespace="search", elasticsearch=PROD_LIKE)}
    new = {"input": stashed_identity(namespace="search", elasticsearch={**PROD_LIKE, "name": "logs"})}
    args = pulumi.ResourceHookArgs("urn", "id", "search-identity", "t", new_inputs=new, old_inputs=old)
    with pytest.raises(UnsafeChangeError, match=r"'search': refusing to replace the StatefulSet:\nelasticsearch\.name"):
        hook(args)
    assert hook(pulumi.ResourceHookArgs("urn", "id", "search-identity", "t", new_inputs=old, old_inputs=old)) is None


def test_the_stack_program_keeps_its_urns_when_the_cluster_is_renamed() -> None:
    """The cluster's name names the objects, not the component: a rename is a change the identity guard judges,
    and a stack deployed when the component carried the cluster's name keeps its resources through an alias."""
    default, renamed = render_variant("prod"), render_variant("prod", elasticsearch={"name": "logs"})
    assert {r.urn for r in renamed.registrations} == {r.urn for r in default.registrations}
    assert [alias.name for alias in registered(renamed, "elasticsearch").aliases] == ["logs"]
    assert registered(renamed, "elasticsearch-workload").inputs["metadata"]["name"] == "logs"
    assert registered(default, "elasticsearch-identity").inputs["input"]["name"] == "elasticsearch"
    assert registered(default, "elasticsearch").aliases == ()


def test_scaling_out_leaves_the_existing_pods_and_the_certificate_as_they_are() -> None:
    def template_and_names(nodes: int) -> tuple[Any, tuple[str, ...]]:
        app = settings(elasticsearch={**PROD_LIKE, "nodes": nodes})
        plan = plan_cluster(app, component="search")
        return plan.manifests["workload"]["spec"]["template"], plan.target.pod_dns_names  # in the server certificate

    (template3, names3), (template5, names5) = template_and_names(3), template_and_names(5)
    assert template3 == template5  # no rolling restart: the pods of the three nodes are not replaced
    assert names3 == names5  # pods are named by wildcard: no new certificate
    assert "*.elasticsearch-headless.search.svc.cluster.local" in names3
