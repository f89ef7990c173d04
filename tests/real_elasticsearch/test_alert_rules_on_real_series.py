"""The prod stack's PrometheusRule evaluated by promtool against series recorded on the real Elasticsearch: three
nodes, each pod's exporter and ambassador and the cluster-wide exporter Deployment scraped as the rendered PodMonitors
select them (series.py), each node's data claim a small file system of its own. The rules read only metrics these
targets expose; the green cluster fires nothing; a cluster made yellow for real fires the yellow alert once, after
its `for:`; a data volume filled to Elasticsearch's flood stage blocks writes (each refusal reported to the writer),
fires the disk alert for that node alone, and once space is freed the writes resume with nothing acknowledged lost
(issue: faults, item 5)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from podpatterns.pod.model import Manifest

from ..lib.harness.real_stack import RealStack
from ..lib.promtool import RULES_FILE, alerts, metric_names, promtool, rule_groups, selectors, write_rules
from .conftest import stack_fixture
from .series import Scrape, Target, input_series, names, record, targets

prod = stack_fixture("prod", claim_size="3g")
"""Each claim a 3 GiB file system: over the harness's low watermark, 2gb free (harness/elasticsearch_image.py), so that
a fresh node takes shards, and small enough to fill."""

SCRAPES = 3
SECONDS_APART = 5.0
PROMETHEUS_WRITES = {"up"}
"""Series Prometheus writes itself for every scrape, read from no target."""
CLUSTER = "elasticsearch"
DISK_ALERT = "ElasticsearchDiskAboveHighWatermark"
DISK_CHECKS = "10s"
"""cluster.info.update.interval while the volume fills: its least (Elasticsearch's default: 30s), a dynamic setting."""
LEFT_FREE = 0.05
"""What the ballast leaves free of the volume (150 MiB): under the flood stage's 500mb free (the harness's, in bytes:
DISK_WATERMARK_SETTINGS) and over the disk alert's 90% use (the stack's default)."""
BLOCK_TIMEOUT = 120.0  # seconds for Elasticsearch to see the disk and set (or release) the index block


@pytest.fixture(scope="module")
def scraped(prod: RealStack) -> Iterator[list[Target]]:
    """Every target of the rendered PodMonitors: the nodes' pods, and the cluster-wide exporter Deployment's pod, run
    beside them and reaching them by the client Service's name."""
    deployment = prod.cluster.workload("elasticsearch-cluster-metrics")
    monitors = [m for m in prod.cluster.objects.values() if m["kind"] == "PodMonitor"]
    with prod.cluster.run(deployment, prod.hosts) as exporter:
        yield targets(monitors, [*((prod.workload, pod) for pod in prod.pods), (deployment, exporter)])


@pytest.fixture(scope="module")
def green(prod: RealStack, scraped: list[Target]) -> list[Scrape]:
    assert prod.wait_for_health("green", 3)["status"] == "green"
    return record(scraped, SCRAPES, SECONDS_APART)


@pytest.fixture(scope="module")
def rules(prod: RealStack) -> list[Manifest]:
    """The rendered PrometheusRule's groups."""
    return rule_groups(prod.cluster.objects.values())


def minutes(duration: str) -> int:
    """A rule's `for:` in whole minutes (the template writes minutes or hours)."""
    matched = re.fullmatch(r"(\d+)([mh])", duration)
    assert matched, duration
    return int(matched[1]) * (60 if matched[2] == "h" else 1)


def alert(groups: list[Manifest], name: str) -> Manifest:
    (rule,) = [rule for rule in alerts(groups) if rule["alert"] == name]
    return rule


def fired_once(rule: Manifest) -> list[dict[str, Any]]:
    """The one alert a cluster-health rule fires for cluster elasticsearch (its annotations template only the
    cluster label); promtool fails the test if it fires once per pod instead."""
    annotations = {key: text.replace("{{ $labels.cluster }}", CLUSTER) for key, text in rule["annotations"].items()}
    return [{"exp_labels": {**rule["labels"], "cluster": CLUSTER}, "exp_annotations": annotations}]


def run_promtool(
    directory: Path, groups: list[Manifest], series: list[dict[str, str]], cases: list[Any], exprs: Sequence[Any] = ()
) -> None:
    """One promtool unit test of the rules on `series` (a sample a minute); AssertionError with promtool's output."""
    write_rules(directory, groups)
    test = {"interval": "1m", "input_series": series, "alert_rule_test": cases, "promql_expr_test": list(exprs)}
    unit = directory / "real.test.yaml"
    unit.write_text(yaml.safe_dump({"rule_files": [RULES_FILE], "evaluation_interval": "1m", "tests": [test]}))
    result = promtool("test", "rules", str(unit))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]


