"""The import graph of one of our packages (engine/ or game/), read from the source with ast, the way Python
runs it: shared by the layer tests of the engine (tests/engine/test_engine_layers.py) and of the game
(tests/game/test_layers.py).

Every import counts, also one inside a function (it runs the day the function is first called, and a
circle through it is a circle all the same); only an `if TYPE_CHECKING:` block does not (it never runs; its
`else:` does). Relative imports are resolved, and importing `a.b.c` runs `a` and `a.b` first, except the
packages the importing module is itself inside (they started running before it could). A name imported
from a package's `__init__` (`from engine.maps import map_problems`) depends on that `__init__` having run
to its end, so inside the package that is an edge to the package too. engine/_fast, the generated copy the
compiler builds, is left out.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module below root/package by dotted name (a package by the name of its __init__)."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        if "_fast" in rel.parts:
            continue
        parts = rel.parts[:-1] if path.name == "__init__.py" else rel.parts
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runnable_imports(tree: ast.AST):
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


def _targets(module: str, path: Path, known: dict[str, Path], graph: nx.DiGraph):
    """What each import of `module` names (a module where it is one, else the package it comes from)."""
    is_package = path.name == "__init__.py"
    for node in runnable_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
            continue
        base = _absolute(module, is_package, node.level, node.module)
        for a in node.names:
            sub = f"{base}.{a.name}"
            if sub in known:
                yield sub
                continue
            yield base
            if (module + ".").startswith(base + ".") and base in known:
                graph.add_edge(module, base)  # a name from an enclosing package's __init__


def import_graph(root: Path, package: str) -> nx.DiGraph:
    """Module -> the modules of `package` it imports; each node's "outside" attribute holds the other
    top-level packages it imports (numpy, pygame, game...)."""
    known = modules(root, package)
    graph = nx.DiGraph()
    for module in known:
        graph.add_node(module, outside=set())
    for module, path in known.items():
        for target in _targets(module, path, known, graph):
            graph.nodes[module]["outside"].add(target.split(".")[0])
            for ran in _runs(target, module):
                if ran in known and ran != module:
                    graph.add_edge(module, ran)
    return graph


def circles(graph: nx.DiGraph) -> list[list[str]]:
    """The import circles: strongly connected groups of more than one module, each sorted."""
    return sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)


def a_circle(graph: nx.DiGraph, group: list[str]) -> str:
    """One circle through the group, for a message: a -> b -> ... -> a."""
    cycle = nx.find_cycle(graph.subgraph(group), source=group[0])
    return " -> ".join([cycle[0][0], *(dst for _, dst in cycle)])
