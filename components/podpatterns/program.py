"""The pod-patterns program: stack settings in, one Elasticsearch cluster with its patterns out.

`__main__.py` runs `main()` under the Pulumi CLI; `python -m podpatterns.render` runs the
same project program under mocks to write the manifests offline.
"""

from __future__ import annotations

import dataclasses

import pulumi

from .elasticsearch import ElasticsearchApp, ElasticsearchAppArgs
from .elasticsearch.settings import load_stack_settings

COMPONENT_NAME = "elasticsearch"
"""The cluster's logical name, whatever `elasticsearch.name` says: a new cluster name then renames the Kubernetes
objects (which ElasticsearchApp refuses for a StatefulSet) instead of changing every URN, which would create a
second cluster and delete the first without a word. Stacks deployed when the component was named after the cluster
keep their resources through an alias."""


def main() -> None:
    settings = load_stack_settings()
    args: ElasticsearchAppArgs = dataclasses.asdict(settings)  # type: ignore[assignment]
    cluster = settings.elasticsearch.name
    aliases = [] if cluster == COMPONENT_NAME else [pulumi.Alias(name=cluster)]
    app = ElasticsearchApp(COMPONENT_NAME, args, pulumi.ResourceOptions(aliases=aliases))
    pulumi.export("namespace", app.namespace)
    pulumi.export("service", app.service_name)
    pulumi.export("endpoint", app.endpoint)
    if app.ca_certificate is not None:
        pulumi.export("caCertificate", app.ca_certificate)
        pulumi.export("certificateExpiry", app.certificate_expiry)
    if app.client_secrets:
        pulumi.export("clientSecrets", app.client_secrets)
