"""Registers plain Kubernetes manifests as pulumi-kubernetes resources."""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

import pulumi

from .pod.model import Manifest

_CUSTOM_RESOURCE = ("pulumi_kubernetes.apiextensions", "CustomResource")
"""For kinds of a CRD (the Prometheus Operator's): the cluster must have the CRD installed."""

_CLASSES = {
    ("v1", "Namespace"): ("pulumi_kubernetes.core.v1", "Namespace"),
    ("v1", "ConfigMap"): ("pulumi_kubernetes.core.v1", "ConfigMap"),
    ("v1", "Secret"): ("pulumi_kubernetes.core.v1", "Secret"),
    ("v1", "Service"): ("pulumi_kubernetes.core.v1", "Service"),
    ("v1", "ServiceAccount"): ("pulumi_kubernetes.core.v1", "ServiceAccount"),
    ("v1", "PersistentVolumeClaim"): ("pulumi_kubernetes.core.v1", "PersistentVolumeClaim"),
    ("apps/v1", "Deployment"): ("pulumi_kubernetes.apps.v1", "Deployment"),
    ("apps/v1", "StatefulSet"): ("pulumi_kubernetes.apps.v1", "StatefulSet"),
    ("policy/v1", "PodDisruptionBudget"): ("pulumi_kubernetes.policy.v1", "PodDisruptionBudget"),
    ("networking.k8s.io/v1", "NetworkPolicy"): ("pulumi_kubernetes.networking.v1", "NetworkPolicy"),
    ("monitoring.coreos.com/v1", "PodMonitor"): _CUSTOM_RESOURCE,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): _CUSTOM_RESOURCE,
    ("monitoring.coreos.com/v1", "PrometheusRule"): _CUSTOM_RESOURCE,
}


def dependencies_of(opts: pulumi.ResourceOptions | None) -> list[Any]:
    """`opts.depends_on` as a list (the SDK takes one resource, a list of them, or Outputs)."""
    depends_on = opts.depends_on if opts else None
    if depends_on is None:
        return []
    if isinstance(depends_on, Sequence):
        return list(depends_on)
    return [depends_on]


def child_options(
    parent: pulumi.Resource, opts: pulumi.ResourceOptions | None, *also: pulumi.Resource
) -> pulumi.ResourceOptions:
    """Options of a component's children: parented to it, depending on what it depends on and on `also`.

    The SDK does not pass a component's `depends_on` to its children; the resources a component's
    arguments came from (see podpatterns.provider) reach them, and the state, only through this.
    """
    return pulumi.ResourceOptions(parent=parent, depends_on=[*dependencies_of(opts), *also])


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def register(
    logical_name: str, manifest: Manifest, opts: pulumi.ResourceOptions, *, patch: bool = False
) -> pulumi.CustomResource:
    """Create the typed pulumi-kubernetes resource for `manifest` (imported on first use: the SDK is large).

    `patch`: a server-side apply patch of an object that exists already (`<Kind>Patch`), not the object itself.
    """
    module_name, class_name = _CLASSES[(manifest["apiVersion"], manifest["kind"])]
    class_name += "Patch" if patch else ""
    resource_class: Any = getattr(importlib.import_module(module_name), class_name)
    # Top-level fields are keyword arguments, snake_case in Python (automountServiceAccountToken, ...).
    fields = {_snake(key): value for key, value in manifest.items() if key not in ("apiVersion", "kind")}
    if (module_name, class_name) == _CUSTOM_RESOURCE:  # untyped: it is told its kind
        fields |= {"api_version": manifest["apiVersion"], "kind": manifest["kind"]}
    resource: pulumi.CustomResource = resource_class(logical_name, opts=opts, **fields)
    return resource
