"""VaultSecretsInit: secrets from HashiCorp Vault written by the Vault agent into an in-memory volume.

Import the component from `podpatterns`; this package holds its settings, its pure planning
(`agent_config`, `contribution`) and the component itself.
"""
