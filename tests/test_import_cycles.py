"""No import cycles between MASH Desk's own modules.

A cycle forces imports into function bodies or ``TYPE_CHECKING`` blocks and makes the load
order matter; shared helpers belong lower down (``domain/``), and a part that needs its host
is typed against a protocol (``gui/window_host.py``, ``gui/meeting/host.py``). The graph is
built from the source with ``ast``, so imports hidden inside functions or ``TYPE_CHECKING``
count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import mash_desk

ROOT = Path(mash_desk.__file__).parent
PACKAGE = "mash_desk"


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports (``from pkg import mod`` names the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                targets.add(sub if sub in modules else source)
    # A package's __init__ is loaded on the way to any of its modules; that is not a cycle.
    return {t for t in targets if t in modules and t != name}


def import_graph() -> dict[str, set[str]]:
    """Each project module and the project modules it imports."""
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_graph_sees_the_services():
    graph = import_graph()
    assert "mash_desk.services.context" in graph["mash_desk.services.case"]
    assert "mash_desk.domain.outcomes" in graph["mash_desk.services.actions"]


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_between_project_modules():
    found = cycles(import_graph())
    described = [" → ".join(c) for c in found]
    assert described == [], "import cycles: " + "; ".join(described)
