"""VaultSecretsInit: the Vault agent fetches secrets into an in-memory volume before the app starts."""

from collections.abc import Mapping
from typing import Any

import pulumi

from ..pod.contribution_data import PodContributionData, contribution_data
from ..pod.model import PodContribution
from ..pod.target import WorkloadTarget, require_target
from ..registration import child_options, register
from ..settings import KeyStyle, SettingsError, parse
from ..settings.checks import kubernetes_version as check_kubernetes_version
from ..settings.engine import Problem
from ..settings.inputs import plain_args
from .args import VaultSecretsInitArgs
from .contribution import vault_contribution, vault_manifests
from .settings import VaultSettings, renewal_problem


class VaultSecretsInit(pulumi.ComponentResource):
    """A Vault agent init container that logs in with the pod's ServiceAccount and writes files.

    Owns the pod's ServiceAccount and the agent's ConfigMap; its `contribution` adds the agent,
    its projected token and the read-only secrets volume to the target's pod. Only addresses,
    names and paths pass through Pulumi: the secrets go from Vault to the pod's memory.
    """

    outlives_app = False  # no annotation: the package host would take an annotated attribute for an output
    """Its init container is done before the app starts: nothing to keep running after it."""

    service_account_name: pulumi.Output[str]
    """The ServiceAccount the pod must run as (the Vault role binds it)."""
    config_map_name: pulumi.Output[str]
    """The ConfigMap holding the agent's configuration."""
    pod_contribution: PodContributionData
    """What to merge into the workload's pod, as data (PodTemplateMerge merges it from any language)."""

    def __init__(self, name: str, args: VaultSecretsInitArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        settings, target = _parse_args(name, args)
        super().__init__("podpatterns:index:VaultSecretsInit", name, None, opts)

        created = {
            role: register(f"{name}-{role}", manifest, child_options(self, opts))
            for role, manifest in vault_manifests(settings, target).items()
        }
        self.contribution: PodContribution = vault_contribution(settings, target, _source(name))
        """What the pattern adds to the target's pod (plain data, for Python programs)."""
        self.service_account_name = created["service-account"].metadata.name  # type: ignore[attr-defined]
        self.config_map_name = created["agent-config"].metadata.name  # type: ignore[attr-defined]
        self.pod_contribution = contribution_data(self.contribution)
        self.register_outputs(
            {
                "service_account_name": self.service_account_name,
                "config_map_name": self.config_map_name,
                "pod_contribution": self.pod_contribution,
            }
        )

    @staticmethod
    def plan(name: str, args: VaultSecretsInitArgs) -> PodContribution:
        """The contribution the component would hand out, without registering anything; raises SettingsError."""
        settings, target = _parse_args(name, args)
        return vault_contribution(settings, target, _source(name))


def _source(name: str) -> str:
    return f"VaultSecretsInit '{name}'"


def _parse_args(name: str, args: VaultSecretsInitArgs) -> tuple[VaultSettings, WorkloadTarget]:
    origin = f"VaultSecretsInit '{name}' arguments"
    plain = plain_args(args, origin, VaultSecretsInitArgs)
    return _parse(plain, origin), require_target(plain, origin)


def _parse(args: Mapping[str, Any], origin: str) -> VaultSettings:
    raw = {key: value for key, value in args.items() if key not in ("target", "kubernetes_version")}
    settings = parse(VaultSettings, {**raw, "enabled": True}, origin=origin, style=KeyStyle())
    version = str(args.get("kubernetes_version", "1.33"))
    try:
        check_kubernetes_version(version)
    except ValueError as error:
        raise SettingsError(origin, [Problem("kubernetes_version", f"{version!r} is not allowed: {error}")]) from None
    problem = renewal_problem(settings.renew, int(version.split(".")[1]))
    if problem:
        raise SettingsError(origin, [Problem("renew", problem)])
    return settings