def test_every_metric_the_rules_read_is_in_the_real_scrape(green: list[Scrape], rules: list[Manifest]) -> None:
    """The key promise: no rule watches a metric this exporter version (or the ambassador) does not expose."""
    read = {name for rule in alerts(rules) for name in metric_names(rule["expr"])}
    assert "elasticsearch_cluster_health_status" in read  # the control: names were found
    missing = read - PROMETHEUS_WRITES - names(green[-1])
    assert missing == set(), f"the rules read metrics no target exposes: {sorted(missing)}"


def test_the_cluster_wide_exporter_repeats_no_node_metric(green: list[Scrape], scraped: list[Target]) -> None:
    """Its `--es.node=coordinating_only:true` matches no node of the real cluster: node metrics come from the three
    pods only, the cluster's health and indices from it too."""
    (deployment,) = [t.pod.name for t in scraped if t.pod.name.startswith("elasticsearch-cluster-metrics")]
    own = names({key: value for key, value in green[-1].items() if f'pod="{deployment}"' in key})
    assert {"elasticsearch_cluster_health_status", "elasticsearch_index_stats_up"} <= own, sorted(own)
    assert [name for name in own if name.startswith("elasticsearch_jvm_")] == []
    heaps = [key for key in green[-1] if key.startswith('elasticsearch_jvm_memory_max_bytes{area="heap"')]
    assert len(heaps) == 3, heaps


def test_the_green_cluster_fires_no_alert(green: list[Scrape], rules: list[Manifest], tmp_path: Path) -> None:
    """Once the longest `for:` has passed on the recorded green series, no alert fires; and every selector of every
    rule selects recorded series, so the silence is the real values'."""
    hold = max(minutes(rule.get("for", "0m")) for rule in alerts(rules)) + 2
    end = f"{len(green) - 1 + hold}m"
    silent = [{"eval_time": end, "alertname": rule["alert"], "exp_alerts": []} for rule in alerts(rules)]
    selected = [
        {"expr": f"clamp_max(count({selector}), 1)", "eval_time": end, "exp_samples": [{"labels": "{}", "value": 1}]}
        for rule in alerts(rules)
        for selector in selectors(rule["expr"])
    ]
    assert len(selected) >= len(alerts(rules))
    run_promtool(tmp_path, rules, input_series(green, hold), silent, selected)


def test_a_cluster_made_yellow_for_real_fires_the_yellow_alert_once_after_its_for(
    prod: RealStack, green: list[Scrape], scraped: list[Target], rules: list[Manifest], tmp_path: Path
) -> None:
    """An index with more replicas than three nodes can hold turns the cluster yellow for real. Every exporter
    reports it (each pod's and the cluster-wide one); the alert fires once for the cluster, `for:` after the first
    yellow scrape, and the red one not at all."""
    created = prod.api("/yellow", method="PUT", body={"settings": {"number_of_replicas": 3}})
    assert created.status == 200, created.body
    try:
        assert prod.wait_for_health("yellow", 3)["status"] == "yellow"
        turned = record(scraped, SCRAPES, SECONDS_APART)
    finally:
        assert prod.api("/yellow", method="DELETE").status == 200
    status = 'elasticsearch_cluster_health_status{cluster="elasticsearch",color="yellow",'
    reporting = {key: value for key, value in turned[-1].items() if key.startswith(status)}
    assert list(reporting.values()) == ["1"] * 4, reporting  # three pods and the cluster-wide exporter
    yellow = alert(rules, "ElasticsearchClusterYellow")
    waited = minutes(yellow["for"])
    first = len(green)  # the minute of the first yellow scrape
    cases = [
        {"eval_time": f"{first + waited - 1}m", "alertname": yellow["alert"], "exp_alerts": []},
        {"eval_time": f"{first + waited + 1}m", "alertname": yellow["alert"], "exp_alerts": fired_once(yellow)},
        {"eval_time": f"{first + waited + 1}m", "alertname": "ElasticsearchClusterRed", "exp_alerts": []},
    ]
    run_promtool(tmp_path, rules, input_series([*green, *turned], waited + 2), cases)


