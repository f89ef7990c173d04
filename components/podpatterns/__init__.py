"""pod-patterns: Pulumi components that extend an application on Kubernetes through its pod.

from podpatterns import ElasticsearchApp, PodContribution
"""

from .elasticsearch import ElasticsearchApp, ElasticsearchAppArgs, ElasticsearchArgs
from .podmodel import MergedPod, PodConflictError, PodContribution, merge_pod
from .settings import AppSettings, ElasticsearchSettings, SettingsError
from .target import WorkloadTarget
from .tls import TlsAmbassador, TlsAmbassadorArgs, TlsSettings
from .vault.args import VaultSecretsInitArgs
from .vault.component import VaultSecretsInit

__all__ = [
    "AppSettings",
    "ElasticsearchApp",
    "ElasticsearchAppArgs",
    "ElasticsearchArgs",
    "ElasticsearchSettings",
    "MergedPod",
    "PodConflictError",
    "PodContribution",
    "SettingsError",
    "TlsAmbassador",
    "TlsAmbassadorArgs",
    "TlsSettings",
    "VaultSecretsInit",
    "VaultSecretsInitArgs",
    "WorkloadTarget",
    "merge_pod",
]
