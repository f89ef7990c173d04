"""The configuration reference as a Markdown table: `python -m podpatterns.settings.reference`.

The README embeds its output between markers, and a test keeps the two identical.
"""

from __future__ import annotations

from .engine import KeyStyle, reference_rows
from .model import AppSettings


def markdown() -> str:
    lines = ["| key | default | allowed | meaning |", "|---|---|---|---|"]
    for key, default, allowed, doc in reference_rows(AppSettings, KeyStyle(prefix="pod-patterns:", camel_case=True)):
        lines.append(f"| `{key}` | {f'`{default}`' if default else ''} | {allowed} | {doc} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
