"""Layers only look down (components/podpatterns/layers.py): every module's imports, parsed, none running up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from podpatterns.layers import LAYERS, Layer

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "components" / "podpatterns"


def module_name(path: Path, package_dir: Path) -> str:
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, package_dir: Path) -> set[str]:
    """Every module `path` imports (TYPE_CHECKING blocks and function bodies included), absolute."""
    name = module_name(path, package_dir)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            # `from . import checks` imports a submodule: name it, so that its own layer is judged.
            found.update(_submodule(f"{module}.{alias.name}", package_dir) or module for alias in node.names)
    return found


def _submodule(name: str, package_dir: Path) -> str | None:
    """`name` when it is a module or package under `package_dir`, else None (a name defined in a module)."""
    path = package_dir.parent.joinpath(*name.split("."))
    return name if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file() else None


def member_of(module: str, root: str, layers: tuple[Layer, ...]) -> tuple[int, str] | None:
    """The layer index and member (top-level name under `root`) of `module`; None outside `root`."""
    if module != root and not module.startswith(root + "."):
        return None
    top = module[len(root) + 1 :].split(".", maxsplit=1)[0] if module != root else ""
    for index, layer in enumerate(layers):
        if top in layer.members:
            return index, top
    return len(layers), top  # belongs to no layer


def violations(package_dir: Path, layers: tuple[Layer, ...] = LAYERS) -> list[str]:
    """Every import that runs up a layer or across an independent one, and every module outside the layers."""
    root, problems = package_dir.name, []
    for path in sorted(package_dir.rglob("*.py")):
        importer = module_name(path, package_dir)
        own = member_of(importer, root, layers)
        assert own is not None
        if own[0] == len(layers):
            problems.append(f"{importer} belongs to no layer: add {own[1]!r} to one in layers.py")
            continue
        for imported in sorted(imported_modules(path, package_dir)):
            theirs = member_of(imported, root, layers)
            if theirs is None or theirs[0] == len(layers):
                continue  # another library, or a name (not a module) imported from the package root
            if theirs[0] > own[0]:
                problems.append(
                    f"{importer} ({layers[own[0]].name}) imports {imported} ({layers[theirs[0]].name}): "
                    "a lower layer must not import a higher one"
                )
            elif theirs[0] == own[0] and layers[own[0]].independent and theirs[1] != own[1]:
                problems.append(f"{importer} imports {imported}: the {layers[own[0]].name} must not import each other")
    return problems


def test_no_import_runs_up_a_layer() -> None:
    assert violations(PACKAGE_DIR) == []


def test_every_layer_member_exists() -> None:
    names = {path.stem for path in PACKAGE_DIR.glob("*.py")} | {
        path.parent.name for path in PACKAGE_DIR.glob("*/__init__.py")
    }
    missing = [member for layer in LAYERS for member in layer.members if member and member not in names]
    assert missing == []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A package with the layers' shape, for the checker's own tests."""
    package = tmp_path / "podpatterns"
    for module in ("pod/__init__.py", "pod/builder.py", "tls/__init__.py", "tls/contribution.py", "vault/__init__.py"):
        (package / module).parent.mkdir(parents=True, exist_ok=True)
        (package / module).write_text("")
    (package / "__init__.py").write_text("from .pod.builder import *\n")
    return package


def test_an_upward_import_is_named_with_both_modules(tree: Path) -> None:
    (tree / "pod" / "builder.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..tls.contribution import CONTAINER\n"
    )
    assert violations(tree) == [
        "podpatterns.pod.builder (pod model) imports podpatterns.tls.contribution (patterns): "
        "a lower layer must not import a higher one"
    ]


def test_patterns_must_not_import_each_other(tree: Path) -> None:
    (tree / "vault" / "__init__.py").write_text("import podpatterns.tls.contribution\n")
    assert violations(tree) == [
        "podpatterns.vault imports podpatterns.tls.contribution: the patterns must not import each other"
    ]


def test_a_module_outside_every_layer_is_named(tree: Path) -> None:
    (tree / "helpers.py").write_text("")
    assert violations(tree) == ["podpatterns.helpers belongs to no layer: add 'helpers' to one in layers.py"]


def test_imports_downwards_and_within_a_layer_pass(tree: Path) -> None:
    (tree / "tls" / "contribution.py").write_text("from ..pod import builder\nfrom . import __name__ as n\n")
    assert violations(tree) == []
