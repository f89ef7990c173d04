"""Writes every component's argument TypedDicts (the `args.py` modules) from the settings dataclasses.

The settings are the one place where a key's type, default, allowed values and meaning live; the
arguments mirror them as `TypedDict`s with `pulumi.Input[...]` fields and a docstring per field, because
that is what the multi-language schema is inferred from (no Union, no dataclass defaults: every default
is stated in the docstring). `scripts/update-reference` rewrites the modules; a test keeps them current.
"""

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from ..elasticsearch.settings.model import AppSettings, ElasticsearchSettings
from ..elasticsearch.settings.network import NetworkSettings, PeerSettings
from ..elasticsearch.settings.rollout import RolloutSettings
from ..elasticsearch.settings.security import KeystoreEntrySettings, SecuritySettings
from ..logtail.settings import REQUIRED as LOGTAIL_REQUIRED
from ..logtail.settings import LogSettings, LogTailSidecarSettings
from ..metrics.settings import ExporterSettings, MetricsSettings
from ..pod.scheduling import SchedulingSettings, TolerationSettings
from ..settings.engine import rule_of
from ..sysctl.settings import REQUIRED as SYSCTL_REQUIRED
from ..sysctl.settings import SysctlInitSettings, SysctlSettings
from ..tls.settings import TlsSettings
from ..vault.settings import VaultFileSettings, VaultSettings

PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Extra:
    """An argument that is not a setting (the target, structured data), written as given."""

    name: str
    annotation: str
    doc: str
    required: bool = False


@dataclass(frozen=True)
class ArgsClass:
    """One TypedDict: extra arguments first, then one per field of `settings` (but `skip`)."""

    name: str
    doc: str
    settings: type[Any] | None = None
    extras: tuple[Extra, ...] = ()
    skip: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArgsModule:
    path: str
    """Relative to the package."""
    doc: str
    imports: tuple[str, ...]
    classes: tuple[ArgsClass, ...]


TARGET = Extra(
    "target",
    "pulumi.Input[WorkloadTarget]",
    "The workload whose pods get the pattern (from Python, e.g. an ElasticsearchApp's `target`). Required.",
    required=True,
)
KUBERNETES_VERSION = Extra(
    "kubernetes_version",
    "pulumi.Input[str]",
    'Oldest Kubernetes minor version of the cluster, "1.25" to "1.37"; renew needs "1.29" or later. Default: "1.33".',
)

NESTED = {
    ElasticsearchSettings: "ElasticsearchArgs",
    TlsSettings: "TlsArgs",
    VaultSettings: "VaultArgs",
    VaultFileSettings: "VaultFileArgs",
    LogSettings: "LogArgs",
    SysctlSettings: "SysctlArgs",
    MetricsSettings: "MetricsArgs",
    NetworkSettings: "NetworkArgs",
    PeerSettings: "NetworkPeerArgs",
    KeystoreEntrySettings: "KeystoreEntryArgs",
    SecuritySettings: "SecurityArgs",
    RolloutSettings: "RolloutArgs",
    SchedulingSettings: "SchedulingArgs",
    TolerationSettings: "TolerationArgs",
}
"""The TypedDict of each settings class that appears nested in another (a mapping or a list of mappings)."""

_TYPED_DICT = ("from typing import Required, TypedDict", "", "import pulumi")
_WITH_TARGET = ("from collections.abc import Sequence", *_TYPED_DICT, "", "from ..pod.target import WorkloadTarget")

