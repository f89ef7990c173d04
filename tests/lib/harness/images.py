"""Container images -> the real programs standing in for them, with the files the image would bring.

| image | runs | from |
|---|---|---|
| nginx | nginx | Debian nginx, with libnginx-mod-stream |
| elasticsearch-exporter | prometheus-elasticsearch-exporter (same release as the tag) | Debian |
| busybox | busybox, every applet linked in /bin, the only directory on PATH | Debian busybox |
| elasticsearch | the Elasticsearch API stand-in, `elasticsearch-keystore`, the image's config dir | lib/standins |
| elasticsearch (`elasticsearch_home`) | the real Elasticsearch of that release | elasticsearch_image.py |
| vault | HashiCorp Vault's `vault` with a real server (tests/vault), else the agent stand-in | cache, lib/standins |

An image is a `layer` (a directory laid over the container's root: its top-level directories that
the host also has are merged with the host's, the others replace them), `binds` (host directories
seen at the same path, e.g. the Python that runs a stand-in), its entrypoint, default user, working
directory and environment. Unknown images are an error naming the container: never silently skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..prerequisites import require_program
from . import elasticsearch_image

PROJECT_DIR = Path(__file__).resolve().parents[3]
"""The repository: the Elasticsearch image runs its stand-in from there."""

STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class UnknownImageError(LookupError):
    """No program stands in for a container's image."""


@dataclass(frozen=True)
class Image:
    entrypoint: tuple[str, ...]
    user: int = 0
    working_dir: str = "/"
    env: Mapping[str, str] = field(default_factory=lambda: {"PATH": STANDARD_PATH})
    layer: Path | None = None
    binds: tuple[Path, ...] = ()
    overrides: Mapping[str, str] = field(default_factory=dict)
    """Env the harness sets over the pod's, for what this machine cannot give (said where the image is made)."""


@dataclass(frozen=True)
class ImageContext:
    """What images are built from: a directory for their layers, the cluster's Vault contents (for the stand-in),
    and the `vault` program (HashiCorp Vault's, or the compiled agent stand-in)."""

    directory: Path
    vault_kv: Mapping[str, Mapping[str, Any]]
    vault_agent: Path | None
    vault_server: Mapping[str, Any] = field(default_factory=dict)
    """What the Vault server accepts (tests/lib/standins/vault: address, auth mount, roles, CA)."""
    elasticsearch_home: Path | None = None
    """The real Elasticsearch's home (scripts/elasticsearch); None: the stand-in runs as the Elasticsearch image."""
    elasticsearch_log4j: Mapping[str, str] = field(default_factory=dict)
    """A test's values in the real image's log4j2.file.properties (elasticsearch_image.py); empty: the image's."""


def repository(image: str) -> str:
    """`busybox:1.36.1` -> `docker.io/library/busybox`: the name without tag or digest, registry explicit."""
    name = image.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    parts = name.split("/")
    if len(parts) == 1:
        parts = ["docker.io", "library", *parts]
    elif "." not in parts[0] and ":" not in parts[0] and parts[0] != "localhost":
        parts = ["docker.io", *parts]
    return "/".join(parts)


def tag(image: str) -> str:
    return image.split("@", 1)[0].rsplit("/", 1)[-1].partition(":")[2]


def _nginx(context: ImageContext, image: str) -> Image:
    nginx = require_program("nginx", "nginx")
    return Image(entrypoint=(nginx, "-g", "daemon off;"))


def _exporter(context: ImageContext, image: str) -> Image:
    binary = require_program("prometheus-elasticsearch-exporter", "prometheus-elasticsearch-exporter")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    wanted = tag(image).removeprefix("v")
    if f"version {wanted} " not in version.stdout + version.stderr:
        raise UnknownImageError(f"{image}: Debian's exporter is not release {wanted}: {version.stdout}{version.stderr}")
    return Image(entrypoint=(binary,), user=65534)


def _busybox(context: ImageContext, image: str) -> Image:
    busybox = require_program("busybox", "busybox")
    layer = context.directory / "busybox"
    if not layer.exists():
        (layer / "bin").mkdir(parents=True)
        applets = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout.split()
        for applet in applets:
            (layer / "bin" / applet).symlink_to(busybox)
    return Image(entrypoint=("sh",), env={"PATH": "/bin"}, layer=layer)


