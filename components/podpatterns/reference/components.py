"""docs/components.md: the reference of every component, generated from the package schema.

Every argument with its type, whether it is required, its default and its meaning, exactly as other
languages see them (`podpatterns.package.schema()`); `scripts/update-reference` rewrites the file and a
test keeps it current.
"""

import inspect
import re
from typing import Any

from ..package import NAME, schema

_DEFAULT = re.compile(r"\s*(?:Default: (.*)\.|Required\.)$")

HEADER = f"""# Component reference

The components of the `{NAME}` package, as every Pulumi language sees them: Python programs import
them from `podpatterns` (arguments in snake_case), TypeScript, Go, C#, Java and YAML programs get them
with `pulumi package add` (arguments in camelCase, as below). Type tokens are `{NAME}:index:<Component>`.

Every argument must be known when the program is planned: the components check their arguments and
plan the pod before they create anything. Another resource's output may be passed anywhere, at the top
of an argument or nested in an object: the package's provider (`podpatterns.provider`) waits for it,
uses its value and makes every resource the component creates depend on that resource. An output whose
value is not known yet (during a preview, a value the other resource gets only when it is created) is
refused with an error naming the argument, as is a secret (it would be written in clear into Kubernetes
objects); nothing is created then, and no argument ever falls back to its defaults. The one exception:
the values of `podAnnotations` in a pod contribution may be unknown, they only reach the pod template.
Whole numbers may arrive as floats from other languages; they are accepted.

Generated from the schema by `scripts/update-reference`; do not edit.
"""


def markdown(package: dict[str, Any] | None = None) -> str:
    package = package or schema()
    lines = [HEADER]
    resources = package["resources"]
    lines.append("Components: " + ", ".join(f"[{_short(t)}](#{_short(t).lower()})" for t in resources) + ".\n")
    for token, resource in resources.items():
        lines += [f"## {_short(token)}", "", f"`{token}`", "", _text(resource.get("description", "")), ""]
        lines += _table("Arguments", resource["inputProperties"], resource.get("requiredInputs", []))
        lines += _table("Outputs", resource.get("properties", {}), None)
    lines += ["## Types", "", "Objects that arguments take.", ""]
    for token, typ in package["types"].items():
        lines += [f"### {_short(token)}", "", _text(typ.get("description", "")), ""]
        lines += _table("Properties", typ["properties"], typ.get("required", []))
    return "\n".join(lines).rstrip("\n") + "\n"


def _table(title: str, properties: dict[str, Any], required: list[str] | None) -> list[str]:
    if not properties:
        return []
    with_defaults = required is not None
    head = "| name | type | default | description |" if with_defaults else "| name | type | description |"
    lines = [f"{title}:", "", head, "|---|---|---|---|" if with_defaults else "|---|---|---|"]
    for name, prop in properties.items():
        description = _text(prop.get("description", ""))
        match = _DEFAULT.search(description)
        if with_defaults:
            default = "required" if name in (required or []) else (match.group(1) if match and match.group(1) else "")
            meaning = description[: match.start()] if match else description
            lines.append(f"| `{name}` | {_type(prop)} | {_cell(default)} | {_cell(meaning)} |")
        else:
            lines.append(f"| `{name}` | {_type(prop)} | {_cell(description)} |")
    return [*lines, ""]


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        ref = prop["$ref"]
        if ref == "pulumi.json#/Any":
            return "any"
        short = _short(ref)
        return f"[{short}](#{short.lower()})"
    if prop.get("type") == "array":
        return f"list of {_type(prop['items'])}"
    if prop.get("type") == "object" and "additionalProperties" in prop:
        return f"map of {_type(prop['additionalProperties'])}"
    return str(prop.get("type", "any"))


def _short(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def _text(description: str) -> str:
    return inspect.cleandoc(description)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
