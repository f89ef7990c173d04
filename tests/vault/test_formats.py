"""The three file formats, written by HashiCorp Vault's own agent (consul-template) from a real KV version 2 secret
(the agent on the host: tests/vault/host_agent.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..lib.kube import Kube, unique_suffix
from ..lib.vault_server import VaultServer
from .host_agent import run_on_host
from .server import tenant

SECRET = {"user": "app", "pass": 'p"w\n'}


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ({"keys": ["user", "pass"], "format": "json"}, '{"user":"app","pass":"p\\"w\\n"}\n'),
        ({"format": "json"}, '{"pass":"p\\"w\\n","user":"app"}\n'),
        ({"format": "env"}, 'pass=p"w\n\nuser=app\n'),
        ({"keys": ["user"], "format": "env"}, "user=app\n"),
        ({"keys": ["user"], "format": "value"}, "app"),
    ],
    ids=["json-keys", "json-all", "env-all", "env-keys", "value"],
)
def test_formats(file: dict[str, Any], expected: str, vault_server: VaultServer, kube: Kube, tmp_path: Path) -> None:
    path = f"formats/app{unique_suffix()}"
    with tenant(vault_server, kube, "staging", extra_files=[{"name": "f", "path": path, **file}]) as created:
        vault_server.kv_put(path, SECRET)
        done = run_on_host(created, tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    assert (tmp_path / "secrets" / "f").read_text() == expected
