"""The Vault agent stand-in (agent.go), built with Debian's Go."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ...prerequisites import require_program

SOURCE = Path(__file__).parent / "agent.go"

PROD_KV = {
    "secret/data/search/prod/s3-snapshots": {"access_key": "AKIAEXAMPLE", "secret_key": "wJal/rXU+tnF=EXAMPLE"},
    "secret/data/search/prod/elastic": {"password": "correct horse battery staple"},
}
"""What the "Vault server" holds for the prod stack's paths (a KV v2 fixture)."""


def build_agent(directory: Path) -> Path:
    """Compile agent.go into `directory`; the binary's path."""
    go = require_program("go", "golang-go")
    binary = directory / "vault"
    # Go's own build cache, shared by every worker and run: a cache of its own compiled the standard library's
    # packages again in each worker (20 CPU-seconds apiece).
    env = {**os.environ, "GOPATH": str(directory / "path"), "GO111MODULE": "off"}
    # A static binary: it runs in a container root that need not hold the host's libc.
    env["CGO_ENABLED"] = "0"
    subprocess.run([go, "build", "-o", str(binary), str(SOURCE)], check=True, env=env, capture_output=True)
    return binary
