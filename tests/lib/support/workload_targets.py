"""WorkloadTargets for tests that compose the patterns onto a workload of their own, as a user's program does."""

from __future__ import annotations

from collections.abc import Mapping

from podpatterns import WorkloadTarget


def workload_target(
    name: str,
    namespace: str = "shop",
    *,
    app_container: str | None = None,
    app_port: int = 8080,
    labels: Mapping[str, str] | None = None,
    headless_service_name: str | None = None,
    replicas: int | None = None,
) -> WorkloadTarget:
    """The workload `name` in `namespace` (default: shop), laid out as most are: its client Service is `name`,
    its pods are labelled `{"app": name}` unless `labels` says otherwise, and its container `app_container`
    (default: `name`) serves `app_port` (default: 8080). `headless_service_name` and `replicas` describe a
    StatefulSet (default: none)."""
    return WorkloadTarget(
        name=name,
        namespace=namespace,
        labels=dict(labels) if labels is not None else {"app": name},
        app_container=app_container or name,
        app_port=app_port,
        service_name=name,
        headless_service_name=headless_service_name,
        replicas=replicas,
    )
