"""PrometheusAdapter as a component under Pulumi's mocks, on a workload that is not Elasticsearch."""

from __future__ import annotations

import pulumi
from podpatterns import (
    PodContribution,
    PrometheusAdapter,
    PrometheusAdapterArgs,
    merge_pod,
)
from podpatterns.render import Recording, run_with_mocks

from ..lib.support.workload_targets import workload_target

SHOP = workload_target("shop", "web", app_container="nginx")
NGINX_EXPORTER: PrometheusAdapterArgs = {
    "target": SHOP,
    "image": "nginx/nginx-prometheus-exporter:1.1.0",
    "port": 9113,
    "args": ["--web.listen-address=:9113", "--nginx.scrape-uri=http://127.0.0.1:8080/stub_status"],
    "health_path": "/",
    "pod_monitor": True,
    "rule_groups": [{"name": "shop", "rules": [{"alert": "ShopExporterDown", "expr": 'up{job="shop-metrics"} == 0'}]}],
}
NGINX = PodContribution(
    source="shop", containers=[{"name": "nginx", "image": "nginx:1.27.3", "ports": [{"containerPort": 8080}]}]
)


def run(args: PrometheusAdapterArgs, recording: Recording | None = None) -> tuple[Recording, list[PrometheusAdapter]]:
    adapters: list[PrometheusAdapter] = []

    def program() -> None:
        adapters.append(PrometheusAdapter("shop-metrics", args))

    return run_with_mocks(program, project="test", stack="unit", recording=recording), adapters


def test_another_apps_exporter_joins_its_pod() -> None:
    _, (adapter,) = run(NGINX_EXPORTER)
    pod = merge_pod("nginx", [NGINX, adapter.contribution])
    exporter = pod.containers[1]
    assert exporter["image"] == "nginx/nginx-prometheus-exporter:1.1.0"
    assert exporter["args"] == NGINX_EXPORTER["args"]
    assert exporter["ports"] == [{"name": "metrics", "containerPort": 9113, "protocol": "TCP"}]
    assert exporter["startupProbe"]["httpGet"] == {"path": "/", "port": "metrics"}
    assert exporter["securityContext"]["readOnlyRootFilesystem"] is True
    assert "limits" in exporter["resources"]
    assert pod.service_ports == [{"name": "metrics", "port": 9113, "targetPort": "metrics", "protocol": "TCP"}]
    assert not any(key.startswith("prometheus.io/") for key in pod.annotations)  # the PodMonitor scrapes it, once
    assert "readinessProbe" not in pod.containers[0]  # the app's own container is left as it was


def test_owns_a_pod_monitor_and_a_prometheus_rule_parented_to_it() -> None:
    recording, _ = run(NGINX_EXPORTER)
    (component,) = [r for r in recording.registrations if not r.custom]
    assert component.type == "podpatterns:index:PrometheusAdapter"
    children = {r.name: r for r in recording.registrations if r.custom}
    assert sorted(children) == ["shop-metrics-podmonitor", "shop-metrics-rules"]
    assert {r.parent for r in children.values()} == {component.urn}
    monitor = children["shop-metrics-podmonitor"]
    assert monitor.type == "kubernetes:monitoring.coreos.com/v1:PodMonitor"
    assert monitor.inputs["spec"]["selector"] == {"matchLabels": {"app": "shop"}}
    (endpoint,) = monitor.inputs["spec"]["podMetricsEndpoints"]
    assert endpoint["relabelings"] == [{"action": "replace", "targetLabel": "job", "replacement": "shop-metrics"}]
    rules = children["shop-metrics-rules"]
    assert rules.type == "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
    assert rules.inputs["spec"]["groups"] == NGINX_EXPORTER["rule_groups"]


def test_without_monitor_or_rules_it_owns_nothing() -> None:
    recording, _ = run({"target": SHOP, "preset": "elasticsearch", "args": ["--es.uri=http://127.0.0.1:8080"]})
    assert [r.type for r in recording.registrations] == ["podpatterns:index:PrometheusAdapter"]


def test_cluster_args_add_one_exporter_deployment_and_its_pod_monitor() -> None:
    recording, _ = run({**NGINX_EXPORTER, "cluster_args": ["--cluster"]})
    children = {r.name: r for r in recording.registrations if r.custom}
    deployment = children["shop-metrics-cluster-exporter"].inputs
    assert deployment["spec"]["replicas"] == 1
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["--cluster"]
    assert deployment["spec"]["template"]["metadata"]["labels"] != dict(SHOP.labels)  # not behind the app's Service
    monitor = children["shop-metrics-cluster-podmonitor"].inputs
    assert monitor["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]


def test_credentials_are_env_from_the_secret() -> None:
    args: PrometheusAdapterArgs = {
        **NGINX_EXPORTER,
        "credentials_secret": "shop-exporter",
        "credentials_env": ["USER=user", "PASS=password"],
    }
    _, (adapter,) = run(args)
    (container,) = adapter.contribution.containers
    assert container["env"] == [
        {"name": "USER", "valueFrom": {"secretKeyRef": {"name": "shop-exporter", "key": "user"}}},
        {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "shop-exporter", "key": "password"}}},
    ]


def test_job_output() -> None:
    def program() -> None:
        pulumi.export("job", PrometheusAdapter("shop-metrics", {**NGINX_EXPORTER, "job": "shop"}).job)

    assert run_with_mocks(program, project="test", stack="unit").outputs == {"job": "shop"}
