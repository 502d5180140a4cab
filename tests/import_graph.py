"""The package's import graph, read from the source: every import a module can make.

Static, so it covers code paths no test runs: `import` and `from … import` statements
anywhere (inside functions too), relative imports, and the strings given to
`importlib.import_module(...)` or `__import__(...)`, which a plain import scan misses.
"""

from __future__ import annotations

import ast
from pathlib import Path


def module_name(package_dir: Path, path: Path) -> str:
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _string_imports(node: ast.Call) -> list[str]:
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if called not in ("import_module", "__import__") or not node.args:
        return []
    first = node.args[0]
    return [first.value] if isinstance(first, ast.Constant) and isinstance(first.value, str) else []


def _base(module: str, is_package: bool, level: int) -> str:
    parts = module.split(".")
    keep = len(parts) - level + (1 if is_package else 0)
    return ".".join(parts[:keep])


def imported_names(path: Path, module: str) -> list[str]:
    """Every module name `path` may import, absolute, including `from X import submodule`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[str] = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, is_package, node.level) if node.level else ""
            target = ".".join(p for p in (base, node.module or "") if p)
            found += [f"{target}.{alias.name}" if alias.name != "*" else target for alias in node.names]
        elif isinstance(node, ast.Call):
            found += _string_imports(node)
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node except those under `if TYPE_CHECKING:`, which never runs."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            pending += node.orelse
            continue
        pending += ast.iter_child_nodes(node)


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """module -> the package's own modules it imports.

    `from a import b` points at `a.b` when that is a module, else at `a`. A module's own
    parent packages are not arrows: Python has loaded them before the module itself.
    """
    files = {module_name(package_dir, p): p for p in sorted(package_dir.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = set()
        for name in imported_names(path, module):
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and not (module == name or module.startswith(name + ".")):
                targets.add(name)
        graph[module] = targets
    return graph


def external_imports(package_dir: Path) -> dict[str, set[str]]:
    """module -> every name it imports that is not one of the package's modules (e.g. PyQt5.QtCore)."""
    files = {module_name(package_dir, p): p for p in sorted(package_dir.rglob("*.py"))}
    return {m: {n for n in imported_names(p, m) if n.split(".")[0] != package_dir.name} for m, p in files.items()}
