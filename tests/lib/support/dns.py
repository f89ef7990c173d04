"""A DNS client small enough to read: one A query over UDP, its response code and addresses (RFC 1035, section 4)."""

from __future__ import annotations

import dataclasses
import random
import socket
import struct

NOERROR, NXDOMAIN, REFUSED = 0, 3, 5
_A, _IN = 1, 1


@dataclasses.dataclass(frozen=True)
class Answer:
    rcode: int
    addresses: list[str]


def _skip_name(message: bytes, offset: int) -> int:
    """The offset after the (possibly compressed) name at `offset`."""
    while (length := message[offset]) != 0:
        if length >= 0xC0:  # a pointer ends the name
            return offset + 2
        offset += 1 + length
    return offset + 1


def query_a(server: str, name: str, port: int = 53, timeout: float = 2.0) -> Answer:
    """Asks `server` for the A records of `name` once (recursion desired, as a pod's resolver asks)."""
    ident = random.randrange(1 << 16)
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"
    request = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", _A, _IN)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(request, (server, port))
        while True:
            message, _ = sock.recvfrom(4096)
            if struct.unpack("!H", message[:2])[0] == ident:
                break
    flags, questions, answers = struct.unpack("!HHH", message[2:8])
    offset = 12
    for _ in range(questions):
        offset = _skip_name(message, offset) + 4
    addresses = []
    for _ in range(answers):
        offset = _skip_name(message, offset)
        kind, _class, _ttl, length = struct.unpack("!HHIH", message[offset : offset + 10])
        offset += 10
        if kind == _A:
            addresses.append(socket.inet_ntoa(message[offset : offset + length]))
        offset += length
    return Answer(rcode=flags & 0xF, addresses=sorted(addresses))
