"""Reads the current stack's Pulumi config into `AppSettings`, naming the stack file in errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config

from .engine import KeyStyle, parse
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
    # The CLI hands config to the program in PULUMI_CONFIG; tests and the offline render set it in-process.
    everything: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return {key[len(prefix) :]: value for key, value in everything.items() if key.startswith(prefix)}


def load_stack_settings() -> AppSettings:
    """The validated settings of the current stack; raises SettingsError naming the stack file."""
    style = KeyStyle(prefix=f"{pulumi.get_project()}:", camel_case=True)
    return parse(AppSettings, project_config(), origin=stack_file(), style=style)
