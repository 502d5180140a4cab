"""DESIGN §1: telemetry and ops never import PyQt5 or the UI, nor each other's internals.

A static check over every import statement (including those inside functions), so it
holds for code paths the other tests never run. CI also runs import-linter.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tit_app"
FORBIDDEN = {
    "telemetry": ("PyQt5", "tit_app.ui", "tit_app.ops"),
    "ops": ("PyQt5", "tit_app.ui", "tit_app.telemetry"),
}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_forbidden(layer):
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no sources found for {layer}"
    offenders = [
        f"{path.relative_to(PACKAGE.parent)} imports {module}"
        for path in files
        for module in imported_modules(path)
        if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN[layer])
    ]
    assert offenders == []