MODULES = (
    ArgsModule(
        "pod/scheduling_args.py",
        "Arguments of where pods run, shared by PrometheusAdapter and ElasticsearchApp.",
        ("from collections.abc import Sequence", "from typing import TypedDict", "", "import pulumi"),
        tuple(
            ArgsClass(NESTED[settings], settings.__doc__ or "", settings)
            for settings in (TolerationSettings, SchedulingSettings)
        ),
    ),
    ArgsModule(
        "tls/args.py",
        "Arguments of TlsAmbassador.",
        _WITH_TARGET,
        (
            ArgsClass(
                "TlsAmbassadorArgs",
                "The workload to put behind TLS, where the application listens, and the TLS settings.",
                TlsSettings,
                extras=(
                    TARGET,
                    Extra(
                        "upstream_port",
                        "pulumi.Input[int]",
                        "The port the application listens on at 127.0.0.1, 1 to 65535, not target.app_port. Required.",
                        required=True,
                    ),
                    Extra(
                        "health_path",
                        "pulumi.Input[str]",
                        'The application\'s health URL path, for in-pod readiness probes through TLS. Default: "/".',
                    ),
                    Extra(
                        "app_readiness",
                        "pulumi.Input[bool]",
                        "The ambassador's readiness probe asks health_path through itself (mode http: over TLS; "
                        "stream: on 127.0.0.1:upstream_port), so the pod is Ready only once the application answers. "
                        "false when the application's own probe does (ElasticsearchApp). Default: true.",
                    ),
                ),
                skip=("enabled",),
            ),
        ),
    ),
    ArgsModule(
        "logtail/args.py",
        "Arguments of LogTailSidecar.",
        _WITH_TARGET,
        (
            ArgsClass(
                "LogTailSidecarArgs",
                "Which files to stream, from which volume, and how the tailers run.",
                LogTailSidecarSettings,
                extras=(TARGET,),
                required=LOGTAIL_REQUIRED,
            ),
        ),
    ),
    ArgsModule(
        "sysctl/args.py",
        "Arguments of SysctlInit.",
        _WITH_TARGET,
        (
            ArgsClass(
                "SysctlInitArgs",
                "The sysctls a workload's pods need.",
                SysctlInitSettings,
                extras=(TARGET,),
                required=SYSCTL_REQUIRED,
            ),
        ),
    ),
    ArgsModule(
        "metrics/args.py",
        "Arguments of PrometheusAdapter.",
        (
            "from collections.abc import Mapping, Sequence",
            "from typing import Any, Required, TypedDict",
            "",
            "import pulumi",
            "",
            "from ..pod.scheduling_args import SchedulingArgs",
            "from ..pod.target import WorkloadTarget",
        ),
        (
            ArgsClass(
                "PrometheusAdapterArgs",
                "An exporter container translating an application's own API into Prometheus metrics.",
                ExporterSettings,
                extras=(
                    TARGET,
                    Extra(
                        "preset",
                        "pulumi.Input[str]",
                        "A named exporter whose image, port and health path are used where not given: "
                        "elasticsearch (the Elasticsearch exporter, port 9114). Default: none (give all three).",
                    ),
                    Extra(
                        "rule_groups",
                        "pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]]",
                        "Prometheus rule groups (each a mapping with a name and its rules) for one PrometheusRule "
                        "(Operator CRD). Default: none (no PrometheusRule).",
                    ),
                ),
            ),
        ),
    ),
    ArgsModule(
        "vault/args.py",
        "Arguments of VaultSecretsInit, and the file list shared with ElasticsearchApp's `vault` argument.",
        _WITH_TARGET,
        (
            ArgsClass(
                "VaultFileArgs", "One file the Vault agent writes.", VaultFileSettings, required=("name", "path")
            ),
            ArgsClass(
                "VaultSecretsInitArgs",
                "How the Vault agent reaches Vault and which files it writes into the target's pod.",
                VaultSettings,
                extras=(TARGET, KUBERNETES_VERSION),
                skip=("enabled",),
                required=("address", "role", "files"),
            ),
        ),
    ),
    ArgsModule(
        "elasticsearch/args.py",
        "Arguments of ElasticsearchApp: the stack settings' keys in snake_case, and extra pod contributions.",
        (
            "from collections.abc import Mapping, Sequence",
            "from typing import Any, TypedDict",
            "",
            "import pulumi",
            "",
            "from ..pod.scheduling_args import SchedulingArgs",
            "from ..vault.args import VaultFileArgs",
        ),
        (
            *(
                ArgsClass(NESTED[settings], settings.__doc__ or "", settings)
                for settings in (
                    KeystoreEntrySettings,
                    ElasticsearchSettings,
                    SecuritySettings,
                    TlsSettings,
                    VaultSettings,
                    LogSettings,
                    SysctlSettings,
                    MetricsSettings,
                    PeerSettings,
                    NetworkSettings,
                    RolloutSettings,
                )
            ),
            ArgsClass(
                "ElasticsearchAppArgs",
                "An Elasticsearch cluster and the patterns composed onto it.",
                AppSettings,
                extras=(
                    Extra(
                        "contributions",
                        "pulumi.Input[Sequence[Any]]",
                        "Extra pod contributions merged into every Elasticsearch pod: PodContribution objects from "
                        "Python; from other languages, mappings with the same keys in camelCase (source, containers, "
                        "initContainers, nativeSidecars, volumes, appVolumeMounts, appEnv, containerVolumeMounts, "
                        "servicePorts, podAnnotations, loopbackPorts, loopbackConnections, podSysctls, "
                        "serviceAccountName). Default: none.",
                    ),
                ),
            ),
        ),
    ),
)


