"""The ambassador as a stack renders it: the dev stack with TLS settings changed per variant, rendered offline
by the library, certificates made from exactly what it asked pulumi-tls for; run as its container would be."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpatterns.render import kubernetes_objects
from podpatterns.tls.contribution import CONFIG_DIR, TLS_DIR

from tests.lib.support.certs import materialize
from tests.lib.support.nginx import for_debian_nginx
from tests.lib.support.variants import render_variant

BASE_STACK = "dev"
LISTEN_PORT = 9200
"""Where the rendered ambassador listens (Elasticsearch's port); the backend stands in on 127.0.0.1:9201."""
BACKEND_PORT = 9201


@dataclass(frozen=True)
class Variant:
    """One way to configure the ambassador: `tls` overrides `pod-patterns:tls` of the dev stack."""

    label: str
    tls: dict[str, Any] = field(default_factory=dict)
    chain_with_ca: bool = False
    """Send the CA after the leaf (what many setups do); the rendered Secret's tls.crt is the leaf only."""


@dataclass(frozen=True)
class RenderedAmbassador:
    variant: Variant
    argv: list[str]
    """The container's command, in its own mount namespace, as its user."""
    access_log: Path
    client_certificate: list[str]
    """s_time options presenting the issued client certificate (mutual TLS variants)."""
    server_pem: Path
    """Key and leaf certificate in one file (the peers' certificate: the same for every proxy)."""


def write_volume(path: Path, files: dict[str, str]) -> Path:
    """A Secret or ConfigMap volume as the kubelet projects it: files 0444 in a directory anyone may read."""
    path.mkdir(mode=0o755, parents=True)
    for name, content in files.items():
        (path / name).write_text(content)
        (path / name).chmod(0o444)
    return path


def _bind(target: str, source: Path) -> str:
    target, source_path = shlex.quote(target), shlex.quote(str(source))
    return f"mkdir -p {target} && mount --bind {source_path} {target} && mount -o remount,bind,ro {target}"


def _tmpfs(target: str) -> str:
    return f"mkdir -p {target} && mount -t tmpfs -o mode=1777 tmpfs {target}"


def render(variant: Variant, workdir: Path) -> RenderedAmbassador:
    """Render the variant's stack and lay out its volumes under `workdir` (readable by the nginx user)."""
    recording = render_variant(BASE_STACK, tls=variant.tls)
    made = materialize(recording)
    objects = {(m["kind"], m["metadata"]["name"]): m for m in kubernetes_objects(recording)}
    pod = next(
        m["spec"]["template"]["spec"] for (kind, _), m in objects.items() if kind in ("Deployment", "StatefulSet")
    )
    # A native sidecar (an init container that keeps running) where the cluster has them, else a container.
    container = next(c for c in pod.get("initContainers", []) + pod["containers"] if c["name"] == "tls-ambassador")
    app = pod["containers"][0]["name"]
    conf = objects[("ConfigMap", f"{app}-ambassador")]["data"]["nginx.conf"]
    secret = made.resolve(objects[("Secret", f"{app}-tls")]["stringData"])
    if variant.chain_with_ca:
        secret["tls.crt"] += secret["ca.crt"]
    certs = write_volume(workdir / "certs", secret)
    config = write_volume(workdir / "config", {"nginx.conf": for_debian_nginx(conf)})
    client: list[str] = []
    clients = [name for kind, name in objects if kind == "Secret" and "-client-" in name]
    if clients:
        issued = write_volume(workdir / "client", made.resolve(objects[("Secret", clients[0])]["stringData"]))
        client = ["-cert", str(issued / "tls.crt"), "-key", str(issued / "tls.key")]
    server_pem = workdir / "server.pem"
    server_pem.write_text(secret["tls.key"] + secret["tls.crt"])
    user = container["securityContext"]["runAsUser"]
    access_log = workdir / "access.log"
    access_log.touch()
    os.chown(access_log, user, user)  # nginx, as the container's user, reopens /dev/stdout
    mounts = [
        _tmpfs("/etc/nginx"),  # first, so that mount points are made without touching the host
        _bind(TLS_DIR, certs),
        _bind(CONFIG_DIR, config),
        _tmpfs("/tmp"),  # the emptyDir
    ]
    run_as = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *container["command"]]
    script = " && ".join([*mounts, "exec " + shlex.join(run_as)])
    argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]
    return RenderedAmbassador(variant, argv, access_log, client, server_pem)
