"""A stack's validated settings, read from its stack file as the program reads them: for tests whose
expectations depend on what the stack asks for (not on artefacts derived from it)."""

from __future__ import annotations

from podpatterns.elasticsearch.settings import AppSettings
from podpatterns.render.offline import stack_config
from podpatterns.settings.engine import KeyStyle, parse

from .variants import PROJECT_DIR


def stack_settings(stack: str) -> AppSettings:
    project, config, _ = stack_config(PROJECT_DIR, stack)
    prefix = f"{project}:"
    values = {key.removeprefix(prefix): value for key, value in config.items() if key.startswith(prefix)}
    return parse(AppSettings, values, origin=f"Pulumi.{stack}.yaml", style=KeyStyle(prefix=prefix, camel_case=True))
