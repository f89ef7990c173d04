"""PodTemplateMerge: the patterns' contributions merged into a workload's own pod template, from any language.

No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.
"""

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Required, TypedDict

import pulumi

from ..settings.engine import Problem, SettingsError
from ..settings.inputs import holds_outputs
from .contribution_data import PodContributionData, contribution_from_data
from .model import Manifest, MergedPod, PodContribution, merge_pod


class PodTemplateMergeArgs(TypedDict, total=False):
    """A workload's pod template and the contributions to merge into it."""

    template: Required[pulumi.Input[dict[str, Any]]]
    """The workload's pod template (Kubernetes JSON: metadata and spec), with the application container. Required."""
    app_container: Required[pulumi.Input[str]]
    """The application's container in the template: it gets the contributions' mounts and env. Required."""
    contributions: pulumi.Input[Sequence[pulumi.Input[PodContributionData]]]
    """The patterns' podContribution outputs, merged in this order after the template's own. Default: none."""
    claim_templates: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Names of a StatefulSet's volumeClaimTemplates, which mounts may use besides volumes. Default: none."""


class PodTemplateMerge(pulumi.ComponentResource):
    """Merges pod contributions (TlsAmbassador, LogTailSidecar, ...) into a workload's own pod template.

    The same merge, with the same conflict checks and messages, as ElasticsearchApp's (`merge_pod`):
    two containers on one port, a container or volume name used twice, two mounts at one path, an env
    variable, annotation or sysctl set twice, a mount of an undeclared volume. With every argument known,
    a conflict fails before this component is registered; a value not known yet (during a preview) makes
    the outputs unknown until it is, and the merge runs then. Creates no resources: put `template` into
    the workload's `spec.template` and `servicePorts` into its Service.
    """

    template: pulumi.Output[dict[str, Any]]
    """The merged pod template: the template's, with the contributions' containers, volumes, annotations and more."""
    service_ports: pulumi.Output[list[dict[str, Any]]]
    """Ports the contributions add to the workload's client Service."""

    def __init__(self, name: str, args: PodTemplateMergeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        origin = f"PodTemplateMerge '{name}' arguments"
        values = [args.get(key) for key in ("template", "app_container", "contributions", "claim_templates")]
        merged: pulumi.Output[tuple[Manifest, list[Manifest]]]
        if _needs_values(args):  # merged once every value is known
            merged = pulumi.Output.all(*values).apply(lambda known: merge_template(origin, *known))
        else:  # merged now: a conflict fails before anything is registered
            merged = pulumi.Output.from_input(merge_template(origin, *values))
        super().__init__("podpatterns:index:PodTemplateMerge", name, None, opts)
        self.template = merged.apply(lambda m: m[0])
        self.service_ports = merged.apply(lambda m: m[1])
        self.register_outputs({"template": self.template, "service_ports": self.service_ports})


def _needs_values(args: Mapping[str, Any]) -> bool:
    """Whether an argument is an Output somewhere other than the contributions' annotation values."""
    contributions = args.get("contributions", [])
    others = {k: v for k, v in args.items() if k != "contributions"}
    if isinstance(contributions, pulumi.Output) or holds_outputs(others):
        return True
    return any(isinstance(c, pulumi.Output) or _holds_outputs_outside_annotations(c) for c in contributions)


def _holds_outputs_outside_annotations(contribution: Any) -> bool:
    if not isinstance(contribution, Mapping):  # a PodContribution from Python: plain but for its annotations
        return False
    return holds_outputs({k: v for k, v in contribution.items() if k != "pod_annotations"})


def merge_template(
    origin: str, template: Any, app_container: Any, contributions: Any, claim_templates: Any
) -> tuple[Manifest, list[Manifest]]:
    """(the merged pod template, the Service ports); raises SettingsError or PodConflictError."""
    problems = []
    if not isinstance(template, Mapping) or not isinstance(template.get("spec"), Mapping):
        problems.append(Problem("template", "must be a pod template: an object with a spec (and metadata)"))
    if not isinstance(app_container, str) or not app_container:
        problems.append(Problem("app_container", "must name the application's container in the template"))
    parts = []
    for index, contribution in enumerate(contributions or []):
        if isinstance(contribution, PodContribution):
            parts.append(contribution)
        elif isinstance(contribution, Mapping) and isinstance(contribution.get("source"), str):
            parts.append(contribution_from_data(_whole_numbers(contribution)))
        else:
            problems.append(Problem(f"contributions[{index}]", "must be a pod contribution with at least a source"))
    if problems:
        raise SettingsError(origin, problems)
    template = _whole_numbers(template)
    own = _own_contribution(origin.removesuffix(" arguments"), template)
    pod = merge_pod(app_container, [own, *parts], claim_templates=list(claim_templates or []))
    return _merged(template, pod), pod.service_ports


def _whole_numbers(value: Any) -> Any:
    """`value` with each whole float an int: a template or contribution from another language arrives through the
    engine, whose numbers are all floats (a port would read 8443.0 in conflict messages and in the merged template)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


def _own_contribution(merger: str, template: Mapping[str, Any]) -> PodContribution:
    """What the workload's template already has, as the first contribution (conflict messages name it)."""
    spec = template["spec"]
    security = spec.get("securityContext", {})
    return PodContribution(
        source=f"the pod template given to {merger}",
        containers=spec.get("containers", []),
        init_containers=spec.get("initContainers", []),
        volumes=spec.get("volumes", []),
        pod_annotations=template.get("metadata", {}).get("annotations", {}),
        pod_sysctls=security.get("sysctls", []),
        service_account_name=spec.get("serviceAccountName"),
    )


def _merged(template: Mapping[str, Any], pod: MergedPod) -> Manifest:
    merged: Manifest = copy.deepcopy(dict(template))
    spec = merged["spec"]
    spec["containers"] = pod.containers
    for key, value in (("initContainers", pod.init_containers), ("volumes", pod.volumes)):
        if value:
            spec[key] = value
    if pod.sysctls:
        spec.setdefault("securityContext", {})["sysctls"] = pod.sysctls
    if pod.service_account_name:
        spec["serviceAccountName"] = pod.service_account_name
    if pod.annotations:
        merged.setdefault("metadata", {})["annotations"] = pod.annotations
    return merged
