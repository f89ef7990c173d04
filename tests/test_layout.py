"""The tests tree says what it holds: what tests share lives in tests/lib, which holds no test, and no test module
imports another (a shared case, fixture or helper moves to tests/lib instead), so that running one folder never
runs, or depends on, another folder's tests."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import LONGEST_FILES, PROJECT_DIR

TESTS = PROJECT_DIR / "tests"
SHARED = TESTS / "lib"


def _test_module_in(name: str) -> str | None:
    """The test module a dotted name is or lies in (tests.unit.test_b.CASES -> tests.unit.test_b), or None."""
    parts = name.split(".")
    for index, part in enumerate(parts):
        if part.startswith("test_"):
            return ".".join(parts[: index + 1])
    return None


def _imported_names(path: Path, root: Path) -> list[str]:
    """The dotted names the file `path` imports (modules, and the names imported from them), relative imports
    resolved against its package under `root`."""
    package = list(path.relative_to(root).parent.parts)
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def imports_of_test_modules(root: Path) -> list[str]:
    """`file imports module` for each test module imported by a Python file under `root` (the folder of a package
    named after it: tests, bench)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "node_modules" in path.parts:
            continue
        imported = {_test_module_in(name) for name in _imported_names(path, root.parent)}
        found += [f"{path.relative_to(root.parent)} imports {module}" for module in sorted(imported - {None})]
    return found


def imports_across_folders(root: Path) -> list[str]:
    """`file imports module` for each module of another test folder that a file of a test folder under `root`
    imports: what two folders share lives in root/lib (root/conftest.py: the shared fixtures)."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in ("lib", "__pycache__")):
        allowed = tuple(f"{root.name}.{name}" for name in ("lib", "conftest", folder.name))
        for path in sorted(folder.rglob("*.py")):
            imported = {".".join(name.split(".")[:2]) for name in _imported_names(path, root.parent)}
            found += [
                f"{path.relative_to(root.parent)} imports {module}"
                for module in sorted(imported)
                if module.startswith(f"{root.name}.") and module not in allowed
            ]
    return found


def files_named_test_in(root: Path) -> list[str]:
    """The test modules under `root`."""
    return sorted(
        str(path.relative_to(root.parent)) for path in root.rglob("test_*.py") if "node_modules" not in path.parts
    )


def test_no_module_imports_a_test_module() -> None:
    assert imports_of_test_modules(TESTS) + imports_of_test_modules(PROJECT_DIR / "bench") == []


def test_folders_share_only_through_the_shared_folder() -> None:
    assert imports_across_folders(TESTS) == []


def test_the_shared_folder_holds_no_test() -> None:
    assert SHARED.is_dir()
    assert files_named_test_in(SHARED) == []


def test_the_checks_catch_what_they_forbid(tmp_path: Path) -> None:
    root = tmp_path / "tests"
    (root / "lib" / "cases").mkdir(parents=True)
    (root / "unit").mkdir()
    (root / "lib" / "cases" / "test_stray.py").write_text("")
    (root / "unit" / "test_a.py").write_text("from .test_b import CASES\nfrom ..lib.cases import shared\n")
    (root / "unit" / "test_c.py").write_text("from . import test_b\nimport tests.unit.test_b\n")
    (root / "unit" / "helper.py").write_text("from ..lib.cases.shared import CASES\nfrom ..conftest import STACKS\n")
    (root / "engine").mkdir()
    (root / "engine" / "test_d.py").write_text("from ..unit.helper import CASES\nfrom .cli import Engine\n")
    assert imports_of_test_modules(root) == [
        "tests/unit/test_a.py imports tests.unit.test_b",
        "tests/unit/test_c.py imports tests.unit.test_b",
    ]
    assert files_named_test_in(root / "lib") == ["lib/cases/test_stray.py"]
    assert imports_across_folders(root) == ["tests/engine/test_d.py imports tests.unit"]


def test_the_longest_files_are_collected_first_in_the_order_named() -> None:
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    files = list(dict.fromkeys(line.split("::")[0] for line in collected if "::" in line))
    assert files[: len(LONGEST_FILES)] == [f"tests/{name}" for name in LONGEST_FILES]
