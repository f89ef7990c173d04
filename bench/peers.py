"""The application stand-in and the peers the ambassador is measured against, from bench/configs/."""

from __future__ import annotations

import json
from pathlib import Path

from podpatterns.templating import fill_template

from .rendered import BACKEND_PORT

CONFIGS = Path(__file__).resolve().parent / "configs"
BODY_BYTES = 416


def json_body(size: int = BODY_BYTES) -> str:
    """A JSON object of exactly `size` bytes, shaped like Elasticsearch's root answer."""
    document = {
        "name": "elasticsearch-0",
        "cluster_name": "search-dev",
        "cluster_uuid": "3kT9mQyHRsKc2V0yYlL5dA",
        "version": {"number": "8.17.0", "build_flavor": "default", "lucene_version": "9.12.0"},
        "tagline": "You Know, for Search",
        "padding": "",
    }
    document["padding"] = "x" * (size - len(json.dumps(document, separators=(",", ":"))))
    body = json.dumps(document, separators=(",", ":"))
    assert len(body) == size
    return body


def write_config(name: str, directory: Path, **values: object) -> Path:
    """bench/configs/<name> filled in (@dir, @backend_port and `values`), written into `directory`."""
    text = fill_template((CONFIGS / name).read_text(), dir=directory, backend_port=BACKEND_PORT, **values)
    path = directory / name
    path.write_text(text)
    return path


def backend_argv(directory: Path) -> list[str]:
    conf = write_config("backend-nginx.conf", directory, port=BACKEND_PORT, body=json_body(), body_bytes=BODY_BYTES)
    return ["nginx", "-c", str(conf), "-g", "daemon off;"]


def tutorial_argv(directory: Path, port: int, pem: Path) -> list[str]:
    conf = write_config("tutorial-nginx.conf", directory, port=port, pem=pem)
    return ["nginx", "-c", str(conf), "-g", "daemon off;"]


def haproxy_argv(directory: Path, port: int, pem: Path) -> list[str]:
    return ["haproxy", "-db", "-f", str(write_config("haproxy.cfg", directory, port=port, pem=pem))]


def haproxy_log_argv(directory: Path, port: int, pem: Path) -> list[str]:
    return ["haproxy", "-db", "-f", str(write_config("haproxy-log.cfg", directory, port=port, pem=pem))]


def stunnel_argv(directory: Path, port: int, pem: Path) -> list[str]:
    return ["stunnel4", str(write_config("stunnel.conf", directory, port=port, pem=pem))]


def hitch_argv(directory: Path, port: int, pem: Path) -> list[str]:
    return ["hitch", "--config", str(write_config("hitch.conf", directory, port=port, pem=pem))]
