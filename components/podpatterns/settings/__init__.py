"""The generic settings engine every component uses: typed dataclasses, their checks, arguments as plain values.

The settings of a component live with it (`tls/settings.py`, ..., `elasticsearch/settings/`).
"""

from .engine import KeyStyle, SettingsError, parse, reference_rows

__all__ = ["KeyStyle", "SettingsError", "parse", "reference_rows"]
