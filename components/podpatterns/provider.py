"""The component provider other languages reach (components/__main__.py): the SDK's, with arguments settled first.

The SDK's ComponentProvider hands a component the engine's inputs as they come: an argument that depends
on another resource arrives as an Output (at the top, or nested where a program put another resource's
output inside an object), and an object argument that is an Output is silently replaced by `{}`, all
defaults. Here every Output, at any depth, is first settled through the public Output API (`apply`,
`Output.all`) and its value put in its place; the component is then constructed, inside that `apply`,
with options that depend on every resource the arguments came from, so the engine orders the children
after them and records the dependencies in the state. What cannot be carried fails naming the argument:
a secret (it would be written in clear into Kubernetes objects), or an Output not known yet (a value
another resource gets only when it is created) where the component needs the value to plan the pod.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.errors import InputPropertyError
from pulumi.provider.experimental.analyzer import PropertyDefinition
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError
from pulumi.runtime import rpc

from .settings.engine import ArgumentError, Problem, SettingsError
from .settings.inputs import MUST_NOT_BE_SECRET

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class _Settled:
    """One Output's value at its place in the arguments; a plain object, so that `Output.all` does not look inside."""

    path: Path
    value: Any
    secret: bool = False


class PodPatternsProvider(ComponentProvider):
    """The package's components for the Pulumi engine, with every argument settled before a component is built."""

    def construct(
        self, name: str, resource_type: str, inputs: pulumi.Inputs, options: pulumi.ResourceOptions | None = None
    ) -> ConstructResult:
        component = resource_type.rsplit(":", maxsplit=1)[-1]
        origin = f"{component} '{name}' arguments"
        settled = settle(inputs, origin)
        dependencies: pulumi.Output[Any] = settled.apply(lambda _: None)  # the arguments' resources, no value
        options = with_dependency(options, dependencies)

        def build(plain: dict[str, Any]) -> ConstructResult:
            try:
                return super(PodPatternsProvider, self).construct(name, resource_type, plain, options)
            except ComponentInitError as error:
                # Refused arguments reach the engine as such (its message, no stack trace), as they do from settle.
                if isinstance(error.inner, ArgumentError):
                    raise error.inner from None
                raise

        result = settled.apply(build)
        outputs = json.loads(self.schema or "{}").get("resources", {}).get(resource_type, {}).get("properties", {})
        return ConstructResult(
            urn=result.apply(lambda r: r.urn),
            state={key: result.apply(functools.partial(_state_of, key)) for key in outputs},
        )

    def map_input_properties(
        self,
        inputs: pulumi.Inputs,
        properties: dict[str, PropertyDefinition],
        mapping: dict[str, str],
        component_name: str,
        property_path: str,
    ) -> pulumi.Inputs:
        """The SDK's mapping of schema names to Python names, key by key, refusing nothing itself: the component
        refuses, as it refuses a Python program's arguments (the same message, naming the argument by its path).

        The SDK would drop a key the schema does not know, stop at the first value of the wrong type with no path,
        replace an Output (a value not known yet, after `settle`) by `{}` if an object, or fail on it if a number.
        Here an unknown key goes on (snake_case), a value the SDK cannot map goes on as it is, a missing one stays
        missing, and an Output is left unmapped: the component refuses it or waits for it (PodTemplateMerge).
        """
        if isinstance(inputs, pulumi.Output):
            return inputs
        mapped: dict[str, Any] = {}
        for key, prop in properties.items():
            value = inputs.get(key)
            if isinstance(value, pulumi.Output):
                mapped[mapping[key]] = value
                continue
            try:
                mapped.update(super().map_input_properties(inputs, {key: prop}, mapping, component_name, property_path))
            except InputPropertyError:
                if value is not None:
                    mapped[mapping[key]] = value
        unknown = {_snake_case(key): value for key, value in inputs.items() if key not in properties}
        return {**mapped, **unknown}


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _state_of(key: str, result: ConstructResult) -> Any:
    return result.state.get(key)


def with_dependency(options: pulumi.ResourceOptions | None, dependency: pulumi.Output[Any]) -> pulumi.ResourceOptions:
    """`options` that also depend on the resources behind `dependency` (an Output that resolves to nothing)."""
    # merge() concatenates the two depends_on, whatever form the caller's has.
    return pulumi.ResourceOptions.merge(options, pulumi.ResourceOptions(depends_on=[dependency]))


def settle(inputs: Mapping[str, Any], origin: str) -> pulumi.Output[dict[str, Any]]:
    """`inputs` with every Output, at any depth, replaced by its value, carrying all their dependencies.

    A part not known yet (during a preview) stays an Output, with the dependencies of the one it came
    from: the component refuses it where it needs the value. A secret raises SettingsError naming it.
    """
    if rpc.contains_unknowns(dict(inputs)):  # an unknown the engine sent as a bare value
        inputs = _unknowns_as_outputs(dict(inputs), _not_known(), ())
    found = list(_outputs(inputs, ()))
    # Each part is wrapped in a plain object before Output.all sees it: an unknown part stays an Output inside.
    parts = [
        pulumi.Output.all(output.apply(_settle_part(path, output), run_with_unknowns=True), output.is_secret()).apply(
            _with_secrecy
        )
        for path, output in found
    ]

    def rebuild(settled: list[_Settled]) -> dict[str, Any]:
        secrets = [Problem(_spell(part.path), MUST_NOT_BE_SECRET) for part in settled if part.secret]
        if secrets:
            raise SettingsError(origin, secrets)
        tree: dict[str, Any] = dict(inputs)
        for part in settled:
            tree = _replace(tree, part.path, part.value)
        return tree

    return pulumi.Output.all(*parts).apply(rebuild)


def _with_secrecy(part_and_secret: list[Any]) -> _Settled:
    part: _Settled = part_and_secret[0]
    return dataclasses.replace(part, secret=bool(part_and_secret[1]))


def _outputs(value: Any, path: Path) -> Iterator[tuple[Path, pulumi.Output[Any]]]:
    if isinstance(value, pulumi.Output):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _outputs(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _outputs(item, (*path, index))


def _settle_part(path: Path, source: pulumi.Output[Any]) -> Callable[[Any], _Settled]:
    """An `apply` callback: the value at `path`, where each unknown part is an Output not known yet, from `source`."""

    def settle_part(value: Any) -> _Settled:
        return _Settled(path, _unknowns_as_outputs(value, source, ()))

    return settle_part


def _unknowns_as_outputs(value: Any, source: pulumi.Output[Any], path: Path) -> Any:
    if not rpc.contains_unknowns(value):
        return value
    if isinstance(value, dict):
        return {k: _unknowns_as_outputs(v, source, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_unknowns_as_outputs(v, source, (*path, i)) for i, v in enumerate(value)]
    # The source is not known, so this apply never runs during this program's run: it only carries the source.
    return source.apply(lambda whole: _at(whole, path))


def _not_known() -> pulumi.Output[Any]:
    """An Output whose value is not known, depending on nothing."""
    loop = asyncio.get_event_loop()
    value, known = loop.create_future(), loop.create_future()
    value.set_result(None)
    known.set_result(False)
    return pulumi.Output(resources=set(), future=value, is_known=known)


def _at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def _replace(tree: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, list):
        assert isinstance(head, int)
        return [_replace(item, rest, value) if index == head else item for index, item in enumerate(tree)]
    return {**tree, head: _replace(tree[head], rest, value)}


def _spell(path: Path) -> str:
    """An argument's path as a Python program spells it (`target.app_port`): messages are the same in every language."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{_snake_case(step)}" if text else _snake_case(step))
    return text
