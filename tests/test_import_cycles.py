"""No import cycles between MASH Desk's own modules.

A cycle forces imports into function bodies and makes the load order matter; shared helpers
belong lower down (``domain/``). The graph is built from the source with ``ast``, so imports
hidden inside functions count too. Imports under ``if TYPE_CHECKING:`` do not: they are never
executed, and a part naming the screen that composes it only for its type hints (a meeting
panel and ``MeetingMode``) adds no load-order dependency — import-linter's
``exclude_type_checking_imports`` draws the same line.
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


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that can run, skipping the bodies of ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if _is_type_checking(node):
            todo.extend(node.orelse)  # type: ignore[attr-defined]
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports (``from pkg import mod`` names the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
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


def test_type_only_imports_are_skipped_and_function_imports_count():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import typed_only\nelse:\n    import at_run_time\n"
        "def f():\n    import in_a_function\n"
    )
    names = {
        alias.name
        for node in _runtime_nodes(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert names == {"at_run_time", "in_a_function"}
