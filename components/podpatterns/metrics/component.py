"""PrometheusAdapter: an exporter container in the app's pod, its discovery objects and its alerts."""

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from ..pod.contribution_data import PodContributionData, contribution_data
from ..pod.model import Manifest, PodContribution
from ..pod.target import WorkloadTarget, require_target
from ..registration import child_options, register
from ..settings import KeyStyle, SettingsError, parse
from ..settings.engine import Problem
from ..settings.inputs import plain_args
from .args import PrometheusAdapterArgs
from .contribution import adapter_contribution, job_name, owned_objects
from .settings import PRESETS, REQUIRED, ExporterSettings


class PrometheusAdapter(pulumi.ComponentResource):
    """The adapter pattern: an exporter beside the app translates its API into Prometheus metrics.

    Hands back `contribution` (the exporter container, the `metrics` Service port and the scrape
    annotations) for the workload to merge; owns the optional cluster-wide exporter Deployment,
    the PodMonitors and the PrometheusRule. Arguments are checked before anything is registered.
    """

    job: pulumi.Output[str]
    """The Prometheus job the PodMonitors set."""
    outlives_app = True  # no annotation: the package host would take an annotated attribute for an output
    """The exporter reads the app: a PodBuilder makes it stop after the app, so that its last scrape finds it."""
    pod_contribution: PodContributionData
    """What to merge into the workload's pod, as data (PodTemplateMerge merges it from any language)."""

    def __init__(self, name: str, args: PrometheusAdapterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        settings, target, groups = parse_adapter_args(name, args)
        super().__init__("podpatterns:index:PrometheusAdapter", name, None, opts)
        self.contribution: PodContribution = adapter_contribution(settings, target, _source(name))
        """What the exporter adds to the target's pods (plain data, for Python programs)."""
        for role, manifest in owned_objects(settings, target, groups).items():
            register(f"{name}-{role}", manifest, child_options(self, opts))
        self.job = pulumi.Output.from_input(job_name(settings, target))
        self.pod_contribution = contribution_data(self.contribution)
        self.register_outputs({"job": self.job, "pod_contribution": self.pod_contribution})

    @staticmethod
    def plan(name: str, args: PrometheusAdapterArgs) -> PodContribution:
        """The contribution the component would hand out, without registering anything; raises SettingsError."""
        settings, target, _ = parse_adapter_args(name, args)
        return adapter_contribution(settings, target, _source(name))


def _source(name: str) -> str:
    return f"PrometheusAdapter '{name}'"


def parse_adapter_args(
    name: str, args: PrometheusAdapterArgs
) -> tuple[ExporterSettings, WorkloadTarget, list[Manifest]]:
    """The checked settings, target and rule groups; raises SettingsError naming every bad argument at once."""
    origin = f"PrometheusAdapter '{name}' arguments"
    plain = plain_args(args, origin, PrometheusAdapterArgs)
    target = require_target(plain, origin)
    groups, preset = plain.get("rule_groups", ()), plain.get("preset")
    problems = []
    if not _are_rule_groups(groups):
        problems.append(Problem("rule_groups", "must be a list of rule groups, each with a name and a list of rules"))
    if preset is not None and preset not in PRESETS:
        problems.append(Problem("preset", f"{preset!r} is not allowed: must be one of {', '.join(PRESETS)}"))
    raw = {key: value for key, value in plain.items() if key not in ("target", "rule_groups", "preset")}
    try:
        settings = parse(ExporterSettings, {**PRESETS.get(preset or "", {}), **raw}, origin, KeyStyle(), REQUIRED)
    except SettingsError as error:
        problems += error.problems
    else:
        if settings.port == target.app_port:
            problem = f"{settings.port} is the application's own port (target.app_port): choose another"
            problems.append(Problem("port", problem))
    if problems:
        raise SettingsError(origin, problems)
    return settings, target, [dict(g) for g in groups]


def _are_rule_groups(groups: Any) -> bool:
    return isinstance(groups, Sequence) and all(_is_rule_group(g) for g in groups)


def _is_rule_group(group: Any) -> bool:
    return isinstance(group, Mapping) and isinstance(group.get("name"), str) and isinstance(group.get("rules"), list)
