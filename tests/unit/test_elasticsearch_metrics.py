"""The Prometheus adapter on Elasticsearch: exporter flags per cluster size, TLS and credentials, stacks."""

from __future__ import annotations

from typing import Any

from podpatterns import ElasticsearchApp
from podpatterns.elasticsearch import ElasticsearchAppArgs
from podpatterns.elasticsearch.cluster import target_of
from podpatterns.elasticsearch.exporter import adapter_args
from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.pod.model import Manifest
from podpatterns.render import Recording, run_with_mocks
from podpatterns.settings import KeyStyle, parse

CLUSTER_WIDE = ["indices", "shards", "snapshots", "cluster_settings"]


def settings(nodes: int = 1, **metrics: object) -> AppSettings:
    raw = {"elasticsearch": {"nodes": nodes}, "metrics": {"enabled": True, **metrics}}
    return parse(AppSettings, raw, origin="test", style=KeyStyle())


def args_for(app: AppSettings, **tls: str) -> dict[str, Any]:
    return dict(adapter_args(app, target_of(app), **tls))


def test_one_node_exports_everything_from_its_pod_over_loopback() -> None:
    args = args_for(settings(cluster_collectors=CLUSTER_WIDE))
    assert args["args"] == [
        "--web.listen-address=:9114",
        "--es.uri=http://127.0.0.1:9200",
        "--es.node=_local",
        "--es.timeout=5s",
        "--es.indices",
        "--es.shards",
        "--es.snapshots",
        "--es.cluster_settings",
    ]
    assert "cluster_args" not in args
    assert args["image"] == "quay.io/prometheuscommunity/elasticsearch-exporter:v1.5.0"


def test_several_nodes_keep_cluster_wide_collectors_out_of_the_pods() -> None:
    args = args_for(settings(3, cluster_collectors=CLUSTER_WIDE))
    assert not any(
        a.startswith(("--es.indices", "--es.shards", "--es.snapshots", "--es.cluster")) for a in args["args"]
    )
    cluster_args = args["cluster_args"]
    assert "--es.uri=http://elasticsearch.elasticsearch.svc:9200" in cluster_args
    assert "--es.node=coordinating_only:true" in cluster_args
    assert "--es.shards" in cluster_args


def test_several_nodes_without_cluster_collectors_have_no_extra_deployment() -> None:
    assert "cluster_args" not in args_for(settings(3))


def test_tls_verifies_the_ambassadors_ca_and_never_skips_verification() -> None:
    args = args_for(settings(3, cluster_collectors=["indices"]), uri="https://localhost:9200", ca_volume="tls-ca")
    assert "--es.uri=https://localhost:9200" in args["args"]
    assert "--es.ca=/etc/exporter/ca/ca.crt" in args["args"]
    assert "--es.ca=/etc/exporter/ca/ca.crt" in args["cluster_args"]
    assert not any("skip-verify" in a for a in [*args["args"], *args["cluster_args"]])
    assert args["ca_volume"] == "tls-ca"


def test_credentials_come_from_a_secret_never_the_uri() -> None:
    args = args_for(settings(credentials_secret="es-exporter", password_key="pw"))
    assert args["credentials_secret"] == "es-exporter"
    assert args["credentials_env"] == ["ES_USERNAME=username", "ES_PASSWORD=pw"]
    assert "--es.uri=http://127.0.0.1:9200" in args["args"]


def test_alert_rules_expect_the_stack_node_count() -> None:
    (group,) = args_for(settings(3, pod_monitor=True, prometheus_rule=True))["rule_groups"]
    (missing,) = [r for r in group["rules"] if r["alert"] == "ElasticsearchNodesMissing"]
    assert missing["expr"].endswith("< 3")
    assert 'job="elasticsearch-metrics"' in missing["expr"]


def run(args: ElasticsearchAppArgs, recording: Recording | None = None) -> Recording:
    return run_with_mocks(
        lambda: ElasticsearchApp("search", args) and None, project="t", stack="u", recording=recording
    )


def test_the_app_creates_the_adapter_as_its_child() -> None:
    recording = run({"elasticsearch": {"nodes": 3}, "metrics": {"enabled": True, "cluster_collectors": ["indices"]}})
    by_name = {r.name: r for r in recording.registrations}
    app, adapter = by_name["search"], by_name["search-metrics"]
    assert adapter.type == "podpatterns:index:PrometheusAdapter"
    assert adapter.parent == app.urn
    assert by_name["search-metrics-cluster-exporter"].parent == adapter.urn
    spec = by_name["search-workload"].inputs["spec"]["template"]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["elasticsearch"]
    sidecars = [c["name"] for c in spec["initContainers"] if c.get("restartPolicy") == "Always"]
    assert sidecars == ["tls-ambassador", "metrics-exporter"]  # native: they outlive Elasticsearch


def kinds(objects: list[Manifest]) -> set[str]:
    return {m["kind"] for m in objects}


def test_stacks_run_the_adapter_everywhere_and_the_operator_objects_in_prod(
    rendered: dict[str, list[Manifest]],
) -> None:
    for stack, objects in rendered.items():
        (workload,) = [
            m
            for m in objects
            if m["kind"] in ("Deployment", "StatefulSet") and m["metadata"]["name"] == "elasticsearch"
        ]
        pod = workload["spec"]["template"]["spec"]
        assert [c["name"] for c in pod["containers"]] == ["elasticsearch"], stack
        native = {c["name"] for c in pod["initContainers"] if c.get("restartPolicy") == "Always"}
        assert {"tls-ambassador", "metrics-exporter"} <= native, stack
        (service,) = [m for m in objects if m["kind"] == "Service" and m["metadata"]["name"] == "elasticsearch"]
        assert "metrics" in [p["name"] for p in service["spec"]["ports"]]
        # Scraped once per stack: by annotation, or by the PodMonitor where the stack creates one.
        annotated = "prometheus.io/scrape" in workload["spec"]["template"]["metadata"]["annotations"]
        assert annotated is ("PodMonitor" not in kinds(objects)), stack
    assert {"PodMonitor", "PrometheusRule"} <= kinds(rendered["prod"])
    assert not {"PodMonitor", "PrometheusRule"} & (kinds(rendered["dev"]) | kinds(rendered["staging"]))
