"""Configuration files and scripts shipped as package data (`podpatterns/templates/`), never string literals."""

from __future__ import annotations

import string
from importlib import resources


class _Template(string.Template):
    # '@' rather than '$': nginx, shell and Vault templates use '$' and '{{ }}' themselves.
    delimiter = "@"


def read_template(name: str) -> str:
    """The text of `templates/<name>`."""
    return resources.files("podpatterns").joinpath("templates", name).read_text(encoding="utf-8")


def fill_template(text: str, **values: object) -> str:
    """`text` with every `@placeholder` replaced; a missing value raises KeyError."""
    return _Template(text).substitute({key: str(value) for key, value in values.items()})


def render_template(name: str, **values: object) -> str:
    """The template `name` with every `@placeholder` replaced; a missing value raises KeyError."""
    return fill_template(read_template(name), **values)
