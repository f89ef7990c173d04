"""Every program the tests and the benchmark start, and every file nginx loads, comes from a Debian package that
their install step installs (scripts/debian-packages.txt; bench/debian-packages.txt for the benchmark).

What they start is read from the code, not kept beside it:
- `require_program(name, package)` calls (the package named there must be the one that ships the program);
- command lines: a list or tuple display whose first string (after leading `*prefix` elements) is a program name
  or an absolute path, and that either holds an option (a string starting with "-"), a `*args` element, or is
  returned from, or assigned to, a name about argv or a command;
- `load_module` paths of the ambassador's nginx.conf in every TLS mode, as the behaviour tests and the benchmark
  run it on Debian's nginx, and of the benchmark's peer configurations.
Which package ships a program or file is asked of dpkg on this machine, so the lists' packages must be installed
(scripts/test does, as root; without them this skips, and fails under CI). Essential packages need no line.
Unit tests start no program and are not read.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from podpatterns.settings.engine import rule_of
from podpatterns.tls.settings import TlsSettings

from ..behaviour.conftest import unavailable
from ..conftest import PROJECT_DIR
from ..support.nginx import for_debian_nginx
from ..support.variants import render_variant

TEST_LIST = PROJECT_DIR / "scripts" / "debian-packages.txt"
BENCH_LIST = PROJECT_DIR / "bench" / "debian-packages.txt"
SOURCES = {  # the code that starts programs -> the lists its install step installs
    "tests": (TEST_LIST,),
    "bench": (TEST_LIST, BENCH_LIST),
}
DEBIAN_DIRECTORIES = ("/usr/bin", "/usr/sbin", "/bin", "/sbin")
PROGRAM_NAME = re.compile(r"[a-z][a-z0-9+_-]*|/[\w./+-]+")
COMMAND_NAME = re.compile(r"argv|command|cmd", re.IGNORECASE)


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
    """The packages that ship each path (also asked as its /usr-merged twin); empty when none does. One dpkg call."""
    # With /usr merged, dpkg knows a file by the path its package gives: /bin/sh, but /usr/bin/env.
    twins = {path: {path, path.removeprefix("/usr"), "/usr" + path.removeprefix("/usr")} for path in paths}
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


def program_path(name: str) -> str:
    """Where Debian puts the program `name` (absolute names as they are); the first directory holding it."""
    if name.startswith("/"):
        return name
    return next((f"{d}/{name}" for d in DEBIAN_DIRECTORIES if Path(d, name).exists()), f"/usr/bin/{name}")


@dataclasses.dataclass(frozen=True)
class Need:
    """A program or file that code at `where` starts or loads; `declared`: the package the code names for it."""

    path: str
    where: str
    declared: str | None = None


def _first_program(display: ast.List | ast.Tuple) -> tuple[str, list[ast.expr]] | None:
    elements = list(display.elts)
    while elements and isinstance(elements[0], ast.Starred):
        elements.pop(0)
    first = elements[0] if elements else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and PROGRAM_NAME.fullmatch(first.value):
        return first.value, elements[1:]
    return None


def _looks_like_options(rest: list[ast.expr]) -> bool:
    for element in rest:
        if isinstance(element, ast.Starred):
            return True
        text = element.values[0] if isinstance(element, ast.JoinedStr) and element.values else element
        if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value.startswith("-"):
            return True
    return False


def _named_as_command(tree: ast.AST) -> set[int]:
    """ids of the displays returned from, or assigned to, a name about argv or a command."""
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and COMMAND_NAME.search(node.name):
            named |= {id(r.value) for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None}
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(COMMAND_NAME.search(name) for name in names):
                named.add(id(node.value))
    return named


def _require_program_calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "require_program"]


def _required_in_loop(loop: ast.For) -> Iterator[tuple[ast.Call, str, str]]:
    """(call, program, package) of `for name, package in (("x", "pkg"), ...): require_program(name, package)`."""
    if not isinstance(loop.target, ast.Tuple) or not isinstance(loop.iter, ast.List | ast.Tuple):
        return
    names = [target.id for target in loop.target.elts if isinstance(target, ast.Name)]
    rows = [
        {
            name: str(element.value)
            for name, element in zip(names, row.elts, strict=True)
            if isinstance(element, ast.Constant)
        }
        for row in loop.iter.elts
        if isinstance(row, ast.Tuple | ast.List)
    ]
    for call in _require_program_calls(loop):
        arguments = [a.id for a in call.args if isinstance(a, ast.Name)]
        if len(arguments) == 2 and set(arguments) <= set(names):
            for row in rows:
                yield call, row[arguments[0]], row[arguments[1]]


def needs_in(source: Path) -> Iterator[Need]:
    """The programs the module `source` starts (see the module's docstring)."""
    tree = ast.parse(source.read_text())
    named = _named_as_command(tree)
    from_loops = [found for loop in ast.walk(tree) if isinstance(loop, ast.For) for found in _required_in_loop(loop)]
    for call, program, package in from_loops:
        yield Need(program_path(program), f"{source.relative_to(PROJECT_DIR)}:{call.lineno}", package)
    read = {id(call) for call, _, _ in from_loops}
    for call in _require_program_calls(tree):
        if id(call) not in read:
            where = f"{source.relative_to(PROJECT_DIR)}:{call.lineno}"
            arguments = [str(a.value) for a in call.args if isinstance(a, ast.Constant)]
            assert len(arguments) == 2, f"{where}: require_program's arguments are neither constants nor loop rows"
            yield Need(program_path(arguments[0]), where, arguments[1])
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple) and (found := _first_program(node)):
            program, rest = found
            if id(node) in named or _looks_like_options(rest):
                yield Need(program_path(program), f"{source.relative_to(PROJECT_DIR)}:{node.lineno}")


def loaded_by_nginx() -> Iterator[Need]:
    """The `load_module` files of the ambassador's nginx.conf in every mode and of the benchmark's nginx peers."""
    (mode,) = [f for f in dataclasses.fields(TlsSettings) if f.name == "mode"]
    configs = {}
    for choice in rule_of(mode).choices:
        recording = render_variant("dev", tls={"enabled": True, "mode": choice})
        for registration in recording.registrations:
            conf = registration.inputs.get("data", {}).get("nginx.conf") if "ConfigMap" in registration.type else None
            if conf:
                configs[f"the ambassador's nginx.conf, mode {choice}"] = for_debian_nginx(conf)
    for path in sorted((PROJECT_DIR / "bench" / "configs").glob("*.conf")):
        configs[str(path.relative_to(PROJECT_DIR))] = path.read_text()
    assert any("stream" in name for name in configs), "no ambassador configuration in mode stream was rendered"
    for where, conf in configs.items():
        for path in re.findall(r"^\s*load_module\s+([^\s;]+);", conf, re.MULTILINE):
            yield Need(path, where)


def all_needs() -> dict[str, list[Need]]:
    """What the code of each source tree starts or loads."""
    needs: dict[str, list[Need]] = {
        tree: [need for source in sorted((PROJECT_DIR / tree).rglob("*.py")) for need in needs_in(source)]
        for tree in SOURCES
    }
    needs["tests"] = [n for n in needs["tests"] if not n.where.startswith("tests/unit/")]
    needs["tests"] += list(loaded_by_nginx())
    return needs


@pytest.fixture(scope="module")
def needs() -> dict[str, list[Need]]:
    return all_needs()


@pytest.fixture(scope="module")
def lists_installed() -> dict[str, set[str]]:
    """Each source tree's listed packages, once every one of them is installed."""
    packages = {tree: set().union(*map(packages_of, lists)) for tree, lists in SOURCES.items()}
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