def render_module(module: ArgsModule) -> str:
    header = [
        f'"""{module.doc}',
        "",
        "Generated from the settings by scripts/update-reference (python -m podpatterns.reference): do not edit.",
        "No `from __future__ import annotations`: the multi-language schema is inferred from these annotations.",
        '"""',
        "",
        *module.imports,
    ]
    return "\n".join(header) + "".join("\n\n\n" + _render_class(c) for c in module.classes) + "\n"


def _render_class(spec: ArgsClass) -> str:
    lines = [f"class {spec.name}(TypedDict, total=False):", f'    """{spec.doc}"""', ""]
    for extra in spec.extras:
        lines += [f"    {extra.name}: {_required(extra.annotation, extra.required)}", _docstring(extra.doc)]
    if spec.settings is not None:
        hints = get_type_hints(spec.settings)
        for field in dataclasses.fields(spec.settings):
            if field.name not in spec.skip:
                annotation = _required(_annotation(hints[field.name]), field.name in spec.required)
                lines += [f"    {field.name}: {annotation}", _docstring(_doc(field, spec))]
    return "\n".join(lines)


def _required(annotation: str, required: bool) -> str:
    """Required keys are marked so: mypy checks them, and the schema lists them as required inputs."""
    return f"Required[{annotation}]" if required else annotation


def _docstring(text: str) -> str:
    return '    """' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


def _annotation(hint: Any) -> str:
    if get_origin(hint) is not None and type(None) in get_args(hint):  # X | None: optional like every key
        (hint,) = [arg for arg in get_args(hint) if arg is not type(None)]
    if get_origin(hint) is tuple:
        return f"pulumi.Input[Sequence[{_annotation(get_args(hint)[0])}]]"
    if get_origin(hint) is dict:
        return "pulumi.Input[Mapping[str, Any]]"
    if hint in NESTED:
        return f"pulumi.Input[{NESTED[hint]}]"
    return f"pulumi.Input[{hint.__name__}]"


def _doc(field: dataclasses.Field[Any], spec: ArgsClass) -> str:
    rule = rule_of(field)
    parts = [rule.doc.rstrip(".") + "."]
    if rule.allowed():
        parts.append(f"Allowed: {rule.allowed()}.")
    parts.append("Required." if field.name in spec.required else f"Default: {_default(field)}.")
    return " ".join(parts)


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default_factory is not dataclasses.MISSING:
        return "every key's own default"
    if field.default is None or field.default == ():
        return "none"
    return json.dumps(field.default)


def write_modules() -> list[Path]:
    """Rewrite every args module; returns those that changed."""
    changed = []
    for module in MODULES:
        path = PACKAGE / module.path
        text = render_module(module)
        if path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed
