"""Every program the tests and the benchmark start, and every file nginx loads, comes from a Debian package that
their install step installs (scripts/debian-packages.txt; bench/debian-packages.txt for the benchmark).

What they start is read from the code (tests/lib/support/started.py), not kept beside it; the package that a
`require_program` call names must be the one that ships the program. Which package ships a program or file
is asked of dpkg on this machine, so the lists' packages must be installed (scripts/test does, as root;
without them this skips, and fails under CI). Essential packages need no line.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ..conftest import PROJECT_DIR
from ..lib.prerequisites import unavailable
from ..lib.support.started import Need, all_needs

TEST_LIST = PROJECT_DIR / "scripts" / "debian-packages.txt"
BENCH_LIST = PROJECT_DIR / "bench" / "debian-packages.txt"
INSTALL_LISTS = {"tests": (TEST_LIST,), "bench": (TEST_LIST, BENCH_LIST)}
"""The lists that the install step of each source tree's code installs."""


def packages_of(install_list: Path, release: str = "") -> set[str]:
    """The packages the install step (scripts/lib/debian.sh) installs from `install_list` on `release`
    (a Debian VERSION_CODENAME; default: this machine's)."""
    script = 'source scripts/lib/debian.sh && debian_packages_for_release "$1" "$2"'
    listed = subprocess.run(
        ["bash", "-c", script, "bash", install_list, release],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    return set(listed.stdout.split())


def installed(package: str) -> bool:
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False)
    return status.stdout.endswith("install ok installed")


def essential(package: str) -> bool:
    query = subprocess.run(
        ["dpkg-query", "-W", "-f=${Essential}", package], capture_output=True, text=True, check=False
    )
    return query.stdout.strip() == "yes"


def owners(paths: set[str]) -> dict[str, set[str]]:
    """The packages that ship each path (also asked as its /usr-merged twin, and as the file an alternatives link such
    as /usr/bin/javac leads to); empty when none does. One dpkg call."""
    # With /usr merged, dpkg knows a file by the path its package gives: /bin/sh, but /usr/bin/env.
    twins = {
        path: {path, path.removeprefix("/usr"), "/usr" + path.removeprefix("/usr"), os.path.realpath(path)}
        for path in paths
    }
    search = subprocess.run(
        ["dpkg-query", "-S", *sorted(set().union(*twins.values()))], capture_output=True, text=True, check=False
    )
    shipped: dict[str, set[str]] = {}
    for line in search.stdout.splitlines():
        if not line.startswith("diversion by"):
            packages, path = line.split(": ", 1)
            # golang-go:amd64 -> golang-go
            shipped.setdefault(path, set()).update(p.strip().split(":")[0] for p in packages.split(","))
    return {path: set().union(*(shipped.get(twin, set()) for twin in twins[path])) for path in paths}


@pytest.fixture(scope="module")
def needs() -> dict[str, list[Need]]:
    return all_needs()


@pytest.fixture(scope="module")
def lists_installed() -> dict[str, set[str]]:
    """Each source tree's listed packages, once every one of them is installed."""
    packages = {tree: set().union(*map(packages_of, lists)) for tree, lists in INSTALL_LISTS.items()}
    missing = sorted(p for p in set().union(*packages.values()) if not installed(p))
    if missing:
        unavailable(
            f"Debian packages of the lists not installed: {' '.join(missing)} (scripts/test installs them as root)"
        )
    return packages


def test_the_scan_sees_what_the_harness_a_behaviour_test_the_benchmark_and_nginx_start(
    needs: dict[str, list[Need]],
) -> None:
    started = {tree: {Path(need.path).name: need for need in tree_needs} for tree, tree_needs in needs.items()}
    assert {"nsenter", "setpriv", "unshare", "ip", "curl", "git"} <= set(started["tests"])
    assert started["tests"]["promtool"].declared == "prometheus"
    assert {"haproxy", "hitch", "stunnel4", "wrk", "taskset", "openssl"} <= set(started["bench"])
    assert "ngx_stream_module.so" in started["tests"]
    assert not {"vault", "docker.io", "dev"} & set(started["tests"])  # unit-test data, image names, stack names


@pytest.mark.tools  # every listed Debian package installed
def test_every_program_and_loaded_file_has_a_package_in_its_install_list(
    needs: dict[str, list[Need]], lists_installed: dict[str, set[str]]
) -> None:
    shipped = owners({need.path for tree_needs in needs.values() for need in tree_needs})
    unlisted = []
    for tree, tree_needs in needs.items():
        for need in tree_needs:
            shipped_by = shipped[need.path]
            if not shipped_by:
                unlisted.append(f"{need.path} ({need.where}): no installed package ships it; add its package")
            elif not shipped_by & lists_installed[tree] and not any(essential(p) for p in shipped_by):
                unlisted.append(f"{need.path} ({need.where}): {' or '.join(sorted(shipped_by))} is not listed")
            elif need.declared and need.declared not in shipped_by:
                unlisted.append(f"{need.path} ({need.where}) names package {need.declared}; it is in {shipped_by}")
    assert not unlisted, "\n".join(sorted(set(unlisted)))


def test_a_list_line_may_name_the_releases_it_is_for(tmp_path: Path) -> None:
    install_list = tmp_path / "packages.txt"
    install_list.write_text("# a comment\neverywhere\n\nnpm trixie\nold-name bookworm\nboth bookworm trixie\n")
    assert packages_of(install_list, "bookworm") == {"everywhere", "old-name", "both"}
    assert packages_of(install_list, "trixie") == {"everywhere", "npm", "both"}
    assert packages_of(install_list, "forky") == {"everywhere"}
