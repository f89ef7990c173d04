"""LogTailSidecar: the ComponentResource handing a workload its log tailers."""

import pulumi

from ..pod.contribution_data import PodContributionData, contribution_data
from ..pod.model import PodContribution
from ..pod.target import parse_pattern_args
from ..settings.inputs import plain_args
from .args import LogTailSidecarArgs
from .contribution import log_tail_contribution
from .settings import REQUIRED, LogTailSidecarSettings


class LogTailSidecar(pulumi.ComponentResource):
    """Streams an application's log files to stdout, one tailer container per file, without touching the app.

    The tailers mount the log volume read-only and run `tail -F -n +1`: from the first line, following
    rotation (rename and recreate) and truncation. Native sidecars (Kubernetes 1.29+) start before the app
    and stop after it, so startup and shutdown lines are kept. Owns no Kubernetes objects: merge
    `contribution` into the workload's pod.
    """

    container_names: pulumi.Output[list[str]]
    """One container per file, `tail-<file>`: `kubectl logs <pod> -c <name>` shows that file."""
    native: pulumi.Output[bool]
    """Whether the tailers run as native sidecars."""
    outlives_app = True  # no annotation: the package host would take an annotated attribute for an output
    """Classic tailers read the app's last lines: a PodBuilder makes them stop after the app."""
    keeps_its_sidecar_kind = True
    """Its `mode` chooses native or classic tailers: a PodBuilder hooks the classic ones, never converts them."""
    pod_contribution: PodContributionData
    """What to merge into the workload's pod, as data (PodTemplateMerge merges it from any language)."""

    def __init__(self, name: str, args: LogTailSidecarArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        contribution = self.plan(name, args)
        super().__init__("podpatterns:index:LogTailSidecar", name, None, opts)
        self.contribution: PodContribution = contribution
        """The tailer containers, for the workload's pod (plain data, known at plan time)."""
        names = [c["name"] for c in [*contribution.containers, *contribution.native_sidecars]]
        self.container_names = pulumi.Output.from_input(names)
        self.native = pulumi.Output.from_input(bool(contribution.native_sidecars))
        self.pod_contribution = contribution_data(contribution)
        self.register_outputs(
            {"container_names": self.container_names, "native": self.native, "pod_contribution": self.pod_contribution}
        )

    @staticmethod
    def plan(name: str, args: LogTailSidecarArgs) -> PodContribution:
        """The contribution the component would hand out, without registering anything; raises SettingsError."""
        origin = f"LogTailSidecar '{name}' arguments"
        settings, target = parse_pattern_args(
            LogTailSidecarSettings, plain_args(args, origin, LogTailSidecarArgs), origin, REQUIRED
        )
        return log_tail_contribution(settings, source=f"LogTailSidecar '{name}' on {target.name}")
