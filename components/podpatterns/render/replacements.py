"""Would `pulumi up` delete live resources? A program's URNs against a snapshot of the previous ones.

A resource whose URN changes (renamed, given another type or parent) is a new resource to
Pulumi: the old one is deleted, and a Kubernetes object recreated (a StatefulSet's pods
restarted, a certificate re-issued). An `Alias` keeps it. `match_snapshot` resolves aliases as
the engine's step generator does (`collapseAliasToUrn`, `inheritedChildAlias`): each alias
collapsed to a URN with the resource's own parts where it leaves them out, and the aliases of
a parent that was found through one inherited by its children (a child named `<parent>-x`
also takes the parent's old name). The snapshot plays the part of the stack's state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .offline import AliasSpec, Recording, Registration
from .urn import ROOT_STACK_TYPE, make_urn, name_of, project_of, qualified_type, stack_of, type_of


def snapshot_text(recording: Recording) -> str:
    """Every resource's URN, sorted, one per line: the file `--urns` writes and the tests compare."""
    return "".join(f"{urn}\n" for urn in sorted(r.urn for r in recording.registrations))


def read_snapshot(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@dataclass
class Matching:
    """How a program's resources line up with a snapshot's URNs."""

    through_alias: dict[str, str] = field(default_factory=dict)
    """New URN -> the snapshot's URN it keeps through an alias."""
    removed: list[str] = field(default_factory=list)
    """Snapshot URNs no resource keeps: `pulumi up` would delete these resources."""
    added: list[str] = field(default_factory=list)
    """URNs that are in no snapshot: `pulumi up` would create these resources."""


def match_snapshot(previous: Iterable[str], recording: Recording) -> Matching:
    """Match every registration, in registration order (parents first), to the snapshot."""
    old = set(previous)
    matching = Matching()
    kept: set[str] = set()
    for registration in recording.registrations:
        if registration.urn in old:
            kept.add(registration.urn)
            continue
        found = next((urn for urn in _aliases(registration, matching.through_alias) if urn in old), None)
        if found is None:
            matching.added.append(registration.urn)
        else:
            matching.through_alias[registration.urn] = found
            kept.add(found)
    matching.removed = sorted(old - kept)
    return matching


def _aliases(registration: Registration, parents_aliased: dict[str, str]) -> list[str]:
    """Every URN the resource may have had, in the engine's order."""
    own = [_collapse(registration, alias, parents_aliased) for alias in registration.aliases]
    parent_old = parents_aliased.get(registration.parent)
    if parent_old is None:
        return own
    parent_name = name_of(registration.parent)
    inherited = [_inherited(registration.urn, registration.type, registration.name, parent_name, parent_old)]
    inherited += [_inherited(registration.urn, type_of(urn), name_of(urn), parent_name, parent_old) for urn in own]
    return own + inherited


def _collapse(registration: Registration, alias: AliasSpec, parents_aliased: dict[str, str]) -> str:
    if alias.urn:
        return alias.urn
    parent = registration.parent
    if alias.parent_urn:
        parent = parents_aliased.get(alias.parent_urn, alias.parent_urn)
    if alias.no_parent or (parent and type_of(parent) == ROOT_STACK_TYPE):
        parent = ""
    return make_urn(
        alias.stack or stack_of(registration.urn),
        alias.project or project_of(registration.urn),
        parent,
        alias.type or registration.type,
        alias.name or registration.name,
    )


def _inherited(urn: str, child_type: str, child_name: str, parent_name: str, parent_old: str) -> str:
    """The child's URN under its parent's old URN; a name derived from the parent's takes its old name."""
    if child_name.startswith(parent_name):
        child_name = name_of(parent_old) + child_name.removeprefix(parent_name)
    return make_urn(stack_of(urn), project_of(urn), parent_old, child_type, child_name)


def replacement_advice(matching: Matching, snapshot: str) -> str:
    """What the developer must do about `matching.removed`, naming each URN and the alias that would keep it."""
    lines = [
        f"pulumi up would delete {len(matching.removed)} live resource(s) listed in {snapshot}: "
        "no resource of the program has their URN or an alias resolving to it."
    ]
    for urn in matching.removed:
        lines.append(f"  gone: {urn}")
        successor = _likely_successor(urn, matching.added)
        if successor:
            lines.append(f"    now: {successor}")
            lines.append(
                f"    keep it: register that resource with ResourceOptions(aliases=[{_alias_code(urn, successor)}])"
            )
    lines += [
        "A rename, a new type or a new parent replaces the live object (pods restarted, certificates re-issued).",
        "To keep it, add the alias shown (pulumi.Alias(name=..., type_=..., parent=...): only the parts that "
        "changed); children named after their parent follow its alias.",
        "If deleting them is intended, run scripts/update-golden --allow-replacements and say so in the review.",
    ]
    return "\n".join(lines)


def _likely_successor(old: str, added: list[str]) -> str | None:
    """The new URN of the same type, else of the same name, if there is exactly one."""
    for candidates in (
        [urn for urn in added if type_of(urn) == type_of(old)],
        [urn for urn in added if name_of(urn) == name_of(old)],
    ):
        if len(candidates) == 1:
            return candidates[0]
    return None


def _alias_code(old: str, new: str) -> str:
    parts = []
    if name_of(old) != name_of(new):
        parts.append(f'name="{name_of(old)}"')
    if type_of(old) != type_of(new):
        parts.append(f'type_="{type_of(old)}"')
    old_parents, new_parents = qualified_type(old).split("$")[:-1], qualified_type(new).split("$")[:-1]
    if old_parents != new_parents:
        parts.append(f"parent=<the {old_parents[-1]} it was under>" if old_parents else "parent=None")
    return f"pulumi.Alias({', '.join(parts)})"
