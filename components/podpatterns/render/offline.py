"""Runs a Pulumi Python program in-process under mocks, as `pulumi preview` would, and records it.

No CLI, no engine, no cluster: Pulumi's mock monitor stands in for the engine, and every
registration is recorded with its parent and inputs. Values that only exist at deploy time
(generated keys and certificates, `secure:` config) become clearly marked placeholders.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import os
import runpy
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.stack import run_pulumi_func

from ..pod.model import MergedPod, observe_merged_pods
from .urn import make_urn

SECRET_PLACEHOLDER = "[secret: set at deploy]"


def deploy_time_placeholder(resource_type: str, name: str, attribute: str) -> str:
    """Stands for a value the provider computes at deploy time, like `pulumi preview`'s unknowns."""
    return f"[known after deploy: {resource_type} {name} {attribute}]"


# Outputs that providers compute and programs read, by resource type; the offline render fills
# them with placeholders so that the program's `apply`s run as they would on a real deploy.
COMPUTED_OUTPUTS: dict[str, tuple[str, ...]] = {
    "tls:index/privateKey:PrivateKey": ("privateKeyPem", "publicKeyPem"),
    "tls:index/selfSignedCert:SelfSignedCert": ("certPem", "validityEndTime"),
    "tls:index/certRequest:CertRequest": ("certRequestPem",),
    "tls:index/locallySignedCert:LocallySignedCert": ("certPem", "validityEndTime"),
}


@dataclass(frozen=True)
class AliasSpec:
    """One of a resource's `ResourceOptions.aliases`, as the SDK sends it to the engine.

    Either a whole `urn`, or the parts that differ from the resource's own (empty: the same).
    """

    urn: str = ""
    name: str = ""
    type: str = ""
    stack: str = ""
    project: str = ""
    parent_urn: str = ""
    no_parent: bool = False


@dataclass(frozen=True)
class Registration:
    urn: str
    parent: str
    type: str
    name: str
    custom: bool
    inputs: Mapping[str, Any]
    secret_paths: tuple[str, ...] = ()
    """Dotted paths of inputs that were Pulumi secrets (their values in `inputs` are unwrapped)."""
    aliases: tuple[AliasSpec, ...] = ()
    """The resource's aliases: the URNs it may have had before (see `render.replacements`)."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """The engine-side resource options it was registered with, where set: customTimeouts ({create, update,
    delete}), ignoreChanges, and hooks (the names of the hooks bound per step, e.g. {"beforeUpdate": [...]})."""
    dependencies: tuple[str, ...] = ()
    """URNs of the resources it depends on, as the engine records them in the state."""


@dataclass
class Recording:
    """What a program registered, in order, and what it exported."""

    stack: str
    registrations: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    pods: list[MergedPod] = field(default_factory=list)
    """Every pod the program merged (`merge_pod`), for the pod diagrams."""


ComputedValue = Callable[[str, str, str, Mapping[str, Any]], Any]
"""(resource type, name, attribute, inputs) -> the value standing for what the provider computes."""


def _placeholder(resource_type: str, name: str, attribute: str, inputs: Mapping[str, Any]) -> str:
    return deploy_time_placeholder(resource_type, name, attribute)


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, computed: ComputedValue) -> None:
        self.computed = computed

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        for attribute in COMPUTED_OUTPUTS.get(args.typ, ()):
            state.setdefault(attribute, self.computed(args.typ, args.name, attribute, args.inputs))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        raise NotImplementedError(f"the offline render has no data for function {args.token}")


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, recording: Recording, computed: ComputedValue) -> None:
        self.mocks = _Mocks(computed)
        super().__init__(self.mocks)
        self.recording = recording
        self.lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return make_urn(pulumi.get_stack(), pulumi.get_project(), parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            _event_loop()  # deserializing makes futures; this runs in one of the mock monitor's threads
            secret_paths: list[str] = []
            inputs = _unwrap_secrets(rpc.deserialize_properties(request.object), "", secret_paths)
            registration = Registration(
                response.urn,
                request.parent,
                request.type,
                request.name,
                request.custom,
                inputs,
                tuple(secret_paths),
                tuple(_alias_spec(alias) for alias in request.aliases),
                _options(request),
                tuple(sorted(request.dependencies)),
            )
            with self.lock:
                self.recording.registrations.append(registration)
        return response


def _event_loop() -> asyncio.AbstractEventLoop:
    """This thread's event loop, made on first use (Pulumi's runtime and mocks use the thread's loop)."""
    try:
        return asyncio.get_event_loop()
    except RuntimeError:  # no loop in this thread yet
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        return loop


def _options(request: Any) -> dict[str, Any]:
    """The options of a `RegisterResourceRequest` that change how the engine deploys, as plain data."""
    options: dict[str, Any] = {}
    timeouts = {k: v for k in ("create", "update", "delete") if (v := getattr(request.customTimeouts, k))}
    if timeouts:
        options["customTimeouts"] = timeouts
    if request.ignoreChanges:
        options["ignoreChanges"] = list(request.ignoreChanges)
    hooks = {
        step: list(names)
        for step in ("before_create", "before_update", "before_delete", "after_create", "after_update")
        if (names := getattr(request.hooks, step))
    }
    if hooks:
        options["hooks"] = hooks
    return options


