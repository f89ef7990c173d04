"""The settings Elasticsearch registers: which keys `elasticsearch.yml` and the keystore may hold.

A node refuses to start on a setting it does not register ("unknown setting"), on an index setting in its node
configuration, on a secure setting outside the keystore and on a plain one inside it. The list comes from the pinned
release's jars (`data/settings-<version>.json`, written by scripts/update-elasticsearch-settings), and, for the
modules Maven Central does not serve, from their documentation (`data/documented-settings.yaml`). A key matches a
setting as the node matches it: equal, or by the setting's own pattern (a group, list or affix setting such as
`xpack.security.authc.realms.file.*.order`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ...settings.engine import KeyStyle, closest_key

VERSION = "8.19.21"
"""The Elasticsearch release whose settings are listed: the one the tests build (toolchain/elasticsearch/pom.xml)."""

LISTS = "the settings Elasticsearch {version} registers (docs/elasticsearch-settings.md)"
"""What is allowed, for messages."""


@dataclass(frozen=True)
class RegisteredSetting:
    """One setting as Elasticsearch registers it."""

    key: str
    """As Elasticsearch names it: `*` for a name of the user's own; a group ends with `.`."""
    pattern: re.Pattern[str] | None
    """The concrete keys of a group, list or affix setting; None: the key itself only."""
    scope: str
    """node (elasticsearch.yml, the cluster settings API) or index (index settings only)."""
    secure: bool
    """Only in the keystore."""
    deprecated: str | None
    """critical, warning or removed when deprecated; None when not."""
    source: str
    """server, the module that registers it, or the documentation page it comes from."""

    @property
    def name(self) -> str:
        """The key as the docs write it: a group's concrete keys as `prefix.*`."""
        return f"{self.key}*" if self.key.endswith(".") else self.key

    def matches(self, key: str) -> bool:
        return key == self.key if self.pattern is None else bool(self.pattern.fullmatch(key))


@dataclass(frozen=True)
class Registry:
    version: str
    settings: tuple[RegisteredSetting, ...]

    @functools.cached_property
    def _by_key(self) -> dict[str, RegisteredSetting]:
        return {s.key: s for s in self.settings if s.pattern is None and s.scope == "node"} | {
            s.key: s for s in self.settings if s.pattern is None and s.scope == "index"
        }

    def find(self, key: str) -> RegisteredSetting | None:
        """The setting `key` names, node scope first; None when Elasticsearch would call it unknown."""
        exact = self._by_key.get(key)
        if exact is not None:
            return exact
        matching = [s for s in self.settings if s.pattern is not None and s.matches(key)]
        return min(matching, key=lambda s: s.scope != "node", default=None)

    def suggestion(self, key: str, *, secure: bool, taken: Callable[[str], bool] = lambda _: False) -> str:
        """`did you mean 'x'? ` for the closest setting of the kind wanted (keystore or not), or nothing; `taken`
        names the settings not to suggest (the library's own)."""
        names = {s.name for s in self.settings if s.secure == secure and s.scope == "node" and not taken(s.name)}
        close = closest_key(key, names, KeyStyle())
        return f"did you mean '{close}'? " if close else ""

    def config_problem(self, key: str, taken: Callable[[str], bool] = lambda _: False) -> str | None:
        """Why Elasticsearch would refuse `key` in elasticsearch.yml, with what to do; None when it takes it.
        `taken`: settings a did-you-mean must not offer."""
        setting = self.find(key)
        allowed = LISTS.format(version=self.version)
        if setting is None:
            return (
                f"Elasticsearch {self.version} registers no such setting (a node refuses to start on an unknown "
                f"setting); {self.suggestion(key, secure=False, taken=taken)}allowed: {allowed}"
            )
        if setting.scope == "index":
            return (
                f"is an index setting ({setting.name}): Elasticsearch refuses index settings in elasticsearch.yml; "
                "set it in an index template"
            )
        if setting.secure:
            return (
                f"is a secure setting ({setting.name}): Elasticsearch reads it only from the keystore; add it to "
                "elasticsearch.keystore, from a Vault file"
            )
        if setting.deprecated:
            return (
                f"is deprecated in Elasticsearch {self.version} ({setting.name}, {setting.deprecated}): every start "
                "would log a deprecation warning and a later release drops it; see Elasticsearch's deprecation notes"
            )
        return None

    def keystore_problem(self, key: str) -> str | None:
        """Why Elasticsearch would refuse `key` as a keystore entry; None when it takes it."""
        setting = self.find(key)
        if setting is None or setting.scope != "node":
            return (
                f"Elasticsearch {self.version} registers no such secure setting (a node refuses to start on an "
                f"unknown secure setting); {self.suggestion(key, secure=True)}allowed: the secure ones of "
                f"{LISTS.format(version=self.version)}"
            )
        if not setting.secure:
            return (
                f"is not a secure setting ({setting.name}): Elasticsearch refuses it in the keystore; set it in "
                "elasticsearch.config"
            )
        return None


def _extracted(entry: dict[str, Any]) -> RegisteredSetting:
    pattern = entry["pattern"]
    return RegisteredSetting(
        key=entry["key"],
        pattern=re.compile(pattern, re.ASCII) if pattern else None,
        scope=entry["scope"],
        secure=entry["secure"],
        deprecated=entry["deprecated"],
        source=entry["source"],
    )


def _documented(key: str, page: str, *, secure: bool = False, deprecated: str | None = None) -> RegisteredSetting:
    """A documented name: each `*` stands for one name of the user's own, as in an affix setting."""
    pattern = r"[-\w]+".join(re.escape(part) for part in key.split("*")) if "*" in key else None
    return RegisteredSetting(
        key=key,
        pattern=re.compile(pattern, re.ASCII) if pattern else None,
        scope="node",
        secure=secure,
        deprecated=deprecated,
        source=page,
    )


def documented_settings(groups: list[dict[str, Any]]) -> list[RegisteredSetting]:
    """The settings of `data/documented-settings.yaml`'s groups."""
    return [
        _documented(key, group["page"], secure=kind == "secure", deprecated="warning" if kind == "deprecated" else None)
        for group in groups
        for kind in ("settings", "secure", "deprecated")
        for key in group.get(kind, ())
    ]


def _data(name: str) -> str:
    return resources.files("podpatterns.elasticsearch").joinpath("data", name).read_text()


@functools.cache
def registry() -> Registry:
    """The settings of Elasticsearch `VERSION`, from its jars and the documented modules."""
    extracted = json.loads(_data(f"settings-{VERSION}.json"))
    settings = [_extracted(entry) for entry in extracted["settings"]]
    settings += documented_settings(yaml.safe_load(_data("documented-settings.yaml")))
    return Registry(version=extracted["version"], settings=tuple(settings))
