"""Constructs a component the way the component host does for other languages, under Pulumi's mocks.

The inputs are what the SDK's provider server hands the provider: values that went through a protobuf
Struct as the engine sends them (every number a double), and, where a program passed another resource's
output (at the top of an argument or nested in it), Outputs that carry that resource as a dependency,
secret or not, known or not (during a preview). They go to `PodPatternsProvider.construct`, the
package's provider (components/__main__.py), which settles them and builds the component.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from google.protobuf import struct_pb2
from podpatterns.package import COMPONENTS, NAME, VERSION
from podpatterns.provider import PodPatternsProvider
from podpatterns.render import Recording, run_with_mocks
from pulumi.resource import DependencyResource
from pulumi.runtime import rpc


@dataclass(frozen=True)
class EngineOutput:
    """Stands, in `construct`'s values, for an output of another resource as the engine sends it."""

    value: Any = None
    dependencies: Sequence[str] = ()
    secret: bool = False
    known: bool = True


def construct(
    component: str, values: Mapping[str, Any], recording: Recording | None = None, name: str = "it"
) -> tuple[Recording, dict[str, Any]]:
    """Construct `component` through the provider; returns what was registered and the component's state.

    Raises what the engine would report: the component's error, or the provider's.
    """
    recording = recording or Recording(stack="host-test")

    def program() -> None:
        inputs = {key: _as_sent(value) for key, value in values.items()}
        provider = PodPatternsProvider(COMPONENTS, NAME, version=VERSION)
        result = provider.construct(name, f"{NAME}:index:{component}", inputs, None)
        pulumi.export("urn", result.urn)
        pulumi.export("state", pulumi.Output.all(**result.state) if result.state else {})

    run_with_mocks(program, project="host", stack="test", recording=recording)
    # Empty when not known yet (during a preview).
    state = {key: value for key, value in (recording.outputs["state"] or {}).items() if value is not None}
    return recording, state


def _as_sent(value: Any) -> Any:
    if isinstance(value, EngineOutput):
        return pulumi.Output(
            resources={DependencyResource(urn) for urn in value.dependencies},
            future=_ready(_through_the_wire(value.value) if value.known else None),
            is_known=_ready(value.known),
            is_secret=_ready(value.secret),
        )
    if isinstance(value, Mapping):
        return {key: _as_sent(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_sent(item) for item in value]
    return _through_the_wire(value)


def _through_the_wire(value: Any) -> Any:
    struct = struct_pb2.Struct()
    struct.update({"value": value})
    return rpc.deserialize_properties(struct, keep_unknowns=True)["value"]


def _ready(value: Any) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future
