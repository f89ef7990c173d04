"""Behaviour tests run the real programs (Debian packages). Without them they skip, except under CI."""

from __future__ import annotations

import os
import shutil

import pytest

UNDER_CI = os.environ.get("CI") == "true"


def require_program(name: str, package: str) -> str:
    """The path of `name`; skips on a developer machine without it, fails under CI=true."""
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} not found: install the Debian package {package} (scripts/test does, as root)"
    if UNDER_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def require_root(why: str) -> None:
    if os.geteuid() == 0:
        return
    reason = f"needs root: {why}"
    if UNDER_CI:
        pytest.fail(reason)
    pytest.skip(reason)
