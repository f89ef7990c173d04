"""The plugin entry point as the Pulumi language host starts it: `python __main__.py <engine>` in components/.

It must print the port it serves on and answer GetSchema with the committed schema: what
`pulumi package add` gets from the plugin.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import grpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

COMPONENTS = Path(__file__).resolve().parents[2] / "components"


def test_the_host_serves_the_committed_schema() -> None:
    # The engine address is only dialled for logging; nothing listens on port 9 (discard).
    host = subprocess.Popen(
        [sys.executable, "__main__.py", "127.0.0.1:9"],
        cwd=COMPONENTS,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert host.stdout is not None
        port = int(host.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            response = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    finally:
        host.terminate()
        host.wait(timeout=30)
    assert json.loads(response.schema) == json.loads((COMPONENTS / "schema.json").read_text())
