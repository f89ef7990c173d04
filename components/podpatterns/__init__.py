"""pod-patterns: Pulumi components that extend an application on Kubernetes through its pod.

from podpatterns import ElasticsearchApp, PodContribution, PrometheusAdapter, TlsAmbassador
"""

from .elasticsearch import ElasticsearchApp, ElasticsearchAppArgs, ElasticsearchArgs
from .elasticsearch.settings import AppSettings, ElasticsearchSettings
from .logtail.args import LogTailSidecarArgs
from .logtail.component import LogTailSidecar
from .metrics import PrometheusAdapter, PrometheusAdapterArgs
from .pod.builder import Planned, PodBuilder
from .pod.contribution_data import PodContributionData
from .pod.model import MergedPod, PodConflictError, PodContribution, merge_pod
from .pod.pod_security import PodSecurityError
from .pod.target import WorkloadTarget
from .pod.template_merge import PodTemplateMerge, PodTemplateMergeArgs
from .settings import SettingsError
from .sysctl.args import SysctlInitArgs
from .sysctl.component import SysctlInit
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
