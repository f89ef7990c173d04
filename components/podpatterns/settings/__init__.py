"""Typed, validated settings: one dataclass per concern, read from stack config or arguments."""

from .engine import KeyStyle, SettingsError, parse, reference_rows
from .model import AppSettings, ElasticsearchSettings
from .stack import load_stack_settings

__all__ = [
    "AppSettings",
    "ElasticsearchSettings",
    "KeyStyle",
    "SettingsError",
    "load_stack_settings",
    "parse",
    "reference_rows",
]
