"""Reads the current stack's Pulumi config into `AppSettings`, naming the stack file in errors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from ...settings.engine import KeyStyle, Problem, SettingsError, parse
from .model import AppSettings


def stack_file(project_dir: Path | None = None) -> str:
    """The stack's config file, relative to the project, as `pulumi config` would edit it."""
    project_dir = project_dir or Path.cwd()
    config_dir = "."
    project_file = project_dir / "Pulumi.yaml"
    if project_file.exists():
        config_dir = yaml.safe_load(project_file.read_text()).get("stackConfigDir", ".")
    return str(Path(config_dir) / f"Pulumi.{pulumi.get_stack()}.yaml")


def project_config() -> dict[str, str]:
    """Every config value of this project's namespace, keyed without the `project:` prefix."""
    prefix = f"{pulumi.get_project()}:"
    return {key[len(prefix) :]: value for key, value in _all_config().items() if key.startswith(prefix)}


def _all_config() -> dict[str, Any]:
    # The CLI hands config to the program in PULUMI_CONFIG; tests and the offline render set it in-process.
    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


def _squashed(namespace: str) -> str:
    return re.sub(r"[-_.]", "", namespace.lower()).removesuffix("s")


def stray_namespace_problems(project: str, keys: Iterable[str]) -> list[Problem]:
    """Config keys under a namespace that is a near miss of the project's (`podpatterns:`, `pod-pattern:`):
    Pulumi would hand them to nobody, and the stack would silently deploy with defaults."""
    problems = []
    for key in sorted(keys):
        namespace, colon, rest = key.partition(":")
        if not colon or namespace == project:
            continue
        close = _squashed(namespace) == _squashed(project) or SequenceMatcher(None, namespace, project).ratio() >= 0.8
        if close:
            message = f"config namespace '{namespace}' is not this project's: did you mean '{project}:{rest}'?"
            problems.append(Problem(key, message))
    return problems


def load_stack_settings() -> AppSettings:
    """The validated settings of the current stack; raises SettingsError naming the stack file."""
    project, origin = pulumi.get_project(), stack_file()
    stray = stray_namespace_problems(project, _all_config())
    style = KeyStyle(prefix=f"{project}:", camel_case=True)
    try:
        settings = parse(AppSettings, project_config(), origin=origin, style=style)
    except SettingsError as error:
        raise SettingsError(origin, stray + error.problems) from None
    if stray:
        raise SettingsError(origin, stray)
    return settings
