"""What the TLS primitives cost on this machine (`openssl speed` on the server CPU): why the ambassador's keys
are ECDSA P-256 and X25519 comes first, and why the client's side of an ECDSA handshake costs more."""

from __future__ import annotations

import re
import subprocess

from .processes import SERVER_CPU, pinned

_RATES = {
    "RSA-2048 sign (server, RSA key)": (r"^rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)", "rsa2048"),
    "ECDSA P-256 sign (server, default key)": (r"^\s*256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)", "ecdsap256"),
    "ECDSA P-256 verify (client)": (r"^\s*256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+[\d.]+\s+([\d.]+)", "ecdsap256"),
    "ECDH P-256 (key exchange)": (r"^\s*256 bits ecdh \(nistp256\)\s+\S+\s+([\d.]+)", "ecdhp256"),
    "ECDH X25519 (key exchange, offered first)": (r"^\s*253 bits ecdh \(X25519\)\s+\S+\s+([\d.]+)", "ecdhx25519"),
}


def primitives_report(seconds: int) -> str:
    algorithms = sorted({algorithm for _, algorithm in _RATES.values()})
    argv = pinned(SERVER_CPU, ["openssl", "speed", "-seconds", str(seconds), *algorithms])
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    lines = ["| TLS primitive (`openssl speed`, one core) | µs per operation |", "|---|---|"]
    for label, (pattern, _) in _RATES.items():
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise RuntimeError(f"openssl speed printed no rate for {label}:\n{output}")
        lines.append(f"| {label} | {1e6 / float(match.group(1)):.0f} |")
    return "\n".join(lines)
