"""PodBuilder: one workload's pod composed from patterns, checked whole before any pattern registers a resource.

A pattern constructed on its own registers its resources at once (certificates, Secrets, ConfigMaps), so a
conflict found later by `merge_pod` would leave them in the deployment. The builder asks each pattern first
for its pure contribution (`plan`), merges the whole pod and checks it against the namespace's Pod Security
level, and only then constructs the patterns, in the order they were added.

Every pattern says whether its containers outlive the app (`outlives_app`: the TLS ambassador, the Prometheus
adapter, classic log tailers do; init containers do not), so that the pod stops the same way wherever it is
built (ElasticsearchApp builds its own pod with a PodBuilder too; elasticsearch/shutdown.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import pulumi

from ..settings.engine import Problem, SettingsError
from .model import Manifest, MergedPod, PodContribution, merge_pod
from .pod_security import LEVELS, check_pod_security
from .sidecar_order import outlasting
from .target import WorkloadTarget


class Pattern(Protocol):
    """What the builder needs of a pattern class: a pure plan, then the component and its contribution.

    `outlives_app`: whether its containers serve or read the app, so that they stop after it.
    """

    contribution: PodContribution
    outlives_app: bool

    def __init__(self, name: str, args: Any, opts: pulumi.ResourceOptions | None = None) -> None: ...

    @staticmethod
    def plan(name: str, args: Any) -> PodContribution: ...


P = TypeVar("P", bound=Pattern)


class Planned(Generic[P]):
    """A pattern added to a PodBuilder: its component exists once the builder has built the pod."""

    def __init__(self, pattern: type[P], name: str, args: Any, opts: pulumi.ResourceOptions | None) -> None:
        self.contribution = pattern.plan(name, args)
        self.outlives_app: bool = getattr(pattern, "outlives_app", False)  # a class of your own may leave it out
        self.keeps_its_sidecar_kind: bool = getattr(pattern, "keeps_its_sidecar_kind", False)
        self._pattern, self._name, self._args, self._opts = pattern, name, args, opts
        self._resource: P | None = None

    @property
    def resource(self) -> P:
        """The pattern's component (its outputs: certificates, jobs, ...); raises until `PodBuilder.build`."""
        if self._resource is None:
            raise RuntimeError("the pattern is created by PodBuilder.build(): call it first")
        return self._resource

    def create(self, opts: pulumi.ResourceOptions | None) -> PodContribution:
        """Construct the pattern, with the options given to `add`, else `opts`."""
        self._resource = self._pattern(self._name, self._args, self._opts if self._opts is not None else opts)
        return self._resource.contribution


