"""The catalogue of bad inputs (tests/unit/test_bad_*.py): how each case runs and what its error must name.

Two surfaces. Stack files: the project's program runs under mocks on `stacks/Pulumi.catalogue.yaml`
(written per case into a copy of the project), as `pulumi preview` would. Component arguments: each
component is constructed under mocks with the arguments as given. The recording keeps every registration
even when the program raises; the root stack is not recorded, so "nothing registered" is an empty list.
A conflict between pod contributions names the contribution, the claimed name or port, and the fix.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from podpatterns import (
    ElasticsearchApp,
    LogTailSidecar,
    PodBuilder,
    PodConflictError,
    PodContribution,
    PodSecurityError,
    PrometheusAdapter,
    SettingsError,
    SysctlInit,
    TlsAmbassador,
    VaultSecretsInit,
    WorkloadTarget,
)
from podpatterns.kube import restricted_security_context
from podpatterns.render import Recording, run_offline, run_with_mocks

from .support.workload_targets import workload_target

PROJECT_DIR = Path(__file__).resolve().parents[2]
STACK_FILE = "stacks/Pulumi.catalogue.yaml"


@dataclass(frozen=True)
class Case:
    """One bad input: how to run it, and what its error must name."""

    run: Callable[[Recording, Path], object]
    origin: str
    key: str
    allowed: str
    more: tuple[tuple[str, str], ...] = ()
    """Further (key, allowed) problems the same error must list: reported together, not one after the other."""


def stack(config: Mapping[str, Any], key: str, allowed: str) -> Case:
    """A stack file with `config` (keys without the project prefix)."""

    def run(recording: Recording, project: Path) -> object:
        document = {"config": {f"pod-patterns:{k}": v for k, v in config.items()}}
        (project / STACK_FILE).write_text(yaml.safe_dump(document))
        return run_offline(project, "catalogue", recording)

    return Case(run, STACK_FILE, f"pod-patterns:{key}", allowed)


def raw_stack(config: Mapping[str, Any], key: str, allowed: str) -> Case:
    """A stack file with `config` as written (full keys, namespace included)."""

    def run(recording: Recording, project: Path) -> object:
        (project / STACK_FILE).write_text(yaml.safe_dump({"config": dict(config)}))
        return run_offline(project, "catalogue", recording)

    return Case(run, STACK_FILE, key, allowed)


def together(case: Case, *more: tuple[str, str]) -> Case:
    return Case(case.run, case.origin, case.key, case.allowed, more)


Component = Callable[[str, Any], pulumi.ComponentResource]


def arguments(component: Component, name: str, args: Mapping[str, Any], key: str, allowed: str) -> Case:
    def run(recording: Recording, _: Path) -> object:
        return run_with_mocks(lambda: component(name, args) and None, project="t", stack="c", recording=recording)

    return Case(run, f"{component.__name__} '{name}' arguments", key, allowed)  # type: ignore[attr-defined]


def conflict(args: Mapping[str, Any], source: str, claimed: str, fix: str) -> Case:
    """ElasticsearchApp with a contribution that clashes with its pod: the error names both parties."""
    case = arguments(ElasticsearchApp, "search", args, claimed, fix)
    return Case(case.run, source, claimed, fix)


WEB = workload_target("web")
VALID: dict[Component, dict[str, Any]] = {
    ElasticsearchApp: {"namespace": "search"},
    TlsAmbassador: {"target": WEB, "upstream_port": 8081},
    PrometheusAdapter: {
        "target": WEB,
        "image": "nginx/nginx-prometheus-exporter:1.4.0",
        "port": 9113,
        "health_path": "/",
    },
    LogTailSidecar: {"target": WEB, "volume": "logs", "directory": "/var/log/web", "files": ["access.log"]},
    SysctlInit: {"target": WEB, "sysctls": ["vm.max_map_count=262144"]},
    VaultSecretsInit: {
        "target": WEB,
        "address": "https://vault.vault.svc:8200",
        "ca_config_map": "vault-ca",
        "role": "web",
        "files": [{"name": "db.json", "path": "shop/web/db", "keys": ["user"], "format": "json"}],
    },
}
NAMES = {
    ElasticsearchApp: "search",
    TlsAmbassador: "web-tls",
    PrometheusAdapter: "web-metrics",
    LogTailSidecar: "web-logs",
    SysctlInit: "web-sysctl",
    VaultSecretsInit: "web-secrets",
}


def bad(component: Component, change: Mapping[str, Any], key: str, allowed: str) -> Case:
    """The component's valid arguments with `change` (a value of None removes the argument)."""
    args = {k: v for k, v in {**VALID[component], **change}.items() if v is not None}
    return arguments(component, NAMES[component], args, key, allowed)


