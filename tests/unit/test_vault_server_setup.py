"""What Vault needs for a stack (podpatterns.vault.server_setup): the least policy and the role, as the pattern's
page shows them for staging and scripts/vault writes them for every stack."""

from __future__ import annotations

import subprocess
import sys

from podpatterns.vault.server_setup import read_paths, role_parameters, setup_commands, vault_policy

from ..lib.support.stack_settings import stack_settings
from ..lib.support.variants import PROJECT_DIR


def test_the_policy_reads_exactly_the_secrets_the_templates_read() -> None:
    prod = stack_settings("prod").vault
    # Three files, two secrets: each read once.
    assert read_paths(prod) == ["secret/data/search/prod/elastic", "secret/data/search/prod/s3-snapshots"]
    assert vault_policy(prod) == (
        'path "secret/data/search/prod/elastic" { capabilities = ["read"] }\n'
        'path "secret/data/search/prod/s3-snapshots" { capabilities = ["read"] }\n'
    )


def test_the_role_binds_the_service_account_namespace_and_audience() -> None:
    staging = stack_settings("staging").vault
    assert role_parameters(staging, "elasticsearch-vault", "search-staging") == {
        "bound_service_account_names": "elasticsearch-vault",
        "bound_service_account_namespaces": "search-staging",
        "audience": "vault",
        "policies": "search-staging",
        "ttl": "10m",
    }


def test_the_pattern_page_shows_what_scripts_vault_writes_for_staging() -> None:
    page = (PROJECT_DIR / "docs" / "patterns" / "vault-secrets-init.md").read_text()
    assert setup_commands(stack_settings("staging").vault, "elasticsearch-vault", "search-staging") in page


def test_scripts_vault_writes_every_stack_with_vault_on() -> None:
    script = PROJECT_DIR / "scripts" / "lib" / "vault_stack_roles.py"
    printed = subprocess.run(
        [sys.executable, str(script)],
        cwd=PROJECT_DIR, env={"PYTHONPATH": str(PROJECT_DIR)}, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    expected = [
        setup_commands(settings.vault, f"{settings.elasticsearch.name}-vault", settings.namespace)
        for settings in map(stack_settings, ("prod", "staging"))
    ]
    assert printed == "".join(expected)
    assert not stack_settings("dev").vault.enabled
