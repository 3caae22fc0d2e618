"""The engine's modules import downward only: no import circle among them, and none reaches the game.

The graph is read from the source by tests/import_graph.py (the reader the game's layer test uses too):
every import counts, also one inside a function; only an `if TYPE_CHECKING:` block does not; importing
`a.b.c` runs `a` and `a.b` first, except the packages the importing module is itself inside.
"""
from __future__ import annotations

import ast
from pathlib import Path

from import_graph import a_circle, circles, import_graph, runnable_imports

ROOT = Path(__file__).resolve().parents[2]


def _graph():
    return import_graph(ROOT, "engine")


def test_no_import_circle_among_engine_modules():
    graph = _graph()
    found = circles(graph)
    assert not found, "import circles in engine/:\n" + "\n".join(a_circle(graph, g) for g in found)


def test_the_engine_never_imports_the_game_or_pygame():
    graph = _graph()
    forbidden = {"game", "pygame", "main"}
    bad = {m: sorted(graph.nodes[m]["outside"] & forbidden) for m in graph if graph.nodes[m]["outside"] & forbidden}
    assert not bad, bad


def test_the_graph_sees_function_level_and_relative_imports_and_skips_type_checking():
    """The reader itself, on modules whose imports are known: a function-level relative import
    (engine.budget imports engine.maps.flows inside `estimate`), an import of a package's submodule
    through its __init__ (engine.load -> engine.maps.check runs engine.maps), the module a `from . import`
    names (engine.maps.check -> engine.maps.loops), and no edge from a module to the package it is in."""
    import networkx as nx

    graph = _graph()
    assert "engine.maps.flows" in graph["engine.budget"]
    assert {"engine.maps", "engine.maps.check"} <= set(graph["engine.load"])
    assert "engine.maps.loops" in graph["engine.maps.check"]
    assert "engine.maps" not in graph["engine.maps.check"]
    assert circles(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])) == [["a", "b", "c"]]


def test_a_type_checking_import_is_not_an_edge():
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sim import Day\n"
                     "else:\n    import json\ndef f():\n    from .plan import Plan\n")
    names = [getattr(n, "module", None) or n.names[0].name for n in runnable_imports(tree)]
    assert sorted(names) == ["json", "plan", "typing"]
