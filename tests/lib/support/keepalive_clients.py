"""Many keep-alive TLS clients at once (a Beats or Logstash fleet): run as a script in the cluster's network.

    python keepalive_clients.py HOST IP PORT CA_FILE CLIENTS PATH

Opens CLIENTS TLS connections to IP:PORT (verified against CA_FILE for HOST) and holds every one of them
open; sends one HTTP/1.1 request on each, then, with all of them still open, a second one on each (the
server must have kept every connection alive). At most 64 handshakes or requests are in flight at a time,
as clients of a fleet do not all start in the same millisecond. Prints a JSON summary:
{"clients": N, "open_at_once": N, "answered": [first round 200s, second round 200s], "errors": [...]}.
"""

from __future__ import annotations

import asyncio
import json
import resource
import ssl
import sys

IN_FLIGHT = 64


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str, lock: asyncio.Semaphore
) -> int:
    async with lock:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        return status


async def main(host: str, ip: str, port: int, ca_file: str, *, clients: int, path: str) -> dict[str, object]:
    context = ssl.create_default_context(cafile=ca_file)
    lock = asyncio.Semaphore(IN_FLIGHT)
    errors: list[str] = []

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        async with lock:
            try:
                return await asyncio.open_connection(ip, port, ssl=context, server_hostname=host)
            except OSError as error:
                errors.append(f"connect: {error!r}")
                return None

    connections = [c for c in await asyncio.gather(*(connect() for _ in range(clients))) if c]
    answered = []
    for _ in range(2):
        results = await asyncio.gather(
            *(_request(r, w, host, path, lock) for r, w in connections), return_exceptions=True
        )
        answered.append(sum(1 for r in results if r == 200))
        errors += [repr(r) for r in results if r != 200][:10]
    open_at_once = sum(1 for _, writer in connections if not writer.is_closing())
    for _, writer in connections:
        writer.close()
    return {"clients": clients, "open_at_once": open_at_once, "answered": answered, "errors": errors[:20]}


if __name__ == "__main__":
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host, ip, port, ca_file, clients, path = sys.argv[1:7]
    print(json.dumps(asyncio.run(main(host, ip, int(port), ca_file, clients=int(clients), path=path))))
