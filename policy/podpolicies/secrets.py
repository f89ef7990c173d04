"""Secrets only in Secrets: no private keys or secret-looking values in ConfigMaps or container env."""

import re

from .pods import Manifest, all_containers

_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_SECRET_NAME = re.compile(r"(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials?)", re.IGNORECASE)


def _looks_secret(name: str, value: str) -> str | None:
    if _PRIVATE_KEY.search(value):
        return "holds a PEM private key"
    if value and _SECRET_NAME.search(name):
        return "looks like a secret by its name"
    return None


def config_map_secrets(config_map: Manifest) -> list[str]:
    """Keys of a ConfigMap that hold private keys or values named like secrets."""
    data = config_map.get("data") or {}
    problems = []
    for key, value in data.items():
        why = _looks_secret(key, str(value))
        if why:
            problems.append(f"ConfigMap key '{key}' {why}: put it in a Secret")
    return problems


def env_secrets(spec: Manifest) -> list[str]:
    """Literal env values of containers that hold private keys or are named like secrets (use secretKeyRef)."""
    problems = []
    for role, container in all_containers(spec):
        for variable in container.get("env") or []:
            why = _looks_secret(str(variable.get("name", "")), str(variable.get("value", "")))
            if why:
                problems.append(
                    f"{role} '{container.get('name')}' env {variable.get('name')} {why}: "
                    "take it from a Secret (valueFrom.secretKeyRef)"
                )
    return problems
