"""What the tests and the benchmark start and load, read from their code (see tests/scripts/test_debian_packages.py):

- `require_program(name, package)` calls, with the package named there;
- command lines: a list or tuple display whose first string (after leading `*prefix` elements) is a program name
  or an absolute path, and that either holds an option (a string starting with "-"), a `*args` element, or is
  returned from, or assigned to, a name about argv or a command; unless its line says NOT_A_COMMAND_LINE (the
  arguments of a subcommand or of a stand-in run in-process, such as `("up", "--yes")`);
- `load_module` paths of the ambassador's nginx.conf in every TLS mode, as the behaviour tests and the benchmark
  run it on Debian's nginx, and of the benchmark's peer configurations.
Unit tests start no program and are not read.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

from podpatterns.settings.engine import rule_of
from podpatterns.tls.settings import TlsSettings

from .nginx import for_debian_nginx
from .variants import PROJECT_DIR, render_variant

TREES = ("tests", "bench")
"""The source trees whose code starts programs."""
DEBIAN_DIRECTORIES = ("/usr/bin", "/usr/sbin", "/bin", "/sbin")
PROGRAM_NAME = re.compile(r"[a-z][a-z0-9+_-]*|/[\w./+-]+")
COMMAND_NAME = re.compile(r"argv|command|cmd", re.IGNORECASE)
NOT_A_COMMAND_LINE = "# arguments, not a command line"


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
    text = source.read_text()
    tree, lines = ast.parse(text), text.splitlines()
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
            if NOT_A_COMMAND_LINE in lines[node.lineno - 1]:
                continue
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
        for tree in TREES
    }
    needs["tests"] = [n for n in needs["tests"] if not n.where.startswith("tests/unit/")]
    needs["tests"] += list(loaded_by_nginx())
    return needs
