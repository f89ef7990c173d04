"""`elasticsearch.config`: settings of the user's own for elasticsearch.yml, checked as Elasticsearch checks them.

A name is refused, each under its own key, when the pinned Elasticsearch would refuse it (registry.py), or when the
library writes it itself (`LIBRARY_SETTINGS`): one of the two would silently lose.
"""

from __future__ import annotations

from typing import Any

from ...settings.engine import EntriesError
from .registry import registry

LIBRARY_SETTINGS = {
    "cluster.name": "elasticsearch.name",
    "node.name": "the pod's name",
    "network.host": "the pod's network",
    "network.publish_host": "the pod's IP",
    "http.host": "tls.enabled (127.0.0.1 behind the TLS ambassador)",
    "http.port": "tls.enabled (9201 behind the TLS ambassador)",
    "transport.port": "the pod's transport port 9300",
    "path.data": "the data volume",
    "path.logs": "the logs volume (logs.enabled)",
    "xpack.security.enabled": "security.enabled",
    "node.store.allow_mmap": "sysctl.mode (none: no mmap)",
    "discovery.type": "elasticsearch.nodes (1: single-node)",
    "discovery.seed_hosts": "elasticsearch.nodes (the headless Service)",
    "cluster.initial_master_nodes": "elasticsearch.nodes (the StatefulSet's pods)",
}
"""Every setting the library writes into elasticsearch.yml (config.py), and the setting that decides it."""

LIBRARY_PREFIXES = {
    "xpack.security.transport.ssl.": "security.enabled (transport TLS with the stack's node certificate)",
    "xpack.security.http.ssl.": "tls (the TLS ambassador serves HTTPS; Elasticsearch serves plain HTTP on 127.0.0.1)",
}
"""Whole families the library owns: one of its settings beside the library's would contradict them."""

LIBRARY_KEYSTORE_ENTRIES = {"keystore.seed": "elasticsearch-keystore create (the keystore init container)"}
"""Keystore entries the keystore init container writes itself."""


def owner(key: str, owned: dict[str, str], prefixes: dict[str, str] | None = None) -> str | None:
    """The setting of the library that decides `key`, or None when the library leaves it to the user."""
    if key in owned:
        return owned[key]
    return next((why for prefix, why in (prefixes or {}).items() if key.startswith(prefix)), None)


def collision(key: str, decided_by: str) -> str:
    return f"is written by pod-patterns itself, from {decided_by}: set that instead, or leave this setting out"


def check_config(config: dict[str, Any]) -> None:
    """Raises EntriesError naming each setting Elasticsearch or the library would refuse, and why."""
    problems = {}
    for key in sorted(config):
        decided_by = owner(key, LIBRARY_SETTINGS, LIBRARY_PREFIXES)
        taken = lambda name: owner(name, LIBRARY_SETTINGS, LIBRARY_PREFIXES) is not None  # noqa: E731
        problem = collision(key, decided_by) if decided_by else registry().config_problem(key, taken)
        if problem:
            problems[key] = problem
    if problems:
        raise EntriesError(problems)


def keystore_entry_name(key: str) -> None:
    """Raises ValueError when Elasticsearch would refuse `key` in its keystore, or the library writes it itself."""
    decided_by = owner(key, LIBRARY_KEYSTORE_ENTRIES)
    problem = collision(key, decided_by) if decided_by else registry().keystore_problem(key)
    if problem:
        raise ValueError(problem)
