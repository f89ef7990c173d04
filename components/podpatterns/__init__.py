"""pod-patterns: Pulumi components that extend an application on Kubernetes through its pod.

from podpatterns import ElasticsearchApp, PodContribution, PrometheusAdapter, TlsAmbassador
"""

from .builder import Planned, PodBuilder
from .contribution_data import PodContributionData
from .elasticsearch import ElasticsearchApp, ElasticsearchAppArgs, ElasticsearchArgs
from .logtail.args import LogTailSidecarArgs
from .logtail.component import LogTailSidecar
from .metrics import PrometheusAdapter, PrometheusAdapterArgs
from .podmodel import MergedPod, PodConflictError, PodContribution, merge_pod
from .podsecurity import PodSecurityError
from .podtemplate import PodTemplateMerge, PodTemplateMergeArgs
from .settings import AppSettings, ElasticsearchSettings, SettingsError
from .sysctl.args import SysctlInitArgs
from .sysctl.component import SysctlInit
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
    "LogTailSidecar",
    "LogTailSidecarArgs",
    "MergedPod",
    "Planned",
    "PodBuilder",
    "PodConflictError",
    "PodContribution",
    "PodContributionData",
    "PodSecurityError",
    "PodTemplateMerge",
    "PodTemplateMergeArgs",
    "PrometheusAdapter",
    "PrometheusAdapterArgs",
    "SettingsError",
    "SysctlInit",
    "SysctlInitArgs",
    "TlsAmbassador",
    "TlsAmbassadorArgs",
    "TlsSettings",
    "VaultSecretsInit",
    "VaultSecretsInitArgs",
    "WorkloadTarget",
    "merge_pod",
]