def index_block(prod: RealStack) -> object:
    """The flood stage's block on the test's index, as its settings say (None when there is none)."""
    settings = prod.api("/flood/_settings?flat_settings=true").body["flood"]["settings"]
    return settings.get("index.blocks.read_only_allow_delete")


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BLOCK_TIMEOUT
    while not check():
        assert time.monotonic() < deadline, f"no {what} after {BLOCK_TIMEOUT:.0f} s"
        time.sleep(1)


def with_labels(text: str, labels: dict[str, str]) -> str:
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda found: labels[found[1]], text)


def test_a_full_data_volume_blocks_writes_fires_the_disk_alert_and_writes_resume_once_freed(
    prod: RealStack, green: list[Scrape], scraped: list[Target], rules: list[Manifest], tmp_path: Path
) -> None:
    node = next(iter(prod.api("/_nodes/_local", node=0).body["nodes"].values()))["name"]
    settings = {"persistent": {"cluster.info.update.interval": DISK_CHECKS}}
    assert prod.api("/_cluster/settings", method="PUT", body=settings).status == 200
    index = {"number_of_shards": 1, "number_of_replicas": 0, "routing.allocation.require._name": node}
    assert prod.api("/flood", method="PUT", body={"settings": {"index": index}}).status == 200
    acknowledged, refused = [], []

    def write(count: int) -> None:
        """Documents with ids, each acknowledged (durable: the translog is synced on every request, the default) or
        refused with its reason."""
        for _ in range(count):
            doc = str(len(acknowledged) + len(refused))
            answer = prod.api(f"/flood/_doc/{doc}", method="PUT", body={"n": doc})
            (acknowledged if answer.status == 201 else refused).append((doc, answer.status, answer.body))

    write(20)
    assert not refused, refused
    volume = prod.pods[0].volumes["data"].path
    disk = os.statvfs(volume)
    ballast = volume / "ballast"  # the claim's own file system: Elasticsearch's data path is its root
    with ballast.open("wb") as file:
        os.posix_fallocate(file.fileno(), 0, (disk.f_bavail - int(disk.f_blocks * LEFT_FREE)) * disk.f_frsize)
    try:
        wait_until(lambda: index_block(prod) == "true", "flood-stage block on the index")
        write(10)
        full = record(scraped, SCRAPES, SECONDS_APART)
    finally:
        ballast.unlink()
    wait_until(lambda: index_block(prod) is None, "release of the block once space is freed")
    write(20)
    reset = {"persistent": {"cluster.info.update.interval": None}}
    assert prod.api("/_cluster/settings", method="PUT", body=reset).status == 200

    assert len(acknowledged) == 40, [r[:2] for r in refused]
    assert [(status, body["error"]["type"]) for _, status, body in refused] == [(429, "cluster_block_exception")] * 10
    assert all("flood-stage watermark" in body["error"]["reason"] for _, _, body in refused), refused[0]
    ids = [doc for doc, _, _ in acknowledged + refused]
    found = prod.api("/flood/_mget", method="POST", body={"ids": ids}).body["docs"]  # real time: no refresh needed
    assert [d["_id"] for d in found if d["found"]] == [doc for doc, _, _ in acknowledged]  # none lost, none unasked
    assert prod.api("/flood/_refresh", method="POST").status == 200
    assert prod.api("/flood/_count").body["count"] == len(acknowledged)
    print(f"flood stage: {len(acknowledged)} writes acknowledged, {len(refused)} refused and reported, 0 lost")

    disk_alert = alert(rules, DISK_ALERT)
    (series,) = [k for k in full[-1] if k.startswith("elasticsearch_filesystem_data_available_bytes{") and
                 f'name="{node}"' in k]  # fmt: skip
    path = re.search(r'path="([^"]*)"', series)
    assert path, series
    labels = {"cluster": CLUSTER, "name": node, "path": path[1]}
    fired = {
        "exp_labels": {**disk_alert["labels"], **labels},
        "exp_annotations": {key: with_labels(text, labels) for key, text in disk_alert["annotations"].items()},
    }
    waited, first = minutes(disk_alert["for"]), len(green)
    cases = [
        {"eval_time": f"{first + waited - 1}m", "alertname": DISK_ALERT, "exp_alerts": []},
        {"eval_time": f"{first + waited + 1}m", "alertname": DISK_ALERT, "exp_alerts": [fired]},
    ]
    run_promtool(tmp_path, rules, input_series([*green, *full], waited + 2), cases)
