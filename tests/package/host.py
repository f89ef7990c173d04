"""Constructs a component the way the component host does for other languages, under Pulumi's mocks.

The inputs go through the host's own code: a protobuf Struct as the engine sends it (every number a
double), `ProviderServicer._construct_inputs` (dependencies and secrets become Outputs), then
`ComponentProvider.construct` (camelCase to snake_case).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from google.protobuf import struct_pb2
from podpatterns.package import COMPONENTS, NAME, VERSION
from podpatterns.render import Recording, run_with_mocks
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ProviderServicer
from pulumi.runtime import proto
from pulumi.runtime.sync_await import _sync_await


def construct(
    component: str,
    values: Mapping[str, Any],
    dependencies: Mapping[str, list[str]] | None = None,
    recording: Recording | None = None,
) -> tuple[Recording, dict[str, Any]]:
    """Construct `component` through the host; returns what was registered and the component's state, its
    outputs resolved (as the engine would hand them to the calling program)."""
    state: dict[str, Any] = {}
    recording = recording or Recording(stack="host-test")

    def program() -> None:
        struct = struct_pb2.Struct()
        struct.update(values)
        deps = {k: proto.ConstructRequest.PropertyDependencies(urns=urns) for k, urns in (dependencies or {}).items()}
        inputs = _sync_await(ProviderServicer._construct_inputs(struct, deps))
        provider = ComponentProvider(COMPONENTS, NAME, version=VERSION)
        state.update(provider.construct("it", f"{NAME}:index:{component}", inputs, None).state)
        for key, value in state.items():
            pulumi.export(key, value)

    run_with_mocks(program, project="host", stack="test", recording=recording)
    return recording, {key: recording.outputs[key] for key in state}
