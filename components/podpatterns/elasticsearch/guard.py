"""What an update of the running cluster may not do, judged from the workload's old and new inputs.

`pulumi up` and `pulumi preview` run `refusals` before they update the StatefulSet (a resource hook, `before_update`,
run on previews too: app.py), with the inputs the engine recorded at the last deploy and the new ones. So the
program knows the previous value without keeping any state of its own. A refusal fails the preview or the update
before the StatefulSet changes, with the stack key to blame and the safe procedure (docs/operations.md).

- Storage: the claims of a StatefulSet cannot change through it (`volumeClaimTemplates` is immutable; the engine
  ignores changes there, see app.py). Growth is done by patching each claim; a smaller size or another StorageClass
  cannot be done in place at all. The storage is compared through the STORAGE_ANNOTATION the workload carries.
- Identity: the fields Kubernetes cannot change in a StatefulSet (its name, namespace, selector, serviceName,
  podManagementPolicy) or its kind. Changing one replaces it: a new, empty cluster beside the old one, or every
  node down at once. The engine runs no update hook on a replacement, so these are kept in a Stash of their own
  (rollout.py), whose update runs `identity_refusals`.
- Scaling: removing more than one master-eligible node at once, or going from several nodes to one
  (`discovery.type: single-node`), can lose the master quorum, unless the nodes leaving were excluded from the
  voting configuration first (`rollout.votingExclusions`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..quantity import parse_memory
from .config import node_names

STORAGE_ANNOTATION = "pod-patterns.io/storage"
"""On the StatefulSet: `<size> <StorageClass or "default">`, what its claims were made with."""


class UnsafeChangeError(RuntimeError):
    """The update would cost the cluster its data or its quorum; the message says which key and what to do."""


def storage_annotation(size: str, storage_class: str | None) -> str:
    return f"{size} {storage_class or 'default'}"


def refusals(old: Mapping[str, Any], new: Mapping[str, Any], voting_exclusions: Sequence[str] = ()) -> list[str]:
    """Why the StatefulSet must not go from `old` to `new` (its inputs, as the engine records them); empty: safe."""
    return [*_storage_refusals(old, new), *_scaling_refusals(old, new, voting_exclusions)]


def _storage(inputs: Mapping[str, Any]) -> tuple[str, str] | None:
    text = inputs.get("metadata", {}).get("annotations", {}).get(STORAGE_ANNOTATION)
    if not text:
        return None
    size, storage_class = str(text).split(" ", 1)
    return size, storage_class


def _storage_refusals(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    before, after = _storage(old), _storage(new)
    if before is None or after is None or before == after:
        return []
    problems = []
    if before[1] != after[1]:
        problems.append(
            f"elasticsearch.storageClass: the claims were made with StorageClass {before[1]}, and a claim's class "
            f"cannot change ({after[1]} asked). Keep {before[1]}, or move the data: snapshot the indices, deploy a "
            "new cluster (another elasticsearch.name or stack) with the new class, restore, then remove the old one"
        )
    if parse_memory(after[0]) < parse_memory(before[0]):
        problems.append(
            f"elasticsearch.storageSize: the claims hold {before[0]} and a claim cannot shrink ({after[0]} asked). "
            f"Keep {before[0]} or more, or snapshot, deploy a new cluster with the smaller size and restore"
        )
    return problems


IDENTITY_KEYS: Mapping[str, str] = {
    "kind": "elasticsearch.workload",
    "namespace": "namespace",
    "name": "elasticsearch.name",
    "serviceName": "elasticsearch.name",
    "selector": "elasticsearch.name",
    "podManagementPolicy": "",
}
"""A workload's identity (what Kubernetes cannot change in place) and the stack key each follows ("": none; only
another version of this library changes it)."""


def workload_identity(workload: Mapping[str, Any]) -> dict[str, Any]:
    """The IDENTITY_KEYS of a rendered workload, as plain data for the Stash that keeps them."""
    metadata, spec = workload["metadata"], workload["spec"]
    return {
        "kind": workload["kind"],
        "namespace": metadata.get("namespace", ""),
        "name": metadata["name"],
        "serviceName": spec.get("serviceName", ""),
        "selector": spec["selector"],
        "podManagementPolicy": spec.get("podManagementPolicy", ""),
    }


def identity_refusals(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Why a StatefulSet of identity `old` must not become `new` (a replacement); empty: safe, or no StatefulSet."""
    if old.get("kind") != "StatefulSet" or old == new:
        return []
    # Another kind of workload differs in every field: its kind is the one to blame.
    changed = [key for key in IDENTITY_KEYS if old.get(key) != new.get(key)]
    changed = ["kind"] if "kind" in changed else changed
    blamed = sorted({IDENTITY_KEYS[key] for key in changed if IDENTITY_KEYS[key]})
    cause = ", ".join(blamed) if blamed else "this version of pod-patterns"
    fields = "; ".join(f"{key}: {old.get(key)!r} to {new.get(key)!r}" for key in changed)
    return [
        f"{cause}: the change replaces the StatefulSet ({fields}), which Kubernetes cannot change in place; the "
        f"engine would start a new, empty cluster and delete the old one with every node at once (its claims "
        f"stay behind). Keep the old value, or move the data: snapshot the indices, deploy the new cluster as "
        f"another ElasticsearchApp or stack, restore, then remove the old one (docs/operations.md)"
    ]


def _replicas(inputs: Mapping[str, Any]) -> int:
    return int(inputs.get("spec", {}).get("replicas", 1))


def _scaling_refusals(old: Mapping[str, Any], new: Mapping[str, Any], voting_exclusions: Sequence[str]) -> list[str]:
    before, after = _replicas(old), _replicas(new)
    if after >= before:
        return []
    cluster = str(new.get("metadata", {}).get("name", "elasticsearch"))
    leaving = node_names(cluster, before)[after:]
    if before > 1 and after == 1:
        return [
            f"elasticsearch.nodes: going from {before} nodes to 1 switches the last node to discovery.type "
            "single-node, which cannot take over a multi-node cluster's state: the cluster would not form. Keep "
            "at least 3 nodes, or snapshot, deploy a new single-node cluster and restore"
        ]
    if len(leaving) > 1 and sorted(leaving) != sorted(voting_exclusions):
        names = ",".join(leaving)
        return [
            f"elasticsearch.nodes: going from {before} to {after} nodes removes {len(leaving)} master-eligible nodes "
            f"({', '.join(leaving)}) at once, which can cost the master quorum. First exclude them from the voting "
            f"configuration: POST /_cluster/voting_config_exclusions?node_names={names} and set "
            f"rollout.votingExclusions to [{', '.join(leaving)}]; deploy; then DELETE "
            "/_cluster/voting_config_exclusions and remove rollout.votingExclusions"
        ]
    return []
