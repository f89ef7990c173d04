// Pins the prometheus-operator module whose CRDs (PodMonitor, ServiceMonitor, PrometheusRule) scripts/cluster applies.
// Nothing is built from it: scripts/lib/cluster.sh reads example/prometheus-operator-crd from its module directory.
module podpatterns.local/toolchain/crds

go 1.26.0

require github.com/prometheus-operator/prometheus-operator v0.85.0
