"""The engine's modules import downward only: no import circle among them, and none reaches the game.

The import graph is read from the source with ast, the way Python would run it: every import counts,
also one inside a function (it runs the day the function is first called, and a circle through it is a
circle all the same); only an `if TYPE_CHECKING:` block does not (it never runs). Relative imports are
resolved, and importing `a.b.c` runs `a` and `a.b` first, except the packages the importing module is
itself inside (they started running before it could). A name imported from a package's `__init__`
(`from engine.maps import map_problems`) depends on that `__init__` having run to its end, so inside the
package that is an edge to the package too. engine/_fast, the generated copy the compiler builds, is
left out.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"


def _modules() -> dict[str, Path]:
    """Every module of engine/ by dotted name (a package by the name of its __init__)."""
    out = {}
    for path in sorted(ENGINE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if "_fast" in rel.parts:
            continue
        parts = rel.parts[:-1] if path.name == "__init__.py" else rel.parts
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import node that can run: everywhere but inside `if TYPE_CHECKING:`."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)  # the else branch does run
        else:
            todo.extend(ast.iter_child_nodes(node))


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _runs(target: str, importer: str) -> list[str]:
    """The modules importing `target` runs, without the packages `importer` is inside."""
    parts = target.split(".")
    chain = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return [m for m in chain if not (importer + ".").startswith(m + ".")]


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(engine module -> engine modules it imports, engine module -> every top-level package it imports)."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    outside: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = _absolute(module, is_package, node.level, node.module)
                targets = []
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    if sub in modules:
                        targets.append(sub)
                    else:
                        targets.append(base)
                        if (module + ".").startswith(base + ".") and base in modules:
                            graph[module].add(base)  # a name from an enclosing package's __init__
            for target in targets:
                outside[module].add(target.split(".")[0])
                for ran in _runs(target, module):
                    if ran in modules and ran != module:
                        graph[module].add(ran)
    return graph, outside


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _a_path(graph: dict[str, set[str]], group: list[str]) -> str:
    """One circle through the group, for the message: a -> b -> ... -> a."""
    inside = set(group)
    start = group[0]
    path, seen = [start], {start}
    while True:
        nxt = sorted(n for n in graph[path[-1]] if n in inside)
        back = [n for n in nxt if n == start]
        if back and len(path) > 1:
            return " -> ".join(path + [start])
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return " -> ".join(path + [nxt[0]]) if nxt else " -> ".join(path)
        path.append(fresh[0])
        seen.add(fresh[0])


def test_no_import_circle_among_engine_modules():
    graph, _ = import_graph()
    found = cycles(graph)
    assert not found, "import circles in engine/:\n" + "\n".join(_a_path(graph, g) for g in found)


def test_the_engine_never_imports_the_game_or_pygame():
    _, outside = import_graph()
    bad = {m: sorted(p & {"game", "pygame", "main"}) for m, p in outside.items() if p & {"game", "pygame", "main"}}
    assert not bad, bad


def test_the_graph_sees_function_level_and_relative_imports_and_skips_type_checking():
    """The reader itself, on modules whose imports are known: a function-level relative import
    (engine.budget imports engine.maps.flows inside `estimate`), an import of a package's submodule
    through its __init__ (engine.load -> engine.maps.check runs engine.maps), the module a `from . import`
    names (engine.maps.check -> engine.maps.loops), and no edge from a module to the package it is in."""
    graph, _ = import_graph()
    assert "engine.maps.flows" in graph["engine.budget"]
    assert {"engine.maps", "engine.maps.check"} <= graph["engine.load"]
    assert "engine.maps.loops" in graph["engine.maps.check"]
    assert "engine.maps" not in graph["engine.maps.check"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_type_checking_import_is_not_an_edge():
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sim import Day\n"
                     "else:\n    import json\ndef f():\n    from .plan import Plan\n")
    names = [getattr(n, "module", None) or n.names[0].name for n in _imports(tree)]
    assert sorted(names) == ["json", "plan", "typing"]
