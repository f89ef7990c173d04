"""A stand-in HTTP application for proxy tests: answers JSON on 127.0.0.1 and logs every request line.

python -m tests.support.http_backend --port 9201 --log requests.log
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BODY = json.dumps({"status": "green", "number_of_nodes": 1, "cluster_name": "stand-in"}).encode()


def serve(host: str, port: int, log: Path) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the ambassador's upstream pool expects

        def do_GET(self) -> None:
            with log.open("a") as out:
                out.write(f"{self.command} {self.path} {self.headers.get('X-Forwarded-Proto', '-')}\n")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

        def log_message(self, format: str, *args: object) -> None:
            pass

    ThreadingHTTPServer((host, port), Handler).serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    options = parser.parse_args()
    serve(options.host, options.port, options.log)
