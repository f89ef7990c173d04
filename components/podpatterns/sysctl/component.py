"""SysctlInit: the ComponentResource handing a workload the sysctls its pods need."""

import pulumi

from ..pod.contribution_data import PodContributionData, contribution_data
from ..pod.model import PodContribution
from ..pod.target import parse_pattern_args
from ..settings.inputs import plain_args
from .args import SysctlInitArgs
from .contribution import sysctl_contribution
from .settings import REQUIRED, SysctlInitSettings


class SysctlInit(pulumi.ComponentResource):
    """Sysctls for a workload's pods with the least privilege that can set them.

    Safe namespaced sysctls go to the pod's `securityContext.sysctls` (no privilege). Node-level ones
    (vm.*, fs.*) are raised, never lowered, by one short-lived privileged init container; its pods then
    need a namespace that Pod Security admits as "privileged". Unknown or unsafe names are rejected.
    Owns no Kubernetes objects: merge `contribution` into the workload's pod.
    """

    outlives_app = False  # no annotation: the package host would take an annotated attribute for an output
    """An init container, done before the app starts: nothing to keep running after it."""

    privileged: pulumi.Output[bool]
    """Whether the pod has the privileged init container (its namespace must admit privileged pods)."""
    pod_contribution: PodContributionData
    """What to merge into the workload's pod, as data (PodTemplateMerge merges it from any language)."""

    def __init__(self, name: str, args: SysctlInitArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        contribution = self.plan(name, args)
        super().__init__("podpatterns:index:SysctlInit", name, None, opts)
        self.contribution: PodContribution = contribution
        """The init container and pod sysctls (plain data, known at plan time)."""
        self.privileged = pulumi.Output.from_input(bool(contribution.init_containers))
        self.pod_contribution = contribution_data(contribution)
        self.register_outputs({"privileged": self.privileged, "pod_contribution": self.pod_contribution})

    @staticmethod
    def plan(name: str, args: SysctlInitArgs) -> PodContribution:
        """The contribution the component would hand out, without registering anything; raises SettingsError."""
        origin = f"SysctlInit '{name}' arguments"
        settings, target = parse_pattern_args(
            SysctlInitSettings, plain_args(args, origin, SysctlInitArgs), origin, REQUIRED
        )
        return sysctl_contribution(settings, source=f"SysctlInit '{name}' on {target.name}")
