"""ElasticsearchApp: the base application, onto which the patterns compose."""

from __future__ import annotations

import pulumi

from ..resources import register
from ..settings import AppSettings, KeyStyle, parse
from ..target import WorkloadTarget
from .args import ElasticsearchAppArgs
from .config import HTTP_PORT
from .patterns import create_patterns, planned_contributions
from .plan import plan_cluster, target_of


class ElasticsearchApp(pulumi.ComponentResource):
    """An Elasticsearch cluster on Kubernetes, extended by pod contributions.

    One node runs as a Deployment or a StatefulSet with `discovery.type: single-node`; several
    nodes run as a StatefulSet with a headless Service for discovery, a PodDisruptionBudget and
    pod anti-affinity. Every argument is checked, and every contribution merged, before the first
    resource is registered: bad input raises `SettingsError` or `PodConflictError` and creates nothing.
    """

    namespace: pulumi.Output[str]
    """The namespace holding the cluster."""
    service_name: pulumi.Output[str]
    """The client Service."""
    endpoint: pulumi.Output[str]
    """In-cluster URL of the client Service."""
    target: WorkloadTarget
    """How patterns see this cluster (plain data, known at plan time)."""

    def __init__(self, name: str, args: ElasticsearchAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raw = {key: value for key, value in args.items() if key != "contributions"}
        settings = parse(AppSettings, raw, origin=f"ElasticsearchApp '{name}' arguments", style=KeyStyle())
        extra = list(args.get("contributions", []))
        target = target_of(settings)
        plan_cluster(settings, [*planned_contributions(name, settings, target), *extra])  # conflicts fail here
        super().__init__("podpatterns:index:ElasticsearchApp", name, None, opts)
        self.target = target

        patterns = create_patterns(self, name, settings, target)
        plan = plan_cluster(settings, [*patterns, *extra])

        created: dict[str, pulumi.CustomResource] = {}
        for role, manifest in plan.manifests.items():
            depends_on = [created["namespace"]] if "namespace" in created else []
            child_opts = pulumi.ResourceOptions(parent=self, depends_on=depends_on)
            created[role] = register(f"{name}-{role}", manifest, child_opts)

        client = created["client"]
        self.namespace = client.metadata.namespace  # type: ignore[attr-defined]
        self.service_name = client.metadata.name  # type: ignore[attr-defined]
        self.endpoint = pulumi.Output.format("http://{0}.{1}.svc:{2}", self.service_name, self.namespace, HTTP_PORT)
        self.register_outputs(
            {"namespace": self.namespace, "service_name": self.service_name, "endpoint": self.endpoint}
        )
