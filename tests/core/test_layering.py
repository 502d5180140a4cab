"""The layers of docs/architecture.md, checked on the whole import graph.

Static, over every import a module can make (inside functions too, and the strings given
to `importlib.import_module`/`__import__`, which an import-statement scan and
import-linter both miss), so it holds for code paths the other tests never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.import_graph import external_imports, import_graph, imported_names, module_name

PACKAGE = Path(__file__).resolve().parents[2] / "tit_app"
GRAPH = import_graph(PACKAGE)
EXTERNAL = external_imports(PACKAGE)
FORBIDDEN = {
    "tit_app.telemetry": ("PyQt5", "tit_app.ui", "tit_app.ops", "tit_app.operations", "tit_app.commands"),
    "tit_app.ops": ("PyQt5", "tit_app.ui", "tit_app.telemetry", "tit_app.commands"),
    "tit_app.operations": ("PyQt5", "tit_app.ui", "tit_app.telemetry", "tit_app.commands"),
    "tit_app.commands": ("PyQt5", "tit_app.ui"),
    "tit_app.ui": ("tit_app.commands",),
}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layer_offenders(layer: str) -> list[str]:
    return [
        f"{module} imports {target}"
        for module in sorted(GRAPH) if _in(module, layer)
        for target in sorted(GRAPH[module] | EXTERNAL[module])
        if any(_in(target, bad) for bad in FORBIDDEN[layer])
    ]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_forbidden(layer):
    assert any(_in(m, layer) for m in GRAPH), f"no sources found for {layer}"
    assert _layer_offenders(layer) == []


def test_string_imports_are_seen(tmp_path):
    """The check itself: an import through a string counts like an import statement."""
    source = tmp_path / "tit_app" / "telemetry" / "sneaky.py"
    source.parent.mkdir(parents=True)
    source.write_text('import importlib\n\ndef f():\n    return importlib.import_module("tit_app.ui.consent_dialog")\n'
                      'g = __import__("PyQt5.QtCore")\n')
    names = imported_names(source, module_name(tmp_path / "tit_app", source))
    assert "tit_app.ui.consent_dialog" in names and "PyQt5.QtCore" in names


def _cycle_through(start: str) -> list[str] | None:
    """A path start -> ... -> start in the graph, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in GRAPH.get(node, ()):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_no_import_cycle():
    cycles = [" -> ".join(found) for module in sorted(GRAPH) if (found := _cycle_through(module))]
    assert cycles == []


def _engine_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "engine"]


def test_only_telemetry_calls_engine():
    """Outside the telemetry package the public functions of `tit_app.telemetry` are the only way in."""
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{line}"
                 for path in sorted(PACKAGE.rglob("*.py")) if not _in(module_name(PACKAGE, path), "tit_app.telemetry")
                 for line in _engine_calls(path)]
    assert offenders == []


def test_ui_and_commands_use_only_the_public_telemetry_package():
    """They import `tit_app.telemetry` itself (its public names) and its test kit, never its other modules."""
    public = {"tit_app.telemetry", "tit_app.telemetry.testing"}  # the kit renders `--screenshot` in a throwaway home
    offenders = [f"{module} imports {target}"
                 for module in sorted(GRAPH) if _in(module, "tit_app.ui") or _in(module, "tit_app.commands")
                 for target in sorted(GRAPH[module]) if _in(target, "tit_app.telemetry") and target not in public]
    assert offenders == []


def test_each_destination_kind_lives_in_one_module():
    """Only a kind's own module (and the registry that lists it) imports it."""
    kinds = ("ga4", "otlp", "sentry", "jsonapi")
    base = "tit_app.telemetry.destinations."
    for kind in kinds:
        users = sorted(m for m, targets in GRAPH.items() if base + kind in targets)
        allowed = {base + "registry", base + "console", "tit_app.telemetry.notice", "tit_app.telemetry.api"}
        assert set(users) <= allowed, f"{kind} is used from {users}"
