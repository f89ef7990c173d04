"""The pod-patterns program: stack settings in, one Elasticsearch cluster with its patterns out.

`__main__.py` runs `main()` under the Pulumi CLI; `python -m podpatterns.render` runs the
same project program under mocks to write the manifests offline.
"""

from __future__ import annotations

import dataclasses

import pulumi

from .elasticsearch import ElasticsearchApp, ElasticsearchAppArgs
from .settings import load_stack_settings


def main() -> None:
    settings = load_stack_settings()
    args: ElasticsearchAppArgs = dataclasses.asdict(settings)  # type: ignore[assignment]
    app = ElasticsearchApp(settings.elasticsearch.name, args)
    pulumi.export("namespace", app.namespace)
    pulumi.export("service", app.service_name)
    pulumi.export("endpoint", app.endpoint)
    if app.ca_certificate is not None:
        pulumi.export("caCertificate", app.ca_certificate)
        pulumi.export("certificateExpiry", app.certificate_expiry)
    if app.client_secrets:
        pulumi.export("clientSecrets", app.client_secrets)
