"""Arguments of where pods run, shared by PrometheusAdapter and ElasticsearchApp.

Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.
No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

from collections.abc import Sequence
from typing import TypedDict

import pulumi


class TolerationArgs(TypedDict, total=False):
    """One taint the pods tolerate (Kubernetes' Toleration)."""

    key: pulumi.Input[str]
    """Taint key, such as dedicated. Unset: every key (operator Exists only). Allowed: label key. Default: none."""
    operator: pulumi.Input[str]
    """How the taint's value is matched. Allowed: one of Equal, Exists. Default: "Equal"."""
    value: pulumi.Input[str]
    """Taint value (operator Equal). Unset: the empty value. Allowed: label value. Default: none."""
    effect: pulumi.Input[str]
    """Taint effect tolerated. Unset: every effect. Allowed: one of NoSchedule, PreferNoSchedule, NoExecute. Default: none."""


class SchedulingArgs(TypedDict, total=False):
    """Which nodes the pods may run on: the nodes with these labels, tainted or not."""

    node_selector: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Node labels the pods require, as key=value, such as node-role.example.com/search=true. Empty: any node. Allowed: list of key=value labels. Default: none."""
    tolerations: pulumi.Input[Sequence[pulumi.Input[TolerationArgs]]]
    """Taints the pods tolerate, such as the taint of nodes dedicated to the search cluster. Empty: none. Default: none."""
