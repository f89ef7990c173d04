"""The adapter pattern: a Prometheus exporter in the pod, for an application without metrics of its own."""

from .args import PrometheusAdapterArgs
from .component import PrometheusAdapter
from .contribution import adapter_contribution
from .settings import ExporterSettings, MetricsSettings

__all__ = ["ExporterSettings", "MetricsSettings", "PrometheusAdapter", "PrometheusAdapterArgs", "adapter_contribution"]
