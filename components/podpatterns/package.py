"""The multi-language component package: its name, version and components (hosted by components/__main__.py).

Run `python -m podpatterns.package` to print the schema. Every type token is `podpatterns:index:<ClassName>`,
the package name below. Other languages reach the components through `podpatterns.provider`, the SDK's
component provider with every argument settled first; the schema is inferred from the components' `args`
annotations: the generated TypedDicts (see `podpatterns.reference.typed_args`) and WorkloadTarget.
"""

import json
from typing import Any

import pulumi
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

from .elasticsearch import ElasticsearchApp
from .logtail.component import LogTailSidecar
from .metrics import PrometheusAdapter
from .pod.template_merge import PodTemplateMerge
from .sysctl.component import SysctlInit
from .tls import TlsAmbassador
from .vault.component import VaultSecretsInit

NAME = "podpatterns"
VERSION = "0.1.0"
"""The package version; equal to pyproject.toml's (a test checks it)."""

COMPONENTS: list[type[pulumi.ComponentResource]] = [
    ElasticsearchApp,
    TlsAmbassador,
    PrometheusAdapter,
    LogTailSidecar,
    SysctlInit,
    VaultSecretsInit,
    PodTemplateMerge,
]


def schema() -> dict[str, Any]:
    """The package schema exactly as the component host infers it, computed offline (no engine, no CLI)."""
    analyzer = Analyzer(NAME)
    result = analyzer.analyze(COMPONENTS)
    dependencies = sorted(result["dependencies"], key=lambda d: f"{d.name}{d.version}")
    inferred = generate_schema(
        NAME, VERSION, None, result["component_definitions"], result["type_definitions"], dependencies
    )
    return inferred.to_json()


if __name__ == "__main__":
    print(json.dumps(schema(), indent=2))
