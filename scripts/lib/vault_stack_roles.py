"""Prints the `vault` commands writing the policy and the Kubernetes auth role of every stack that turns Vault on
(podpatterns.vault.server_setup), from the stack files as the program reads them. Run by scripts/vault up."""

from __future__ import annotations

from pathlib import Path

from podpatterns.render.offline import stack_config
from podpatterns.settings import KeyStyle, parse
from podpatterns.settings.model import AppSettings
from podpatterns.vault.server_setup import setup_commands

PROJECT_DIR = Path(__file__).resolve().parents[2]


def stack_settings(stack: str) -> AppSettings:
    project, config, _ = stack_config(PROJECT_DIR, stack)
    prefix = f"{project}:"
    raw = {key.removeprefix(prefix): value for key, value in config.items() if key.startswith(prefix)}
    return parse(AppSettings, raw, origin=f"stacks/Pulumi.{stack}.yaml", style=KeyStyle(prefix=prefix, camel_case=True))


def main() -> None:
    for stack_file in sorted((PROJECT_DIR / "stacks").glob("Pulumi.*.yaml")):
        app = stack_settings(stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml"))
        if app.vault.enabled:
            print(setup_commands(app.vault, f"{app.elasticsearch.name}-vault", app.namespace), end="")


if __name__ == "__main__":
    main()
