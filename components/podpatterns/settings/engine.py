"""Reads plain data (stack config, component arguments) into frozen, documented dataclasses.

A settings dataclass declares every key once with `setting(...)`: its type (the annotation),
its default, its documentation and what values are allowed. `parse` walks the dataclass,
coerces and checks each value, rejects unknown keys with the closest valid one, and raises
one `SettingsError` listing every problem, each naming where it came from, the key, the bad
value and what is allowed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import json
import re
import types
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from pulumi.errors import InputPropertiesError

T = TypeVar("T")

Check = Callable[[Any], None]
"""Raises ValueError with a sentence saying what is allowed."""


@dataclass(frozen=True)
class Rule:
    """What a key means and which values it allows (kept in the dataclass field's metadata)."""

    doc: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    check: Check | None = None
    allowed_text: str = ""

    def allowed(self) -> str:
        """A short phrase for the reference table and error messages."""
        if self.allowed_text:
            return self.allowed_text
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"at least {self.minimum}"
        return ""


def setting(
    default: Any,
    doc: str,
    *,
    choices: tuple[str, ...] = (),
    minimum: int | None = None,
    maximum: int | None = None,
    check: Check | None = None,
    allowed: str = "",
) -> Any:
    """Declare a settings key: its default, its documentation and its allowed values.

    `allowed` describes, for the reference, what `check` accepts.
    """
    rule = Rule(doc=doc, choices=choices, minimum=minimum, maximum=maximum, check=check, allowed_text=allowed)
    if dataclasses.is_dataclass(default) and isinstance(default, type):
        return dataclasses.field(default_factory=default, metadata={"rule": rule})
    return dataclasses.field(default=default, metadata={"rule": rule})


def rule_of(field: dataclasses.Field[Any]) -> Rule:
    rule = field.metadata.get("rule")
    if not isinstance(rule, Rule):
        raise TypeError(f"settings field {field.name!r} is not declared with setting()")
    return rule


@dataclass(frozen=True)
class Problem:
    key: str
    message: str


class ArgumentError(ValueError, InputPropertiesError):
    """Arguments refused: a ValueError to a Python program; through the component provider (TypeScript, Go, YAML), an
    InputPropertiesError, whose message the engine reports as the resource's problem, with no Python stack trace:
    the same message a Python program gets (each problem names its argument's path)."""

    def __init__(self, message: str) -> None:
        # No property errors: the message names them. An empty list, not None (the SDK then fails to report it).
        InputPropertiesError.__init__(self, message, [])


class SettingsError(ArgumentError):
    """Invalid settings; `str()` lists every problem, each naming its origin and key."""

    def __init__(self, origin: str, problems: list[Problem]) -> None:
        self.origin = origin
        self.problems = problems
        super().__init__("\n".join(f"{origin}: {p.key}: {p.message}" for p in problems))


@dataclass(frozen=True)
class KeyStyle:
    """How keys are spelled where the data came from.

    Stack config uses camelCase under a `project:` namespace; Python arguments use snake_case.
    """

    prefix: str = ""
    camel_case: bool = False

    def spell(self, field_name: str) -> str:
        if not self.camel_case:
            return field_name
        head, *rest = field_name.split("_")
        return head + "".join(part.capitalize() for part in rest)


def snake_case(key: str) -> str:
    """`upstreamPort` -> `upstream_port`: a key as a Python field spells it."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def closest_key(key: str, known: Collection[str], style: KeyStyle) -> str | None:
    """The key of `known` that an unknown `key` most likely means: `key` itself spelled in `style` (camelCase
    given where snake_case is read, or the reverse), else the nearest spelling if one is close; None if none is."""
    respelled = style.spell(snake_case(key))
    if respelled in known:
        return respelled
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def parse(cls: type[T], raw: Mapping[str, Any], origin: str, style: KeyStyle, required: tuple[str, ...] = ()) -> T:
    """Build `cls` from `raw`, or raise SettingsError listing every problem.

    `required` names top-level fields (snake_case) that must be given, as they have no sensible default.
    """
    reader = _Reader(style)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for name in required:
        key = style.spell(name)
        if raw.get(key) in (None, "", [], ()):
            reader.problems.append(Problem(_join(style.prefix, key), f"is required: {rule_of(fields[name]).doc}"))
    value = reader.dataclass(cls, raw, style.prefix)
    if reader.problems:
        raise SettingsError(origin, reader.problems)
    return value


class EntriesError(ValueError):
    """A check of a mapping setting found bad entries: each is reported under its own key (`setting.entry`)."""

    def __init__(self, entries: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in entries.items()))
        self.entries = entries


class KeyedValueError(ValueError):
    """A cross-key check failed; `key` is the field (snake_case) to blame."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _under(problem_key: str, key: str) -> bool:
    return problem_key == key or problem_key.startswith((f"{key}.", f"{key}["))


def _join(path: str, key: str) -> str:
    if not path or path.endswith(":"):
        return path + key
    return f"{path}.{key}"


@dataclass
class _Reader:
    style: KeyStyle
    problems: list[Problem] = dataclasses.field(default_factory=list)

    def dataclass(self, cls: type[T], raw: Mapping[str, Any], path: str) -> T:
        hints = get_type_hints(cls)
        fields = {self.style.spell(f.name): f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for key in sorted(set(raw) - set(fields)):
            close = closest_key(key, fields, self.style)
            hint = f"did you mean '{close}'? " if close else ""
            allowed = ", ".join(sorted(fields))
            message = f"unknown key (value {json.dumps(raw[key])}); {hint}allowed keys: {allowed}"
            self.problems.append(Problem(_join(path, key), message))
        problems_before = len(self.problems)
        values = {
            field.name: self.value(hints[field.name], rule_of(field), raw[key], _join(path, key))
            for key, field in fields.items()
            if raw.get(key) is not None
        }
        bad = {
            field.name
            for key, field in fields.items()
            if any(_under(problem.key, _join(path, key)) for problem in self.problems[problems_before:])
        }
        try:
            # The cross-key checks run on the values that are valid (defaults for the bad ones), so that
            # they are reported together with the per-key problems.
            return cls(**{name: value for name, value in values.items() if name not in bad})
        except KeyedValueError as error:
            if not self._involves(error, bad):
                self.problems.append(Problem(_join(path, self.style.spell(error.key)), str(error)))
        except (TypeError, ValueError):
            if not bad:
                raise
        return cls()

    def _involves(self, error: KeyedValueError, bad: set[str]) -> bool:
        """Whether a failed cross-key check blames or names a key that has a problem of its own (its
        default stood in for it, so the check says nothing about what was written)."""
        spellings = {spelling for name in bad for spelling in (name, KeyStyle(camel_case=True).spell(name))}
        return error.key in bad or any(spelling in str(error) for spelling in spellings)

    def value(self, hint: Any, rule: Rule, value: Any, key: str) -> Any:
        hint = _strip_optional(hint)
        try:
            if dataclasses.is_dataclass(hint):
                return self.dataclass(hint, _as_mapping(value), key)  # type: ignore[arg-type]
            item = _dataclass_item(hint)
            if item is not None:
                items = [self.dataclass(item, _as_mapping(v), f"{key}[{i}]") for i, v in enumerate(_as_list(value))]
                return tuple(items)
            coerced = _coerce(hint, value)
            _check(rule, coerced)
            return coerced
        except EntriesError as error:
            self.problems += [Problem(_join(key, entry), message) for entry, message in error.entries.items()]
            return None
        except ValueError as error:
            self.problems.append(Problem(key, f"{json.dumps(value)} is not allowed: {error}"))
            return None


def _strip_optional(hint: Any) -> Any:
    if get_origin(hint) in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return inner
    return hint


def _dataclass_item(hint: Any) -> Any:
    """The item class of `tuple[SomeDataclass, ...]` (a list of mappings in config), else None."""
    if get_origin(hint) is tuple and dataclasses.is_dataclass(get_args(hint)[0]):
        return get_args(hint)[0]
    return None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if not isinstance(value, list | tuple):
        raise ValueError("expected a list of mappings")
    return list(value)


def _as_mapping(value: Any) -> Mapping[str, Any]:
    if isinstance(value, str):  # Pulumi hands structured top-level config over as JSON text
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if not isinstance(value, Mapping):
        raise ValueError("expected a mapping of keys to values")
    return value


def _coerce_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise ValueError("expected true or false")


def _coerce_int(value: Any) -> int:
    # Pulumi's component host passes numbers as floats; the CLI passes config as text.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("expected a whole number")


def _coerce_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError('expected text (quote it in YAML, e.g. "1.33")')


def _coerce_strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of text values")
    return tuple(value)


_SCALARS = (str, int, float, bool)


def _setting_value(value: Any) -> Any:
    """A whole float as an int: the component host passes every number as a float, and `2000.0` is no queue size."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _coerce_dotted_mapping(value: Any) -> dict[str, Any]:
    """A mapping of dotted names to values (text, numbers, booleans, lists of them), as a settings file such as
    elasticsearch.yml reads it: a nested mapping's keys join their parent's with dots."""
    flat: dict[str, Any] = {}
    for key, item in _as_mapping(value).items():
        if isinstance(item, Mapping):
            flat.update({f"{key}.{inner}": v for inner, v in _coerce_dotted_mapping(item).items()})
        elif isinstance(item, _SCALARS):
            flat[str(key)] = _setting_value(item)
        elif isinstance(item, list | tuple) and all(isinstance(v, _SCALARS) for v in item):
            flat[str(key)] = [_setting_value(v) for v in item]
        else:
            raise ValueError(f"{key}: expected text, a number, true or false, or a list of them")
    return flat


_COERCERS: dict[Any, Callable[[Any], Any]] = {bool: _coerce_bool, int: _coerce_int, str: _coerce_str}


def _coerce(hint: Any, value: Any) -> Any:
    if get_origin(hint) is dict:
        return _coerce_dotted_mapping(value)
    if get_origin(hint) is tuple:
        return _coerce_strings(value)
    return _COERCERS[hint](value)


def _check(rule: Rule, value: Any) -> None:
    if rule.choices and value not in rule.choices:
        raise ValueError(f"must be {rule.allowed()}")
    below = rule.minimum is not None and value < rule.minimum
    above = rule.maximum is not None and value > rule.maximum
    if below or above:
        raise ValueError(f"must be {rule.allowed()}")
    if rule.check is not None:
        rule.check(value)


def reference_rows(cls: type[Any], style: KeyStyle) -> list[tuple[str, str, str, str]]:
    """(key, default, allowed, doc) for every key, nested keys dotted: the configuration reference."""
    rows: list[tuple[str, str, str, str]] = []
    hints = get_type_hints(cls)
    for field in dataclasses.fields(cls):
        key = _join(style.prefix, style.spell(field.name))
        rule = rule_of(field)
        hint = _strip_optional(hints[field.name])
        if dataclasses.is_dataclass(hint):
            nested = KeyStyle(prefix=key, camel_case=style.camel_case)
            rows.append((key, "", "mapping", rule.doc))
            rows.extend(reference_rows(hint, nested))  # type: ignore[arg-type]
            continue
        item = _dataclass_item(hint)
        if item is not None:
            rows.append((key, "[]", "list of mappings", rule.doc))
            rows.extend(reference_rows(item, KeyStyle(prefix=f"{key}[]", camel_case=style.camel_case)))
            continue
        default = "" if field.default in (None, dataclasses.MISSING) else json.dumps(field.default)
        allowed = rule.allowed() or ("true or false" if hint is bool else "")
        rows.append((key, default, allowed, rule.doc))
    return rows


def value_rows(settings: Any, style: KeyStyle) -> dict[str, Any]:
    """Every key of `settings` (a settings dataclass instance) to its value, as `reference_rows` names the keys.

    A list of mappings is one value (its items as dicts spelled in `style`); a nested mapping's own row has none.
    """
    values: dict[str, Any] = {}
    for field in dataclasses.fields(settings):
        key = _join(style.prefix, style.spell(field.name))
        value = getattr(settings, field.name)
        if dataclasses.is_dataclass(value):
            values.update(value_rows(value, KeyStyle(prefix=key, camel_case=style.camel_case)))
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            values[key] = [_spelled(item, style) for item in value]
        else:
            values[key] = list(value) if isinstance(value, tuple) else value
    return values


def _spelled(item: Any, style: KeyStyle) -> dict[str, Any]:
    return {
        style.spell(f.name): list(v) if isinstance(v, tuple) else v
        for f in dataclasses.fields(item)
        if (v := getattr(item, f.name)) not in (None, ())
    }
