"""Prints the `vault` commands writing the policy and the Kubernetes auth role of every stack that turns Vault on
(podpatterns.vault.server_setup), from the stack files as the program reads them. Run by scripts/vault up, from the
repository's root (the stack reader is the tests' own: tests/support/stack_settings.py)."""

from __future__ import annotations

from podpatterns.vault.server_setup import setup_commands

from tests.lib.support.stack_settings import stack_settings
from tests.lib.support.variants import PROJECT_DIR


def main() -> None:
    for stack_file in sorted((PROJECT_DIR / "stacks").glob("Pulumi.*.yaml")):
        app = stack_settings(stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml"))
        if app.vault.enabled:
            print(setup_commands(app.vault, f"{app.elasticsearch.name}-vault", app.namespace), end="")


if __name__ == "__main__":
    main()