def target(change: Mapping[str, Any], key: str, allowed: str) -> Case:
    """A WorkloadTarget built with `change` to WEB's fields: refused where it is built, naming the field."""

    def run(recording: Recording, _: Path) -> object:
        fields = {**WEB.__dict__, **change}
        return run_with_mocks(
            lambda: TlsAmbassador("web-tls", {"target": WorkloadTarget(**fields), "upstream_port": 8081}) and None,
            project="t",
            stack="c",
            recording=recording,
        )

    return Case(run, "WorkloadTarget", key, allowed)


def composed(app: PodContribution, origin: str, key: str, allowed: str) -> Case:
    """WEB's pod composed with a PodBuilder from `app` and the TLS ambassador and a log tailer."""

    def program() -> None:
        builder = PodBuilder(WEB, app)
        builder.add(TlsAmbassador, "web-tls", VALID[TlsAmbassador])
        builder.add(LogTailSidecar, "web-logs", VALID[LogTailSidecar])
        builder.build()

    def run(recording: Recording, _: Path) -> object:
        return run_with_mocks(program, project="t", stack="c", recording=recording)

    return Case(run, origin, key, allowed)


def web_app(**container: Any) -> PodContribution:
    """WEB's own container, restricted unless `container` says otherwise."""
    main = {"name": "web", "image": "web:1.0", "securityContext": restricted_security_context(1000), **container}
    return PodContribution(source="web application", containers=[main], volumes=[{"name": "logs", "emptyDir": {}}])


DEBUG_SHELL = {"name": "debug", "image": "busybox:1.36.1", "command": ["sleep", "infinity"]}
"""The README's debug container before it had a securityContext."""


VAULT_ON = {"enabled": True, "address": "https://vault.vault.svc:8200", "caConfigMap": "vault-ca", "role": "search"}
VAULT_ARGS = {"enabled": True, "address": "https://vault.vault.svc:8200", "ca_config_map": "vault-ca", "role": "search"}
ONE_FILE = [{"name": "password", "path": "search/elastic", "keys": ["password"]}]


def vault_stack(change: Mapping[str, Any], key: str, allowed: str, **config: Any) -> Case:
    return stack({"vault": {**VAULT_ON, "files": ONE_FILE, **change}, **config}, f"vault.{key}", allowed)


def squatter(**parts: Any) -> PodContribution:
    return PodContribution(source="Team 'squatter'", **parts)


def listener(port: int) -> PodContribution:
    """A squatter's container listening on `port`."""
    return squatter(containers=[{"name": "x", "image": "x:1", "ports": [{"containerPort": port}]}])


def copy_project(directory: Path) -> Path:
    """`directory` made a copy of the project whose stack `catalogue` each stack-file case writes."""
    (directory / "stacks").mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, directory / name)
    return directory


def assert_refused(case: Case, project: Path) -> None:
    """The case raises an error naming its origin, key and what is allowed (every problem of it at once), and
    registers nothing."""
    recording = Recording("catalogue")
    with pytest.raises((SettingsError, PodConflictError, PodSecurityError)) as caught:
        case.run(recording, project)
    message = str(caught.value)
    if isinstance(caught.value, SettingsError):
        for key, allowed in ((case.key, case.allowed), *case.more):
            lines = [line for line in message.splitlines() if line.startswith(f"{case.origin}: {key}: ")]
            assert lines, f"no line starts with '{case.origin}: {key}: ' in:\n{message}"
            assert any(allowed in line for line in lines), message
    else:
        assert case.origin in message, message
        assert case.key in message, message
        assert case.allowed in message, message
    assert recording.registrations == []
