"""pod-patterns: Pulumi components that extend an application on Kubernetes through its pod.

from podpatterns import ElasticsearchApp, PodContribution, PrometheusAdapter
"""

from .elasticsearch import ElasticsearchApp, ElasticsearchAppArgs, ElasticsearchArgs
from .metrics import PrometheusAdapter, PrometheusAdapterArgs
from .podmodel import MergedPod, PodConflictError, PodContribution, merge_pod
from .settings import AppSettings, ElasticsearchSettings, SettingsError
from .target import WorkloadTarget

__all__ = [
    "AppSettings",
    "ElasticsearchApp",
    "ElasticsearchAppArgs",
    "ElasticsearchArgs",
    "ElasticsearchSettings",
    "MergedPod",
    "PodConflictError",
    "PodContribution",
    "PrometheusAdapter",
    "PrometheusAdapterArgs",
    "SettingsError",
    "WorkloadTarget",
    "merge_pod",
]