@dataclass
class PodBuilder:
    """Composes the pod of `target` from the application's own contribution and the patterns added to it.

    `security_context` is the pod-level securityContext of the workload (fsGroup, runAsNonRoot, ...).
    `pod_security` is the Pod Security level the target's namespace enforces, "restricted" by default;
    the merged pod is checked against it before anything is registered ("baseline" checks less,
    "privileged" turns the check off: say so only when the namespace really is privileged).
    `claim_templates` names StatefulSet volume claims the containers may mount besides the pod's volumes.
    `termination_grace_period_seconds` (Kubernetes' default, 30) goes into `pod_spec()`.
    `native_sidecars` (default true: Kubernetes 1.29 and later): the containers of patterns that serve or read
    the app become native sidecars, which the kubelet stops after the app; false (older clusters) keeps them
    classic, with a preStop hook that waits until the app has closed its port. Either way, no fixed sleep.
    `exempt_containers` (default none): containers the Pod Security check leaves out (ElasticsearchApp's sysctl
    init container, in the namespace it labels privileged). `description` names the workload in errors
    (default "workload <namespace>/<name>").
    """

    target: WorkloadTarget
    app: PodContribution
    security_context: Manifest | None = None
    pod_security: str = "restricted"
    claim_templates: Sequence[str] = ()
    termination_grace_period_seconds: int = 30
    native_sidecars: bool = True
    exempt_containers: Sequence[str] = ()
    description: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.pod_security not in LEVELS:
            allowed = ", ".join(LEVELS)
            problems.append(Problem("pod_security", f"{self.pod_security!r} is not allowed: must be one of {allowed}"))
        grace = self.termination_grace_period_seconds
        if isinstance(grace, bool) or not isinstance(grace, int) or not 1 <= grace <= 3600:
            problems.append(
                Problem(
                    "termination_grace_period_seconds", f"{grace!r} is not allowed: must be a whole number 1 to 3600"
                )
            )
        if problems:
            raise SettingsError("PodBuilder", problems)
        self._planned: list[Planned[Any] | PodContribution] = []
        self._built: MergedPod | None = None

    def add(self, pattern: type[P], name: str, args: Any, opts: pulumi.ResourceOptions | None = None) -> Planned[P]:
        """Plan `pattern(name, args, opts)` (its arguments are checked now); it is created by `build`."""
        self._check_open()
        planned = Planned(pattern, name, args, opts)
        self._planned.append(planned)
        return planned

    def contribute(self, contribution: PodContribution) -> None:
        """Add a plain contribution (containers, volumes, ... of your own) after the patterns added so far."""
        self._check_open()
        self._planned.append(contribution)

    def check(self) -> MergedPod:
        """The whole pod as planned, merged and checked, with nothing registered; raises PodConflictError or
        PodSecurityError (naming every violation by container and field)."""
        self._check_open()
        return self._merge([p.contribution if isinstance(p, Planned) else p for p in self._planned])

    def build(self, opts: pulumi.ResourceOptions | None = None) -> MergedPod:
        """Check the whole pod (`check`), then create the patterns and merge the pod again with their deploy-time
        values (the certificate's rotation hash). `opts` go to the patterns added without options of their own
        (ElasticsearchApp's parent and dependencies, known only once it is registered)."""
        self.check()
        self._built = self._merge([p.create(opts) if isinstance(p, Planned) else p for p in self._planned])
        return self._built

    def _outliving(self, *, own_kind: bool) -> set[str]:
        return {
            container["name"]
            for planned in self._planned
            if isinstance(planned, Planned) and planned.outlives_app and planned.keeps_its_sidecar_kind == own_kind
            for container in planned.contribution.containers
        }

    def pod_spec(self) -> Manifest:
        """The built pod's `spec`, with the builder's security context: for the workload's pod template."""
        if self._built is None:
            raise RuntimeError("call PodBuilder.build() first")
        spec = self._built.pod_spec(self.security_context)
        return {**spec, "terminationGracePeriodSeconds": self.termination_grace_period_seconds}

    def _merge(self, contributions: list[PodContribution]) -> MergedPod:
        app_port = self._app_listen_port(contributions)
        converted, own_kind = self._outliving(own_kind=False), self._outliving(own_kind=True)
        parts = outlasting([self.app, *contributions], converted, native=self.native_sidecars, app_port=app_port)
        # Log tailers keep the kind their `mode` chose: the classic ones wait for the app.
        parts = outlasting(parts, own_kind, native=False, app_port=app_port)
        pod = merge_pod(self.target.app_container, parts, self.claim_templates)
        spec = pod.pod_spec(self.security_context)
        check_pod_security(self._workload(), spec, pod.annotations, self.pod_security, self.exempt_containers)
        return pod

    def _workload(self) -> str:
        if self.description is not None:
            return self.description
        namespace = self.target.namespace
        return f"workload {namespace}/{self.target.name}" if isinstance(namespace, str) else self.target.name

    def _app_listen_port(self, contributions: list[PodContribution]) -> int:
        """Where the app itself listens: where a contribution moved it (behind an ambassador), else its port."""
        moved = [c.app_listen_port for c in [self.app, *contributions] if c.app_listen_port is not None]
        return moved[0] if moved else self.target.app_port

    def _check_open(self) -> None:
        if self._built is not None:
            raise RuntimeError("this PodBuilder has built its pod already")