ELASTICSEARCH_HOME = "/usr/share/elasticsearch"
_IMAGE_CONFIG = {
    # The image's own elasticsearch.yml: what a pod without a mounted one would run with.
    "elasticsearch.yml": 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n',
    "jvm.options": "-XX:+UseG1GC\n",
    "log4j2.properties": "status = error\n",
}


def _outside(prefix: Path) -> Path:
    """`prefix`, or the project directory when it lies inside it (bound already)."""
    return PROJECT_DIR if prefix.resolve().is_relative_to(PROJECT_DIR) else prefix.resolve()


def _real_elasticsearch(home: Path, context: ImageContext, image: str) -> Image:
    if tag(image) != elasticsearch_image.home_version(home):
        raise UnknownImageError(f"{image}: the Elasticsearch built here is {elasticsearch_image.home_version(home)}")
    layer = context.directory / "elasticsearch"
    if not layer.exists():
        elasticsearch_image.lay_out(home, layer, context.elasticsearch_log4j)
    return Image(
        entrypoint=(f"{ELASTICSEARCH_HOME}/bin/docker-entrypoint.sh", *elasticsearch_image.DISK_WATERMARKS),
        user=1000,
        working_dir=ELASTICSEARCH_HOME,
        env={"PATH": f"{ELASTICSEARCH_HOME}/bin:{STANDARD_PATH}"},
        layer=layer,
        overrides=elasticsearch_image.environment(),
    )


def _elasticsearch(context: ImageContext, image: str) -> Image:
    if context.elasticsearch_home is not None:
        return _real_elasticsearch(context.elasticsearch_home, context, image)
    layer = context.directory / "elasticsearch"
    config = layer / ELASTICSEARCH_HOME.lstrip("/") / "config"
    if not layer.exists():
        config.mkdir(parents=True)
        for name, text in _IMAGE_CONFIG.items():
            (config / name).write_text(text)
        for directory in ("logs", "data"):
            (config.parent / directory).mkdir(mode=0o775)
        # The image's keystore tool, on its PATH: the strict stand-in.
        (config.parent / "bin").mkdir()
        tool = config.parent / "bin" / "elasticsearch-keystore"
        tool.write_text(f'#!/bin/sh\nexec {sys.executable} -m tests.lib.standins.elasticsearch_keystore "$@"\n')
        tool.chmod(0o755)
    return Image(
        entrypoint=(sys.executable, "-m", "tests.lib.standins.elasticsearch"),
        user=1000,
        working_dir=ELASTICSEARCH_HOME,
        env={
            "PATH": f"{ELASTICSEARCH_HOME}/bin:{STANDARD_PATH}",
            "PYTHONPATH": str(PROJECT_DIR),
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        layer=layer,
        # The project, Python, and its virtual environment when it lies elsewhere (the mutation gate's copies).
        binds=tuple(dict.fromkeys((PROJECT_DIR, Path(sys.base_prefix).resolve(), _outside(Path(sys.prefix))))),
    )


def _vault(context: ImageContext, image: str) -> Image:
    if context.vault_agent is None:
        raise UnknownImageError(f"{image}: the Vault agent stand-in was not built")
    layer = context.directory / "vault"
    if not layer.exists():
        (layer / "usr" / "local" / "bin").mkdir(parents=True)
        _link_or_copy(context.vault_agent, layer / "usr" / "local" / "bin" / "vault")
        (layer / "vault-standin").mkdir()
        (layer / "vault-standin" / "kv.json").write_text(json.dumps(context.vault_kv))
        (layer / "vault-standin" / "server.json").write_text(json.dumps(context.vault_server))
    return Image(entrypoint=("vault",), user=100, layer=layer)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where both lie on one filesystem (the real `vault` is large), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


IMAGES: dict[str, Callable[[ImageContext, str], Image]] = {
    "docker.io/library/nginx": _nginx,
    "quay.io/prometheuscommunity/elasticsearch-exporter": _exporter,
    "docker.io/library/busybox": _busybox,
    "docker.elastic.co/elasticsearch/elasticsearch": _elasticsearch,
    "docker.io/hashicorp/vault": _vault,
}


def image_for(container: Mapping[str, Any], context: ImageContext) -> Image:
    """The stand-in for the container's image; UnknownImageError naming the container and image otherwise."""
    build = IMAGES.get(repository(container["image"]))
    if build is None:
        raise UnknownImageError(
            f"container '{container['name']}': no program stands in for image '{container['image']}' "
            f"(known: {', '.join(sorted(IMAGES))})"
        )
    return build(context, container["image"])
