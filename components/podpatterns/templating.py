"""Configuration templates shipped as package data (podpatterns/templates/*)."""

from __future__ import annotations

import string
from importlib import resources


class _Template(string.Template):
    # '@' rather than '$': nginx, promtool and Vault templates use '$' and '{{ }}' themselves.
    delimiter = "@"


def render_template(name: str, **values: object) -> str:
    """The template `name` with every `@placeholder` replaced; a missing value raises KeyError."""
    text = resources.files("podpatterns").joinpath("templates", name).read_text()
    return _Template(text).substitute({key: str(value) for key, value in values.items()})
