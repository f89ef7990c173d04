"""A container's root filesystem, assembled in the container's own mount namespace by a setup script.

The root is a tmpfs. The host's top-level directories (/usr, /etc, /var, ...) appear through
overlays whose writes land in the container's scratch tmpfs, never on the host; the image's layer
is laid over them (or replaces a directory the host only has as a symlink, as busybox's /bin).
Then: a minimal /dev, the container's own /proc (its own PID namespace) with /proc/sys read-only
and the node's sysctl stand-ins bound over the real files (a privileged container must never
change the host's values), the pod's /etc/hosts, the volume mounts in order (`readOnly` honoured),
and with `readOnlyRootFilesystem` everything but the volumes made read-only. Every mount lives in
the container's mount namespace and vanishes with its processes.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .images import Image

HOST_DIRECTORIES = ("usr", "etc", "var", "opt", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


@dataclass(frozen=True)
class Mount:
    path: str
    """Where the container sees it."""
    source: Path
    read_only: bool


@dataclass(frozen=True)
class ContainerRoot:
    root: Path
    """An empty host directory where the root is assembled (in the container's mount namespace)."""
    scratch: Path
    """An empty host directory for the overlays' writable layers."""
    image: Image
    mounts: Sequence[Mount]
    read_only: bool
    hosts_file: Path
    sysctls: Mapping[str, Path]
    """Node sysctl stand-ins, e.g. {"vm.max_map_count": file}."""


def setup_script(container: ContainerRoot, argv: Sequence[str]) -> str:
    """A shell script that assembles the root, then execs `argv` chrooted into it."""
    root = container.root
    steps = [
        f"mount -t tmpfs -o mode=755 root {_q(root)}",
        f"mount -t tmpfs scratch {_q(container.scratch)}",
        *_host_directories(container),
        *_dev(root),
        *_proc(root, container.sysctls),
        f"mkdir -m 1777 {_q(root / 'tmp')}",
    ]
    layer = container.image.layer
    steps += _bind(container.hosts_file, root / inside("/etc/hosts", layer), read_only=True)
    for mount in container.mounts:
        steps += _bind(mount.source, root / inside(mount.path, layer), read_only=mount.read_only)
    # The stand-ins' host directories last: a volume at /tmp must not hide a checkout that lives under /tmp.
    for bind in container.image.binds:
        steps += _bind(bind, root / inside(str(bind), layer), read_only=True)
    if container.read_only:
        overlays = [root / name for name in HOST_DIRECTORIES if _overlaid(Path("/") / name)]
        steps += [f"mount -o remount,bind,ro {_q(path)}" for path in (root, *overlays)]
    steps.append(f"exec chroot {_q(root)} {shlex.join(argv)}")
    return "set -e\n" + "\n".join(steps) + "\n"


def _host_directories(container: ContainerRoot) -> list[str]:
    root, layer = container.root, container.image.layer
    steps = []
    for name in HOST_DIRECTORIES:
        host, mine = Path("/") / name, root / name
        layered = layer / name if layer is not None and (layer / name).is_dir() else None
        if host.is_symlink() and layered is None:
            steps.append(f"ln -s {_q(str(host.readlink()))} {_q(mine)}")
        elif _overlaid(host):
            upper, work = container.scratch / name / "upper", container.scratch / name / "work"
            lower = f"{layered}:{host}" if layered else str(host)
            steps += [
                f"mkdir -p {_q(upper)} {_q(work)} {_q(mine)}",
                f"mount -t overlay overlay -o lowerdir={lower},upperdir={upper},workdir={work} {_q(mine)}",
            ]
        elif layered is not None:
            steps += _bind(layered, mine, read_only=True)
    if layer is not None:  # the image's own top-level directories
        for entry in sorted(layer.iterdir()):
            if entry.name not in HOST_DIRECTORIES:
                steps += _bind(entry, root / entry.name, read_only=True)
    return steps


def inside(path: str, layer: Path | None) -> str:
    """`path` relative to the container's root, every symlink on the way followed within that root
    (the layer's entry, else the host's under the directories the root overlays). The setup script
    runs before the chroot: an absolute link such as /var/run -> /run must not lead it to the host's."""
    pending = [part for part in path.split("/") if part]
    resolved: list[str] = []
    for _ in range(256):
        if not pending:
            return "/".join(resolved)
        part = pending.pop(0)
        if part in (".", ".."):
            resolved = resolved[:-1] if part == ".." else resolved
            continue
        link = _link("/".join([*resolved, part]), layer)
        if link is None:
            resolved.append(part)
            continue
        pending = [p for p in link.split("/") if p] + pending
        if link.startswith("/"):
            resolved = []
    raise ValueError(f"too many symbolic links resolving {path}")


def _link(relative: str, layer: Path | None) -> str | None:
    """The target of the root's entry at `relative` when it is a symlink."""
    bases = [layer] if layer is not None else []
    top = relative.split("/", 1)[0]
    replaced = layer is not None and (layer / top).is_dir() and not _overlaid(Path("/") / top)
    if top in HOST_DIRECTORIES and not replaced:  # the host's entries show through this directory
        bases.append(Path("/"))
    for base in bases:
        entry = base / relative
        if entry.is_symlink():
            return os.readlink(entry)
        if entry.exists():
            return None
    return None


def _overlaid(host: Path) -> bool:
    """A real host directory (not a merged-/usr symlink) appears through an overlay."""
    return host.is_dir() and not host.is_symlink()


def _dev(root: Path) -> list[str]:
    dev = root / "dev"
    steps = [f"mkdir {_q(dev)}", f"mount -t tmpfs -o mode=755 dev {_q(dev)}"]
    for device in DEVICES:
        steps += [f"touch {_q(dev / device)}", f"mount --bind /dev/{device} {_q(dev / device)}"]
    links = {
        "fd": "/proc/self/fd",
        "stdin": "/proc/self/fd/0",
        "stdout": "/proc/self/fd/1",
        "stderr": "/proc/self/fd/2",
    }
    steps += [f"ln -s {target} {_q(dev / name)}" for name, target in links.items()]
    steps += [f"mkdir {_q(dev / 'shm')}", f"mount -t tmpfs -o mode=1777 shm {_q(dev / 'shm')}"]
    return steps


def _proc(root: Path, sysctls: Mapping[str, Path]) -> list[str]:
    proc = root / "proc"
    steps = [f"mkdir {_q(proc)}", f"mount -t proc proc {_q(proc)}"]
    steps += _bind(proc / "sys", proc / "sys", read_only=True)
    for name, stand_in in sysctls.items():
        steps.append(f"mount --bind {_q(stand_in)} {_q(proc / 'sys' / name.replace('.', '/'))}")
    return steps


def _bind(source: Path, target: Path, *, read_only: bool) -> list[str]:
    """Bind `source` at `target`, creating the mount point (an empty file for a file)."""
    if source.is_dir():
        steps = [f"mkdir -p {_q(target)}"]
    else:
        steps = [f"mkdir -p {_q(target.parent)}", f"[ -e {_q(target)} ] || touch {_q(target)}"]
    steps.append(f"mount --bind {_q(source)} {_q(target)}")
    if read_only:
        steps.append(f"mount -o remount,bind,ro {_q(target)}")
    return steps


def _q(value: object) -> str:
    return shlex.quote(str(value))
