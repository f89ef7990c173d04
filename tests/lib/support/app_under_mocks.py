"""ElasticsearchApp in a one-component program under Pulumi's mocks, exporting its endpoint, namespace and
Service name."""

from __future__ import annotations

import pulumi
from podpatterns import ElasticsearchApp
from podpatterns.elasticsearch import ElasticsearchAppArgs
from podpatterns.render import Recording, run_with_mocks


def run(args: ElasticsearchAppArgs, recording: Recording | None = None) -> Recording:
    """The program's registrations, recorded into `recording` when given (default: a new one)."""

    def program() -> None:
        app = ElasticsearchApp("search", args)
        pulumi.export("endpoint", app.endpoint)
        pulumi.export("namespace", app.namespace)
        pulumi.export("service", app.service_name)

    return run_with_mocks(program, project="test", stack="unit", recording=recording)
