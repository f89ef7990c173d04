"""The images the real nodes run, built here from Debian's packages as installed (scripts/debian-packages.txt) and
the programs built here, under the names the stacks use (so `imagePullPolicy: IfNotPresent` never pulls).

    python scripts/lib/node_images.py OUT_DIR ELASTICSEARCH_HOME VAULT_BINARY
    python scripts/lib/node_images.py --names      (the image names, one per line: part of the cache key)

writes OUT_DIR/<file>.tar (oci_image.py) for each image (pause.tar: the sandbox image, PAUSE_IMAGE) and
OUT_DIR/images.json: per image its name, runtime config, users (name: uid), the Debian packages it holds and every
path in it, for the test that checks the rendered pods against them (tests/nodes/test_images.py).

An image holds the files of its Debian packages (`dpkg -L`, as installed), of the packages owning the shared
libraries their programs load (`ldd`), the merged-/usr links Debian 12 has, an /etc/passwd and /etc/group with the
upstream image's users, and files of ours. The README says how each differs from the upstream image.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from podpatterns.elasticsearch.settings.model import ElasticsearchSettings
from podpatterns.kube import BUSYBOX_IMAGE
from podpatterns.metrics.settings import EXPORTER_IMAGE
from podpatterns.tls.settings import DEFAULT_IMAGE
from podpatterns.vault.settings import VaultSettings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oci_image import write_image

MERGED_USR = {"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib", "lib64": "usr/lib64"}
BASE_USERS = {"root": 0, "nobody": 65534}
JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"
ELASTICSEARCH_HOME = "/usr/share/elasticsearch"
NOFILE_SHIM = "/usr/local/lib/nofile_limit.so"
"""This machine caps open files at 20,000, root included; a node publishing a pod IP enforces the bootstrap check
asking 65,535: the shim makes getrlimit report that (nofile_limit.c says why; the kernel still enforces 20,000)."""
NOFILE_SHIM_SOURCE = Path(__file__).with_name("nofile_limit.c")
STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PAUSE_IMAGE = "localhost/pod-patterns/pause:catatonit"
"""The sandbox image: Debian's static catatonit in pause mode (-P), each pod's PID 1, reaping its orphans."""


@dataclass(frozen=True)
class Spec:
    name: str
    file: str
    packages: tuple[str, ...]
    config: dict[str, object]
    users: dict[str, int] = field(default_factory=dict)
    directories: dict[str, int] = field(default_factory=dict)
    """Directories the image has, with their owner's uid (writable by the image's user)."""


def image_names() -> dict[str, str]:
    """The stacks' images, from the library's own defaults (one place for every version)."""
    es = ElasticsearchSettings()
    return {
        "nginx": DEFAULT_IMAGE,
        "exporter": EXPORTER_IMAGE,
        "busybox": f"docker.io/library/{BUSYBOX_IMAGE}",
        "elasticsearch": f"{es.image}:{es.version}",
        "vault": f"docker.io/{VaultSettings().image}",
    }


def specs(names: dict[str, str]) -> list[Spec]:
    return [
        Spec(PAUSE_IMAGE, "pause", ("catatonit",), {"Entrypoint": ["/usr/bin/catatonit", "-P"], "User": "65535"}),
        Spec(names["busybox"], "busybox", ("busybox",), {"Cmd": ["sh"], "Env": ["PATH=/bin:/usr/bin"]}),
        Spec(
            names["nginx"],
            "nginx",
            ("nginx", "nginx-common", "libnginx-mod-stream", "busybox"),  # sh and grep, as on Alpine
            {"Cmd": ["nginx", "-g", "daemon off;"], "Env": [f"PATH={STANDARD_PATH}"], "StopSignal": "SIGQUIT"},
            users={"nginx": 101},
            directories={"/var/cache/nginx": 101, "/var/log/nginx": 101, "/var/lib/nginx": 101, "/run": 0},
        ),
        Spec(
            names["exporter"],
            "exporter",
            ("prometheus-elasticsearch-exporter", "busybox"),  # its image is on busybox too
            {"Entrypoint": ["/bin/elasticsearch_exporter"], "User": "65534", "Env": [f"PATH={STANDARD_PATH}"]},
        ),
        Spec(
            names["elasticsearch"],
            "elasticsearch",
            ("openjdk-17-jre-headless", "coreutils", "dash", "sed", "curl"),  # sed: the probes read the password file
            {
                "Entrypoint": [f"{ELASTICSEARCH_HOME}/bin/docker-entrypoint.sh"],
                "User": "1000:0",
                "WorkingDir": ELASTICSEARCH_HOME,
                "Env": [
                    f"PATH={ELASTICSEARCH_HOME}/bin:{STANDARD_PATH}",
                    f"ES_JAVA_HOME={JAVA_HOME}",
                    f"LD_PRELOAD={NOFILE_SHIM}",
                ],
            },
            users={"elasticsearch": 1000},
        ),
        Spec(
            names["vault"],
            "vault",
            (),
            {"Entrypoint": ["/bin/vault"], "User": "100", "Env": [f"PATH={STANDARD_PATH}"]},
            users={"vault": 100},
            directories={"/vault/config": 100, "/vault/file": 100, "/vault/logs": 100},
        ),
    ]


def _in_image(path: str) -> str:
    """The path in the image: through the merged-/usr links (/bin/sh is /usr/bin/sh)."""
    top, _, rest = path.lstrip("/").partition("/")
    return f"{MERGED_USR[top]}/{rest}" if top in MERGED_USR and rest else path.lstrip("/")


@functools.cache
def _package_files(package: str) -> tuple[str, ...]:
    listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True).stdout.split("\n")
    return tuple(path for path in listed if path.startswith("/") and os.path.lexists(path))


@functools.cache
def _owner(library: str) -> str | None:
    """The package owning `library` (each `dpkg -S` reads the whole file database: asked once per library)."""
    for candidate in (library, os.path.realpath(library)):
        found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if found.returncode == 0:
            return found.stdout.split(":", 1)[0].strip()
    return None


@functools.cache
def _library_packages(package: str) -> frozenset[str]:
    """The packages owning the shared libraries the ELF files of `package` load."""
    packages: set[str] = set()
    for path in _package_files(package):
        if not os.path.isfile(path) or os.path.islink(path) or not _is_elf(path):
            continue
        ldd = subprocess.run(["ldd", path], capture_output=True, text=True, check=False).stdout
        for library in re.findall(r"(/\S+\.so[.\d]*)", ldd):
            owner = _owner(library)
            if owner:
                packages.add(owner)
    return frozenset(packages)


def _is_elf(path: str) -> bool:
    with open(path, "rb") as file:
        return file.read(4) == b"\x7fELF"


def _copy(path: str, layer: Path) -> None:
    target = layer / _in_image(path)
    if os.path.isdir(path) and not os.path.islink(path):
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        return
    if os.path.islink(path):
        target.symlink_to(os.readlink(path))
    else:
        shutil.copy2(path, target)


def _base(layer: Path, users: dict[str, int]) -> None:
    for top, inside in MERGED_USR.items():
        (layer / inside).mkdir(parents=True, exist_ok=True)
        (layer / top).symlink_to(inside)
    etc = layer / "etc"
    etc.mkdir()
    every = {**BASE_USERS, **users}
    (etc / "passwd").write_text("".join(f"{n}:x:{u}:{u}::/nonexistent:/bin/sh\n" for n, u in every.items()))
    (etc / "group").write_text("".join(f"{n}:x:{u}:\n" for n, u in every.items()))
    (layer / "tmp").mkdir(mode=0o1777)
    (layer / "tmp").chmod(0o1777)


def _packages_closure(packages: tuple[str, ...]) -> list[str]:
    wanted, done = set(packages), set()
    while wanted - done:
        package = sorted(wanted - done)[0]
        done.add(package)
        wanted |= _library_packages(package)
    return sorted(done)


def build(spec: Spec, out: Path, work: Path, home: Path, vault: Path) -> dict[str, object]:
    layer = work / spec.file
    _base(layer, spec.users)
    packages = _packages_closure(spec.packages)
    for package in packages:
        for path in _package_files(package):
            _copy(path, layer)
    for directory, owner in spec.directories.items():
        (layer / directory.lstrip("/")).mkdir(parents=True, exist_ok=True)
        os.chown(layer / directory.lstrip("/"), owner, owner)
    if "busybox" in spec.packages:  # sh, grep, sleep...: what the upstream images give classic sidecars' hooks
        applets = subprocess.run(["busybox", "--list"], capture_output=True, text=True, check=True).stdout.split()
        for applet in applets:
            link = layer / "usr" / "bin" / applet
            if not link.exists():
                link.symlink_to("busybox")
    if spec.file == "exporter":
        (layer / "usr" / "bin" / "elasticsearch_exporter").symlink_to("prometheus-elasticsearch-exporter")
    if spec.file == "elasticsearch":
        target = layer / ELASTICSEARCH_HOME.lstrip("/")
        shutil.copytree(home, target, symlinks=True)
        for directory in ("data", "logs", "plugins", "config"):
            (target / directory).mkdir(exist_ok=True)
            os.chown(target / directory, 1000, 0)
        (layer / "usr" / "bin" / "sh").symlink_to("dash") if not (layer / "usr" / "bin" / "sh").exists() else None
        shim = layer / NOFILE_SHIM.lstrip("/")
        shim.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(shim), str(NOFILE_SHIM_SOURCE), "-ldl"], check=True)
    if spec.file == "vault":
        shutil.copy2(vault, layer / "usr" / "bin" / "vault")
    write_image(out / f"{spec.file}.tar", spec.name, spec.config, [layer])
    paths = sorted("/" + str(p.relative_to(layer)) for p in layer.rglob("*"))
    shutil.rmtree(layer)
    users = {**BASE_USERS, **spec.users}
    return {
        "name": spec.name,
        "file": f"{spec.file}.tar",
        "config": spec.config,
        "users": users,
        "packages": packages,
        "paths": paths,
    }


def main(out: Path, home: Path, vault: Path) -> None:
    work = out / "layers"
    work.mkdir(parents=True)
    built = [build(spec, out, work, home, vault) for spec in specs(image_names())]
    work.rmdir()
    (out / "images.json").write_text(json.dumps(built, indent=1))


if __name__ == "__main__":
    if sys.argv[1:] == ["--names"]:
        print("\n".join(image_names().values()))
        sys.exit()
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*(Path(arg) for arg in sys.argv[1:]))
