"""The configuration reference as a Markdown table (the README's and docs/configuration.md's).

The README embeds its output between markers, and a test keeps the two identical.
"""

from __future__ import annotations

from ..elasticsearch.settings.model import AppSettings
from ..settings.engine import KeyStyle, reference_rows


def markdown() -> str:
    lines = ["| key | default | allowed | meaning |", "|---|---|---|---|"]
    for key, default, allowed, doc in reference_rows(AppSettings, KeyStyle(prefix="pod-patterns:", camel_case=True)):
        lines.append(f"| `{key}` | {f'`{default}`' if default else ''} | {allowed} | {doc} |")
    return "\n".join(lines)
