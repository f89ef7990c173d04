"""What a test needs beyond .venv, checked where it is needed: a program (Debian packages), root, a built tool. Without
it a test skips on a developer machine with the reason, and fails under CI=true, where every test must run. The
markers (pyproject.toml, set in tests/conftest.py) say the same per folder, so that `-m` can leave such tests out."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

UNDER_CI = os.environ.get("CI") == "true"
PROJECT_DIR = Path(__file__).resolve().parents[2]


def unavailable(reason: str) -> NoReturn:
    """Skips on a developer machine, fails under CI=true: CI must run every test."""
    if UNDER_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def require_program(name: str, package: str) -> str:
    """The path of `name`; skips on a developer machine without it, fails under CI=true."""
    path = shutil.which(name)
    if path:
        return path
    unavailable(f"{name} not found: install the Debian package {package} (scripts/test does, as root)")


def require_root(why: str) -> None:
    """Nothing as root; skips otherwise (fails under CI=true), saying `why` root is needed."""
    if os.geteuid() == 0:
        return
    unavailable(f"needs root: {why}")


def require_elasticsearch_home() -> Path:
    """The real Elasticsearch's home: the one scripts/test built (PODPATTERNS_ELASTICSEARCH_HOME), else built now by
    scripts/elasticsearch (Maven and a JDK; skips without them, fails under CI=true)."""
    if os.environ.get("PODPATTERNS_ELASTICSEARCH_HOME"):
        return Path(os.environ["PODPATTERNS_ELASTICSEARCH_HOME"])
    for program, package in (("mvn", "maven"), ("javac", "openjdk-17-jdk-headless")):
        require_program(program, package)
    built = subprocess.run(
        [PROJECT_DIR / "scripts" / "elasticsearch", "home"], check=False, capture_output=True, text=True
    )
    if built.returncode != 0:
        pytest.fail(f"scripts/elasticsearch home failed:\n{built.stderr[-3000:]}")
    return Path(built.stdout.strip().splitlines()[-1])
