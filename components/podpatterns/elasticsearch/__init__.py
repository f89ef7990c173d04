"""The base application: an Elasticsearch cluster that patterns extend."""

from .app import ElasticsearchApp
from .args import ElasticsearchAppArgs, ElasticsearchArgs, MetricsArgs
from .cluster import ClusterPlan, plan_cluster

__all__ = [
    "ClusterPlan",
    "ElasticsearchApp",
    "ElasticsearchAppArgs",
    "ElasticsearchArgs",
    "MetricsArgs",
    "plan_cluster",
]
