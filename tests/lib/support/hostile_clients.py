"""Hostile clients at the TLS ambassador, beside well-behaved ones: run as a script in the cluster's network.

    python hostile_clients.py HOST IP PORT CA_FILE IDLE SLOW SECONDS

Holds IDLE keep-alive TLS connections open (each answered once, then idle), and SLOW slowloris connections that
send a header byte a second and never end it; sends, once each, a 16 KiB header, a 16 KiB request line, a body
announced above the ambassador's client_max_body_size, garbage in a TLS record instead of a hello and plain HTTP;
meanwhile a well-behaved client makes a new TLS connection and one request every 100 ms for SECONDS. Prints JSON:
{"idle_open": n (when the attack starts), "idle_closed_after": [seconds idle, for each idle connection the server
closed by the end of the probes], "probes": [seconds, ...], "probe_errors": [...], "answers": {case: what came
back}, "slow_closed_after": [seconds until the server closed each slow connection, or null]}.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import ssl
import sys
import time

IN_FLIGHT = 64
MAX_BODY = 100 * 2**20  # the rendered client_max_body_size (100m)


async def status_of(reader: asyncio.StreamReader) -> str:
    """The status line's code, or how the connection ended."""
    try:
        line = await asyncio.wait_for(reader.readline(), 30)
    except (TimeoutError, ConnectionError) as error:
        return type(error).__name__
    if line.startswith(b"HTTP/"):
        return line.split()[1].decode()
    return "TLS alert, closed" if line.startswith(b"\x15") else "closed"


class Ambassador:
    """Connections to the ambassador at IP:PORT, verified against CA_FILE for HOST."""

    def __init__(self, host: str, ip: str, port: int, ca_file: str) -> None:
        self.host, self.ip, self.port = host, ip, port
        self.context = ssl.create_default_context(cafile=ca_file)
        self.get = f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()

    async def tls(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.ip, self.port, ssl=self.context, server_hostname=self.host)

    async def once(self, request: bytes, use_tls: bool = True) -> str:
        """What the ambassador answers to one request on a connection of its own."""
        if use_tls:
            reader, writer = await self.tls()
        else:
            reader, writer = await asyncio.open_connection(self.ip, self.port)
        writer.write(request)
        await writer.drain()
        answer = await status_of(reader)
        writer.close()
        return answer

    async def idle_client(self, lock: asyncio.Semaphore) -> tuple[asyncio.StreamWriter, float] | None:
        """A connection answered once and then held, idle; with the time of its answer."""
        async with lock:
            try:
                reader, writer = await self.tls()
                writer.write(self.get)
                await writer.drain()
                return (writer, time.monotonic()) if await status_of(reader) == "200" else None
            except OSError:
                return None

    async def slowloris(self, seconds: float) -> float | None:
        """Seconds until the server closed a connection whose header never ends (None: it never did)."""
        reader, writer = await self.tls()
        started = time.monotonic()
        writer.write(f"GET / HTTP/1.1\r\nHost: {self.host}\r\nX-Slow: ".encode())
        for _ in range(int(seconds)):
            try:
                writer.write(b"a")
                await writer.drain()
                if await asyncio.wait_for(reader.read(1), 1) == b"":
                    return time.monotonic() - started
            except TimeoutError:
                continue
            except ConnectionError:
                return time.monotonic() - started
        return None

    async def probe(self, seconds: float) -> tuple[list[float], list[str]]:
        """A well-behaved client: a new connection and one request every 100 ms; its timings and failures."""
        timings: list[float] = []
        errors: list[str] = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.monotonic()
            try:
                answer = await asyncio.wait_for(self.once(self.get), 10)
            except (OSError, TimeoutError) as error:
                answer = repr(error)
            if answer == "200":
                timings.append(time.monotonic() - started)
            else:
                errors.append(answer)
            await asyncio.sleep(0.1)
        return timings, errors

    async def oddities(self) -> dict[str, str]:
        """What each malformed or oversized request gets."""
        host = self.host
        return {
            "header of 16 KiB": await self.once(
                f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {'b' * 16384}\r\n\r\n".encode()
            ),
            "request line of 16 KiB": await self.once(f"GET /{'u' * 16384} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()),
            "body above the limit": await self.once(
                f"POST /_bulk HTTP/1.1\r\nHost: {host}\r\nContent-Length: {2 * MAX_BODY}\r\n\r\n".encode()
            ),
            # A TLS handshake record's header, then garbage: nginx takes it for TLS (plain text gets a 400).
            "garbage instead of a TLS hello": await self.once(
                bytes([0x16, 3, 1, 1, 0xFC]) + os.urandom(508), use_tls=False
            ),
            "plain HTTP": await self.once(self.get, use_tls=False),
        }


async def main(ambassador: Ambassador, idle: int, slow: int, seconds: float) -> dict[str, object]:
    lock = asyncio.Semaphore(IN_FLIGHT)
    held = [w for w in await asyncio.gather(*(ambassador.idle_client(lock) for _ in range(idle))) if w]
    idle_open = sum(1 for w, _ in held if not w.is_closing())
    slow_tasks = [asyncio.ensure_future(ambassador.slowloris(seconds + 90)) for _ in range(slow)]
    probing = asyncio.ensure_future(ambassador.probe(seconds))
    answers = await ambassador.oddities()
    probes, probe_errors = await probing
    now = time.monotonic()
    idle_closed_after = [now - answered for writer, answered in held if writer.is_closing()]
    slow_closed = await asyncio.gather(*slow_tasks)
    for writer, _ in held:
        writer.close()
    return {
        "idle_open": idle_open,
        "idle_closed_after": idle_closed_after,
        "probes": probes,
        "probe_errors": probe_errors[:20],
        "answers": answers,
        "slow_closed_after": slow_closed,
    }


if __name__ == "__main__":
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host, ip, port, ca_file, idle, slow, seconds = sys.argv[1:8]
    target = Ambassador(host, ip, int(port), ca_file)
    print(json.dumps(asyncio.run(main(target, int(idle), int(slow), float(seconds)))))
