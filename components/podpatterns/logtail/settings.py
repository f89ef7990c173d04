"""Settings of the log tailer: the stack's `logs` key, and the arguments of one LogTailSidecar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..kube import BUSYBOX_IMAGE
from ..settings import checks
from ..settings.engine import KeyedValueError, setting
from .naming import name_problem

MODES = ("auto", "native", "classic")
NATIVE_SIDECAR_MINOR = 29
"""Native sidecars (`restartPolicy: Always` init containers) are beta and on by default from Kubernetes 1.29."""

_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


def _file_name(name: str) -> None:
    if not _FILE_NAME.match(name):
        raise ValueError("is not a file name: letters, digits, '.', '_' and '-', no '/'")


def _file_names(value: tuple[str, ...]) -> None:
    checks.every_entry(value, _file_name)
    problem = name_problem(value)
    if problem:
        raise ValueError(problem)


def _mode() -> Any:
    return setting(
        "auto",
        "How the tailer runs: native (an init container with restartPolicy Always: starts before the app and "
        "stops after it, so startup and shutdown lines are kept), classic (a regular container), or auto "
        "(native from Kubernetes 1.29).",
        choices=MODES,
    )


def _image() -> Any:
    return checks.image_setting(BUSYBOX_IMAGE, "Image of the tailer; it runs `sh` and busybox-compatible `tail -F`.")


@dataclass(frozen=True)
class LogSettings:
    """The stack's `logs` key: Elasticsearch logs to files, and a sidecar streams them to stdout."""

    enabled: bool = setting(
        False, "Elasticsearch logs to files on the logs volume (ES_LOG_STYLE=file); sidecars stream them to stdout."
    )
    mode: str = _mode()
    image: str = _image()
    files: tuple[str, ...] = setting(
        (),
        "Files in Elasticsearch's log directory to stream, one sidecar each. Empty: the server log <cluster name>.log.",
        check=_file_names,
        allowed="list of file names",
    )
    size_limit: str = checks.memory_setting(
        "2Gi", "sizeLimit of Elasticsearch's logs emptyDir; the kubelet evicts the pod above it."
    )


@dataclass(frozen=True)
class LogTailSidecarSettings:
    """The arguments of one LogTailSidecar, besides its target."""

    volume: str = setting(
        "",
        "Pod volume holding the log files (declared by the workload).",
        check=checks.dns_label(63),
        allowed="DNS label",
    )
    directory: str = checks.absolute_path_setting(
        "", "Where the application writes the files; the volume is mounted there, read-only."
    )
    files: tuple[str, ...] = setting(
        (),
        "Files in the directory to stream, one sidecar container each.",
        check=_file_names,
        allowed="list of file names",
    )
    mode: str = _mode()
    image: str = _image()
    kubernetes_version: str = checks.kubernetes_version_setting(
        "Oldest Kubernetes minor version of the cluster; mode auto uses native sidecars from 1.29."
    )
    run_as_user: int = setting(
        65534, "User (and group) of the tailer; it must be able to read the files.", minimum=1, maximum=2**31 - 1
    )

    def __post_init__(self) -> None:
        if self.mode == "native" and self.kubernetes_minor < NATIVE_SIDECAR_MINOR:
            raise KeyedValueError(
                "mode", f"native sidecars need Kubernetes 1.{NATIVE_SIDECAR_MINOR} or newer; use auto or classic"
            )

    @property
    def kubernetes_minor(self) -> int:
        return int(self.kubernetes_version.split(".")[1])

    @property
    def native(self) -> bool:
        """Whether the tailers run as native sidecars."""
        return self.mode == "native" or (self.mode == "auto" and self.kubernetes_minor >= NATIVE_SIDECAR_MINOR)


REQUIRED = ("volume", "directory", "files")
