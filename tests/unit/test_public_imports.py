"""The imports users write keep working wherever the code moves: `podpatterns.__all__`, and every
`from podpatterns... import ...` the README, docs/ and examples/ show."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import podpatterns
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
_IMPORT = re.compile(r"^from podpatterns[\w.]* import (?:\([^)]*\)|.*)$", re.MULTILINE)


def documented_imports() -> list[tuple[str, str, str]]:
    """(file, module, name) for every import of podpatterns in the README, docs/*.md and examples/."""
    files = [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").rglob("*.md"))]
    files += sorted((PROJECT_DIR / "examples").rglob("*.py"))
    found = []
    for path in files:
        for statement in _IMPORT.findall(path.read_text()):
            node = ast.parse(statement).body[0]
            assert isinstance(node, ast.ImportFrom)
            assert node.module
            found += [(str(path.relative_to(PROJECT_DIR)), node.module, alias.name) for alias in node.names]
    return found


def test_the_documents_show_imports() -> None:
    modules = {module for _, module, _ in documented_imports()}
    assert {"podpatterns", "podpatterns.kube", "podpatterns.render"} <= modules


@pytest.mark.parametrize(("where", "module", "name"), documented_imports())
def test_a_documented_import_works(where: str, module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name), f"{where}: from {module} import {name} fails"


@pytest.mark.parametrize("name", podpatterns.__all__)
def test_every_public_name_imports_from_the_package(name: str) -> None:
    exec(f"from podpatterns import {name}", {})
