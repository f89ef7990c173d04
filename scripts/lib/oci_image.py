"""Writes an OCI image archive (an image layout in a tar) that `ctr images import` takes, from directories.

    python3 scripts/lib/oci_image.py OUT.tar NAME CONFIG.json LAYER_DIR [LAYER_DIR ...]

NAME is the full reference the pods name (docker.io/library/busybox:1.36.1): containerd imports the image under
it (the `io.containerd.image.name` annotation), so `imagePullPolicy: IfNotPresent` never pulls. CONFIG.json holds
the image's runtime config (Entrypoint, Cmd, User, Env, WorkingDir). The layers are uncompressed tars of the
directories, in order, with every file owned by root unless the directory's own files say otherwise (numeric ids
as found), and a fixed modification time: the same inputs give the same digests.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile
from pathlib import Path

EPOCH = 0


def _layer(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(directory.rglob("*")):
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(directory)))
            info.mtime = EPOCH
            info.uname = info.gname = ""
            if info.isfile():
                with path.open("rb") as file:
                    tar.addfile(info, file)
            else:
                tar.addfile(info)
    return buffer.getvalue()


def _blob(tar: tarfile.TarFile, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo(f"blobs/sha256/{digest}")
    info.size, info.mtime = len(data), EPOCH
    tar.addfile(info, io.BytesIO(data))
    return f"sha256:{digest}"


def _json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def write_image(out: Path, name: str, runtime_config: dict[str, object], layers: list[Path]) -> None:
    """The image `name` with `layers` (directories, lowest first) and `runtime_config`, as an archive at `out`."""
    blobs = [_layer(directory) for directory in layers]
    with tarfile.open(out, mode="w") as tar:
        layer_digests = [_blob(tar, data) for data in blobs]
        config = {
            "architecture": "amd64",
            "os": "linux",
            "config": runtime_config,
            "rootfs": {"type": "layers", "diff_ids": layer_digests},
        }
        config_data = _json(config)
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": _blob(tar, config_data),
                "size": len(config_data),
            },
            "layers": [
                {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest, "size": len(data)}
                for digest, data in zip(layer_digests, blobs, strict=True)
            ],
        }
        manifest_data = _json(manifest)
        index = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": _blob(tar, manifest_data),
                    "size": len(manifest_data),
                    "platform": {"architecture": "amd64", "os": "linux"},
                    "annotations": {
                        "io.containerd.image.name": name,
                        "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1],
                    },
                }
            ],
        }
        for file_name, data in (("oci-layout", _json({"imageLayoutVersion": "1.0.0"})), ("index.json", _json(index))):
            info = tarfile.TarInfo(file_name)
            info.size, info.mtime = len(data), EPOCH
            tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    out, name, config_file, *layer_dirs = sys.argv[1:]
    write_image(Path(out), name, json.loads(Path(config_file).read_text()), [Path(d) for d in layer_dirs])
