"""Configuration files and scripts shipped as package data (`podpatterns/templates/`), never string literals."""

from __future__ import annotations

from importlib import resources


def read_template(name: str) -> str:
    """The text of `templates/<name>`."""
    return resources.files("podpatterns").joinpath("templates", name).read_text(encoding="utf-8")