def _alias_spec(alias: Any) -> AliasSpec:
    """An `alias_pb2.Alias` (with the monitor's aliasSpecs feature, which the mock monitor reports) as data."""
    if alias.HasField("urn"):
        return AliasSpec(urn=alias.urn)
    spec = alias.spec
    return AliasSpec(
        name=spec.name,
        type=spec.type,
        stack=spec.stack,
        project=spec.project,
        parent_urn=spec.parentUrn,
        no_parent=spec.noParent,
    )


def _unwrap_secrets(value: Any, path: str, secret_paths: list[str]) -> Any:
    if rpc.is_rpc_secret(value):
        secret_paths.append(path)
        return _unwrap_secrets(rpc.unwrap_rpc_secret(value), path, secret_paths)
    if isinstance(value, dict):
        return {k: _unwrap_secrets(v, f"{path}.{k}" if path else k, secret_paths) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap_secrets(v, f"{path}[{i}]", secret_paths) for i, v in enumerate(value)]
    return value


def stack_config(project_dir: Path, stack: str) -> tuple[str, dict[str, str], list[str]]:
    """(project name, config as the CLI hands it to programs, secret keys) for one stack."""
    project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    stack_file = project_dir / project.get("stackConfigDir", ".") / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise FileNotFoundError(f"no stack file {stack_file}")
    document = yaml.safe_load(stack_file.read_text()) or {}
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, written in (document.get("config") or {}).items():
        full_key = key if ":" in key else f"{project['name']}:{key}"
        value, secret = _without_secure_values(written)
        # The CLI passes text as it is and anything else as JSON.
        config[full_key] = value if isinstance(value, str) else json.dumps(value)
        if secret:
            secret_keys.append(full_key)
    return project["name"], config, secret_keys


def _without_secure_values(value: Any) -> tuple[Any, bool]:
    """Replace `secure:` ciphertexts (only the stack's secrets provider can decrypt them) by placeholders."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        pairs = {k: _without_secure_values(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [_without_secure_values(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def run_offline(project_dir: Path, stack: str, recording: Recording | None = None) -> Recording:
    """Run the project's program for `stack` under mocks; exceptions from the program propagate.

    Pass `recording` to keep what was registered even when the program raises.
    """
    project_dir = project_dir.resolve()
    project, config, secret_keys = stack_config(project_dir, stack)
    return run_with_mocks(
        lambda: _run_main(project_dir),
        project=project,
        stack=stack,
        config=config,
        secret_keys=secret_keys,
        recording=recording,
    )


def run_with_mocks(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
    recording: Recording | None = None,
    computed: ComputedValue = _placeholder,
) -> Recording:
    """Run `program` as a Pulumi program under mocks and record what it registers and exports.

    Pass `recording` to keep what was registered even when the program raises. `computed` makes the
    values providers compute (keys, certificates; default: `deploy_time_placeholder`).
    """
    recording = recording or Recording(stack=f"{project}-{stack}")
    # A fresh context per run: Pulumi keeps its global state (root stack, config) in context variables.
    context = contextvars.Context()
    return context.run(
        functools.partial(
            _run_isolated,
            program,
            project=project,
            stack=stack,
            config=dict(config or {}),
            secret_keys=list(secret_keys),
            recording=recording,
            computed=computed,
        )
    )


def _run_isolated(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str],
    recording: Recording,
    computed: ComputedValue,
) -> Recording:
    loop = _event_loop()  # before the mocks, which make futures on this thread's loop
    pulumi.runtime.set_all_config(config, secret_keys)
    monitor = _RecordingMonitor(recording, computed)
    pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)

    async def run_and_collect_outputs() -> None:
        program()
        root = pulumi.runtime.get_root_resource()
        for name, value in getattr(root, "outputs", {}).items():
            recording.outputs[name] = await pulumi.Output.from_input(value).future()

    with observe_merged_pods() as pods:
        try:
            loop.run_until_complete(run_pulumi_func(run_and_collect_outputs))
        finally:
            recording.pods.extend(pods)
    return recording


def _run_main(project_dir: Path) -> None:
    """Run the project's program as the Python language host does: from its directory, as __main__."""
    main = yaml.safe_load((project_dir / "Pulumi.yaml").read_text()).get("main", ".")
    entry = project_dir / main
    sys.path.insert(0, str(entry if entry.is_dir() else entry.parent))
    previous = Path.cwd()
    try:
        os.chdir(project_dir)
        runpy.run_path(str(entry / "__main__.py" if entry.is_dir() else entry), run_name="__main__")
    finally:
        os.chdir(previous)
        sys.path.pop(0)
