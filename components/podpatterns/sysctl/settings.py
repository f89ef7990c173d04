"""Settings of node preparation: the stack's `sysctl` key, and the arguments of one SysctlInit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..kube import BUSYBOX_IMAGE
from ..settings import checks
from ..settings.engine import KeyedValueError, setting
from .known import is_node_level, parse_sysctl

MODES = ("none", "init", "node")


def _image() -> Any:
    return checks.image_setting(BUSYBOX_IMAGE, "Image of the privileged init container; it runs `sh`, `cat` and `tr`.")


@dataclass(frozen=True)
class SysctlSettings:
    """The stack's `sysctl` key: how the node gets the vm.max_map_count Elasticsearch wants."""

    mode: str = setting(
        "none",
        "init: a privileged init container raises vm.max_map_count if the node's is lower (the namespace is "
        "labelled Pod Security privileged); none: Elasticsearch runs without mmap (node.store.allow_mmap: "
        "false), no privilege needed; node: the node's owner prepares it.",
        choices=MODES,
    )
    image: str = _image()


def _parses(text: str) -> None:
    parse_sysctl(text)


def _sysctls(value: tuple[str, ...]) -> None:
    checks.every_entry(value, _parses)
    names = [parse_sysctl(text)[0] for text in value]
    if len(set(names)) != len(names):
        raise ValueError("sets a sysctl twice")


@dataclass(frozen=True)
class SysctlInitSettings:
    """The arguments of one SysctlInit, besides its target."""

    sysctls: tuple[str, ...] = setting(
        (),
        "Sysctls as name=value: safe namespaced ones go to the pod's securityContext, node-level ones (vm.*, "
        "fs.*) are raised by a privileged init container, never lowered.",
        check=_sysctls,
        allowed="list of name=value",
    )
    image: str = _image()
    kubernetes_version: str = checks.kubernetes_version_setting(
        "Oldest Kubernetes minor version of the cluster; some safe sysctls need a newer one."
    )

    def __post_init__(self) -> None:
        try:
            checks.every_entry(self.sysctls, self._known)
        except ValueError as error:
            raise KeyedValueError("sysctls", str(error)) from error

    def _known(self, text: str) -> None:
        """Raises ValueError unless `text` is a safe namespaced or a node-level sysctl on this Kubernetes."""
        is_node_level(*parse_sysctl(text), self.kubernetes_minor)

    @property
    def kubernetes_minor(self) -> int:
        return int(self.kubernetes_version.split(".")[1])

    def split(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(namespaced, node-level) sysctls as (name, value)."""
        pairs = [parse_sysctl(text) for text in self.sysctls]
        node = [pair for pair in pairs if is_node_level(*pair, self.kubernetes_minor)]
        return [pair for pair in pairs if pair not in node], node


REQUIRED = ("sysctls",)
