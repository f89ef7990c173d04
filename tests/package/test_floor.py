"""The lowest Pulumi SDKs pyproject.toml declares are the ones scripts/test-floor runs the tests on."""

from __future__ import annotations

import re
import tomllib

from ..conftest import PROJECT_DIR


def test_the_floor_tested_is_the_floor_declared() -> None:
    declared = {}
    for requirement in tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["dependencies"]:
        name, lowest = re.fullmatch(r"([A-Za-z0-9-]+)>=([0-9.]+),<[0-9]+", requirement).groups()  # type: ignore[union-attr]
        declared[name] = lowest
    pinned = dict(
        line.split("==")
        for line in (PROJECT_DIR / "scripts" / "floor-requirements.txt").read_text().splitlines()
        if "==" in line
    )
    assert set(pinned) == {"pulumi", "pulumi-kubernetes", "pulumi-tls"}
    for name, version in pinned.items():
        assert re.fullmatch(re.escape(declared[name]) + r"(\.0)*", version), f"{name}: {version} vs >={declared[name]}"
