"""ElasticsearchApp: the base application, onto which the patterns compose."""

import pulumi

from ..pod.contribution_data import contributions_from_args
from ..pod.target import WorkloadTarget
from ..registration import child_options, register
from ..settings import KeyStyle, parse
from ..settings.inputs import plain_args
from .args import ElasticsearchAppArgs
from .cluster import lay_out, target_of
from .cluster_pod import cluster_pod
from .config import HTTP_PORT
from .rollout import guarded_identity, workload_options
from .settings import AppSettings


class ElasticsearchApp(pulumi.ComponentResource):
    """An Elasticsearch cluster on Kubernetes, extended by the patterns its settings turn on.

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
    """In-cluster URL of the client Service (https behind the TLS ambassador)."""
    ca_certificate: pulumi.Output[str] | None
    """The TLS ambassador's CA certificate (PEM), for clients; None without the ambassador."""
    certificate_expiry: pulumi.Output[str] | None
    """When the ambassador's server certificate expires; None without the ambassador."""
    client_secrets: dict[str, str]
    """Mutual TLS: client name to the Secret with its certificate, key and the CA; empty without."""

    def __init__(self, name: str, args: ElasticsearchAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        origin = f"ElasticsearchApp '{name}' arguments"
        raw = plain_args({k: v for k, v in args.items() if k != "contributions"}, origin, ElasticsearchAppArgs)
        extra = contributions_from_args(args.get("contributions", []), origin)
        settings = parse(AppSettings, raw, origin=origin, style=KeyStyle())
        target = target_of(settings)
        pod = cluster_pod(settings, target, extra, name)
        plan = lay_out(settings, pod.builder.check())  # conflicts and Pod Security fail here
        super().__init__("podpatterns:index:ElasticsearchApp", name, None, opts)
        self.target: WorkloadTarget = target
        """How patterns see this cluster (plain data, known at plan time, for Python programs)."""

        guarded = [guarded_identity(name, plan.manifests["workload"], child_options(self, opts))]
        namespace = plan.manifests.get("namespace")
        owned = (
            [] if namespace is None else [register(f"{name}-namespace", namespace, child_options(self, opts, *guarded))]
        )
        child = child_options(self, opts, *guarded, *owned)
        # The patterns created, the same plan again with their deploy-time values (certificate hashes).
        plan = lay_out(settings, pod.builder.build(child))
        created = {
            role: register(f"{name}-{role}", m, _options(child, role, name, settings))
            for role, m in plan.manifests.items()
            if role != "namespace"
        }
        claims = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[created["workload"]]))
        for role, patch in plan.claim_patches.items():
            register(f"{name}-{role}", patch, claims, patch=True)

        client = created["client"]
        self.namespace = client.metadata.namespace  # type: ignore[attr-defined]
        self.service_name = client.metadata.name  # type: ignore[attr-defined]
        tls = pod.tls.resource if pod.tls else None
        scheme = "https" if tls else "http"
        self.endpoint = pulumi.Output.format(
            f"{scheme}://{{0}}.{{1}}.svc:{HTTP_PORT}", self.service_name, self.namespace
        )
        self.ca_certificate = tls.ca_certificate if tls else None
        self.certificate_expiry = tls.certificate_expiry if tls else None
        self.client_secrets = tls.client_secrets if tls else {}
        self.register_outputs(
            {
                "namespace": self.namespace,
                "service_name": self.service_name,
                "endpoint": self.endpoint,
                "ca_certificate": self.ca_certificate,
                "certificate_expiry": self.certificate_expiry,
                "client_secrets": self.client_secrets,
            }
        )


def _options(child: pulumi.ResourceOptions, role: str, name: str, settings: AppSettings) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(child, workload_options(name, settings)) if role == "workload" else child
