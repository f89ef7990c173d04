"""The library's layers, lowest first: a module imports only from its own layer or the layers below it.

tests/unit/test_layers.py parses every module's imports and fails, naming the importer and the imported
module, when one runs up a layer, when two packages of an independent layer import each other, or when a
module belongs to no layer. Each name is a top-level module or package of `podpatterns`; "" is the
package's own `__init__` (the public imports, re-exported from everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    name: str
    members: tuple[str, ...]
    independent: bool = False
    """True: its members must not import each other either (each pattern stands on its own)."""


LAYERS = (
    Layer("foundation", ("quantity", "templating", "checkov_skips", "layers")),
    Layer("settings engine", ("settings",)),
    Layer("pod model", ("pod", "kube", "registration")),
    Layer("patterns", ("tls", "metrics", "logtail", "sysctl", "vault"), independent=True),
    Layer("application", ("elasticsearch",)),
    Layer("program and tools", ("", "program", "provider", "package", "reference", "render")),
)
