"""The layering rule: loaders → kg ← server; kg imports neither; cli wires them together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "kg": {"loaders", "server", "cli", "flask", "werkzeug", "gunicorn", "rdflib", "owlready2"},
    "loaders": {"server", "cli", "flask", "werkzeug", "gunicorn", "owlready2"},
    "server": {"loaders", "cli", "owlready2"},
}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names imported anywhere in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_imported_roots_sees_all_import_forms(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("import a.b\nfrom c.d import e\ndef f():\n    import g\n")
    assert imported_roots(sample) == {"a", "c", "g"}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layering(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"package {package} has no modules"
    violations = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in files
        for name in sorted(imported_roots(path) & FORBIDDEN[package])
    ]
    assert violations == []
