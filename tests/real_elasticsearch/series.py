"""Real scrapes as promtool input series: the targets the rendered PodMonitors select among running pods, each
scraped from the cluster network as Prometheus would, its samples labelled as the Prometheus Operator labels them
(job, instance, namespace, pod), and `up` written for each scrape, as Prometheus writes it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from podpatterns.pod.model import Manifest

from ..lib.harness import RunningPod

_SAMPLE = re.compile(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$")
Scrape = dict[str, str]
"""One scrape of every target: each series, `name{labels}` as promtool writes it, to its value as exposed."""


@dataclass(frozen=True)
class Target:
    job: str
    port: int
    path: str
    pod: RunningPod

    @property
    def url(self) -> str:
        return f"http://{self.pod.ip}:{self.port}{self.path}"

    @property
    def labels(self) -> str:
        """The labels Prometheus adds to the target's samples."""
        instance = f"{self.pod.ip}:{self.port}"
        return f'job="{self.job}",instance="{instance}",namespace="{self.pod.namespace}",pod="{self.pod.name}"'


def targets(monitors: Iterable[Manifest], running: Sequence[tuple[Manifest, RunningPod]]) -> list[Target]:
    """Each endpoint of each PodMonitor on each running pod (with its workload) whose labels it selects."""
    found = []
    for monitor in monitors:
        selector = monitor["spec"]["selector"]["matchLabels"].items()
        for workload, pod in running:
            if not selector <= workload["spec"]["template"]["metadata"]["labels"].items():
                continue
            ports = {
                port["name"]: port["containerPort"]
                for container in (*pod.spec.get("initContainers", []), *pod.spec["containers"])
                for port in container.get("ports", [])
            }
            for endpoint in monitor["spec"]["podMetricsEndpoints"]:
                job = next(r["replacement"] for r in endpoint["relabelings"] if r["targetLabel"] == "job")
                found.append(Target(job, ports[endpoint["port"]], endpoint["path"], pod))
    return found


def scrape(target: Target) -> Scrape:
    """One scrape of the target (curl from the cluster network), with its `up`."""
    done = target.pod.in_cluster(["curl", "--silent", "--fail", "--max-time", "10", target.url])
    series = {f"up{{{target.labels}}}": "1" if done.returncode == 0 else "0"}
    for line in done.stdout.splitlines() if done.returncode == 0 else ():
        if line.startswith("#") or not line.strip():
            continue
        matched = _SAMPLE.match(line)
        assert matched, line
        name, labels, value = matched.groups()
        series[f"{name}{{{labels},{target.labels}}}" if labels else f"{name}{{{target.labels}}}"] = value
    return series


def record(every: list[Target], scrapes: int, seconds_apart: float) -> list[Scrape]:
    """`scrapes` scrapes of every target, `seconds_apart` apart."""
    recorded = []
    for n in range(scrapes):
        if n:
            time.sleep(seconds_apart)
        recorded.append({key: value for target in every for key, value in scrape(target).items()})
    return recorded


def input_series(recorded: list[Scrape], hold: int) -> list[dict[str, str]]:
    """promtool `input_series`, one sample a scrape (a minute apart at `interval: 1m`), the last scrape held for
    `hold` more samples: Prometheus would have scraped that same answer while the cluster stayed as it was. A series
    absent from a scrape has no sample there (`_`)."""
    keys = dict.fromkeys(key for scraped in recorded for key in scraped)
    series = []
    for key in keys:
        values = [scraped.get(key, "_") for scraped in recorded]
        values += values[-1:] * hold  # written out: promtool's `x` notation takes no NaN, Inf nor _
        series.append({"series": key, "values": " ".join(values)})
    return series


def names(scraped: Scrape) -> set[str]:
    """The metric names of a scrape."""
    return {key.split("{", 1)[0] for key in scraped}
