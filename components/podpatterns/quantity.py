"""Kubernetes resource quantities ("500m", "2Gi") parsed into numbers we can compare."""

from __future__ import annotations

import re
from decimal import Decimal

_QUANTITY = re.compile(r"^(?P<number>\d+(\.\d+)?)(?P<suffix>[a-zA-Z]*)$")

_MEMORY_SUFFIXES = {
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}
_CPU_SUFFIXES = {"": Decimal(1), "m": Decimal("0.001")}

MEMORY_FORMAT = "a byte quantity such as 512Mi, 2Gi or 1G"
CPU_FORMAT = "a CPU quantity such as 250m, 1 or 1.5"


def parse_memory(text: str) -> int:
    """Bytes in a memory quantity; raises ValueError naming MEMORY_FORMAT."""
    match = _QUANTITY.match(text)
    if not match or match["suffix"] not in _MEMORY_SUFFIXES:
        raise ValueError(f"expected {MEMORY_FORMAT}")
    return int(Decimal(match["number"]) * _MEMORY_SUFFIXES[match["suffix"]])


def parse_cpu(text: str) -> Decimal:
    """Cores in a CPU quantity; raises ValueError naming CPU_FORMAT."""
    match = _QUANTITY.match(text)
    if not match or match["suffix"] not in _CPU_SUFFIXES:
        raise ValueError(f"expected {CPU_FORMAT}")
    return Decimal(match["number"]) * _CPU_SUFFIXES[match["suffix"]]


def java_heap(size_bytes: int) -> str:
    """A JVM -Xmx/-Xms value: whole megabytes, which every JVM accepts."""
    return f"{size_bytes // 2**20}m"
