"""Where a pod may run: a node selector and tolerations, as ECK's podTemplate and Elastic's Helm chart offer them.

Dedicated nodes for a search cluster are usually tainted (so that nothing else lands there) and labelled (so that
the cluster lands nowhere else): the pods need both a toleration of the taint and a selector of the label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..settings.checks import as_labels, label_pairs
from ..settings.engine import KeyedValueError, setting
from .model import Manifest
from .scheduling_args import SchedulingArgs, TolerationArgs

TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _label_key(value: str) -> None:
    label_pairs((f"{value}=",))


def _label_value(value: str) -> None:
    label_pairs((f"key={value}",))


@dataclass(frozen=True)
class TolerationSettings:
    """One taint the pods tolerate (Kubernetes' Toleration)."""

    key: str | None = setting(
        None,
        "Taint key, such as dedicated. Unset: every key (operator Exists only).",
        check=_label_key,
        allowed="label key",
    )
    operator: str = setting("Equal", "How the taint's value is matched.", choices=("Equal", "Exists"))
    value: str | None = setting(
        None, "Taint value (operator Equal). Unset: the empty value.", check=_label_value, allowed="label value"
    )
    effect: str | None = setting(None, "Taint effect tolerated. Unset: every effect.", choices=TAINT_EFFECTS)

    def __post_init__(self) -> None:
        if self.operator == "Exists" and self.value is not None:
            raise KeyedValueError("value", "operator Exists matches any value: remove value, or use operator Equal")
        if self.operator == "Equal" and self.key is None:
            raise KeyedValueError("key", "operator Equal needs a key (operator Exists without a key tolerates all)")

    def as_args(self) -> TolerationArgs:
        """The same toleration as a pattern's argument."""
        args: TolerationArgs = {"operator": self.operator}
        if self.key is not None:
            args["key"] = self.key
        if self.value is not None:
            args["value"] = self.value
        if self.effect is not None:
            args["effect"] = self.effect
        return args

    def manifest(self) -> Manifest:
        """The Toleration object, with only the fields set."""
        fields = {"key": self.key, "operator": self.operator, "value": self.value, "effect": self.effect}
        return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class SchedulingSettings:
    """Which nodes the pods may run on: the nodes with these labels, tainted or not."""

    node_selector: tuple[str, ...] = setting(
        (),
        "Node labels the pods require, as key=value, such as node-role.example.com/search=true. Empty: any node.",
        check=label_pairs,
        allowed="list of key=value labels",
    )
    tolerations: tuple[TolerationSettings, ...] = setting(
        (), "Taints the pods tolerate, such as the taint of nodes dedicated to the search cluster. Empty: none."
    )

    def pod_spec_fields(self) -> dict[str, Any]:
        """`nodeSelector` and `tolerations` for a pod spec, only those set (an unset one renders nothing)."""
        fields: dict[str, Any] = {}
        if self.node_selector:
            fields["nodeSelector"] = as_labels(self.node_selector)
        if self.tolerations:
            fields["tolerations"] = [toleration.manifest() for toleration in self.tolerations]
        return fields

    def as_args(self) -> SchedulingArgs:
        """The same scheduling as a pattern's argument (ElasticsearchApp hands its own to PrometheusAdapter)."""
        return {
            "node_selector": list(self.node_selector),
            "tolerations": [toleration.as_args() for toleration in self.tolerations],
        }
