"""Day 2 on a real API server: the previous golden render (from git history), rolled out, then the current render.

The server refuses an update that changes an immutable field; such an object must be replaced (deleted and created
again, which `pulumi up` does for it). The test computes which objects need that from the two renders, expects the
server to refuse exactly those, replaces them, and then every rollout must complete.
"""

from __future__ import annotations

import copy
import re
import subprocess

import pytest
from podpatterns.pod.model import Manifest

from ..conftest import STACKS
from ..lib.cluster_targets import apply_all, golden_before_last_change, rollouts, with_namespaces
from ..lib.kube import Kube, delete_namespaces, moved, namespaces, unique_suffix

# The fields the API server refuses to change on update, by kind (spec keys).
IMMUTABLE = {
    "StatefulSet": ("selector", "serviceName", "volumeClaimTemplates", "podManagementPolicy"),
    "Deployment": ("selector",),
    "Service": ("clusterIP",),
}
REFUSED = re.compile(r'(\w+)(?:\.[\w.]+)? "([^"]+)" is invalid')


def key(manifest: Manifest) -> str:
    return f"{manifest['kind']}/{manifest['metadata']['name']}"


def needs_replacement(before: list[Manifest], after: list[Manifest]) -> dict[str, list[str]]:
    """`kind/name` -> the immutable spec fields that differ between the two renders."""
    previous = {key(m): m for m in before}
    changed = {}
    for manifest in after:
        old = previous.get(key(manifest))
        fields = [
            f for f in IMMUTABLE.get(manifest["kind"], ()) if old and old["spec"].get(f) != manifest["spec"].get(f)
        ]
        if fields:
            changed[key(manifest)] = fields
    return changed


def assert_rolled_out(statuses: dict[str, subprocess.CompletedProcess[str]]) -> None:
    assert statuses, "every stack has a workload"
    assert all(s.returncode == 0 for s in statuses.values()), {w: s.stderr for w, s in statuses.items()}


def upgrade(kube: Kube, previous: list[Manifest], current: list[Manifest], label: str) -> dict[str, list[str]]:
    """Rolls out `previous`, applies `current`: the server must refuse exactly the objects whose immutable fields
    changed; those are replaced (deleted, applied again) and every rollout must complete. Returns the replaced."""
    suffix = unique_suffix()
    before, after = with_namespaces(moved(previous, suffix)), with_namespaces(moved(current, suffix))
    replaced = needs_replacement(before, after)
    try:
        apply_all(kube, before)
        assert_rolled_out(rollouts(kube, before))
        applied = apply_all(kube, after, check=False)
        refused = {f"{kind}/{name}" for kind, name in REFUSED.findall(applied.stderr)}
        assert refused == set(replaced), f"{label}: {applied.stderr}"
        for manifest in after:
            if key(manifest) in replaced:
                namespace = manifest["metadata"]["namespace"]
                kube.run("delete", key(manifest).lower(), "--namespace", namespace)
        if replaced:
            apply_all(kube, after)
        assert_rolled_out(rollouts(kube, after))
    finally:
        delete_namespaces(kube, namespaces(before))
    return replaced


@pytest.mark.parametrize("stack", STACKS)
def test_the_previous_golden_render_upgrades_to_the_current_one(
    stack: str, kube: Kube, rendered: dict[str, list[Manifest]]
) -> None:
    commit, previous = golden_before_last_change(stack)
    upgrade(kube, previous, rendered[stack], f"the golden render of {commit[:12]} -> the current render")


def test_a_new_storage_size_needs_the_statefulset_replaced(kube: Kube, rendered: dict[str, list[Manifest]]) -> None:
    """prod with another `elasticsearch.storageSize`: the claim templates are immutable, the server says so."""
    current = copy.deepcopy(rendered["prod"])
    (statefulset,) = [m for m in current if m["kind"] == "StatefulSet"]
    (claim,) = statefulset["spec"]["volumeClaimTemplates"]
    claim["spec"]["resources"]["requests"]["storage"] = "200Gi"
    replaced = upgrade(kube, rendered["prod"], current, "prod with 200Gi of storage")
    assert replaced == {"StatefulSet/elasticsearch": ["volumeClaimTemplates"]}
