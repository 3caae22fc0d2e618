"""The layers of game/, kept: no import circle, and imports that run downward only.

The graph is read from the source by tests/import_graph.py (the reader the engine's layer test uses too):
every import counts, at a module's top or inside a function, except under `if TYPE_CHECKING:`; importing
`a.b.c` runs `a` and `a.b` first, except the packages the importing module is itself inside (a package that
re-exports its own modules is no circle), and a name taken from an enclosing package's `__init__` is an
edge to it.

The rules (a module may import its own layer and the layers under it):
- no circle: no two game/ modules import each other, however far round;
- game.ui imports only game.ui; game.core imports only game.core and game.ui;
- game.data never imports scenes, the flow, modes or tools (it may read play's computations: a debrief
  draws the day hour by hour, game.play.daystats);
- game.play never imports scenes, modes or tools, except game.play.flow, which builds the screens;
- game.scenes never imports the flow, modes or tools; and a screen module (game.scenes.<name>, not the
  package's shared `Screen`) is imported only by the flow, the modes, the tools and its own modules (a
  screen that is a package, game.scenes.mapeditor.*);
- a mode (game.modes.<name>.*) is imported only by its own modules, by game.modes.start (the start-up
  the command line runs) and by the tools; game.modes.shared only by the modes and the tools. The modes
  may use game.tools.autoplay (the kiosk's attract rounds), which imports no mode.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from import_graph import circles, import_graph

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph():
    return import_graph(ROOT, "game")


def within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_graph_reads_imports_as_python_runs_them(tmp_path):
    pkg = tmp_path / "game" / "a"
    pkg.mkdir(parents=True)
    (tmp_path / "game" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from game.c import X\n"
                              "def f():\n    from . import d\n")
    (pkg / "d.py").write_text("from ..c import Y\n")
    (tmp_path / "game" / "c.py").write_text("import game.a.b\n")
    g = import_graph(tmp_path, "game")
    # a function's import counts (and runs the packages' __init__ on the way, but for the packages the
    # importer is inside, already running); TYPE_CHECKING's does not
    assert set(g.successors("game.a.b")) == {"game.a.d"}  # `from . import d`: game.a is already running
    assert set(g.successors("game.a.d")) == {"game.c"}  # `..c` from game.a.d
    assert set(g.successors("game.c")) == {"game.a", "game.a.b"}  # game.a's __init__ runs too
    assert circles(g) == [["game.a.b", "game.a.d", "game.c"]]


def test_no_import_circle_in_game(graph):
    found = circles(graph)
    assert found == [], found


def broken(graph, source, target, allowed=lambda src, dst: False) -> list[str]:
    """The imports from a module under one of the `source` prefixes to one under a `target` prefix that
    `allowed` does not excuse."""
    return sorted(f"{src} -> {dst}" for src, dst in graph.edges
                  if within(src, *source) and within(dst, *target) and not allowed(src, dst))


def test_ui_and_core_import_nothing_above_them(graph):
    above = ("game.data", "game.play", "game.scenes", "game.modes", "game.tools")
    assert broken(graph, ("game.ui",), above + ("game.core",)) == []
    assert broken(graph, ("game.core",), above) == []


def test_data_never_reaches_for_screens_flow_modes_or_tools(graph):
    assert broken(graph, ("game.data",), ("game.scenes", "game.play.flow", "game.modes", "game.tools")) == []


def test_play_never_imports_screens_except_the_flow(graph):
    assert broken(graph, ("game.play",), ("game.scenes",), lambda src, dst: src == "game.play.flow") == []
    assert broken(graph, ("game.play",), ("game.modes", "game.tools")) == []


def test_screens_never_import_the_flow_modes_or_tools(graph):
    assert broken(graph, ("game.scenes",), ("game.play.flow", "game.modes", "game.tools")) == []


def test_nothing_imports_a_screen_except_the_flow_a_mode_or_a_tool(graph):
    screens = tuple(n for n in graph if n.startswith("game.scenes."))
    assert "game.scenes.results" in screens and "game.scenes.mapeditor" in screens
    def screen_of(module: str) -> str:  # game.scenes.mapeditor.tray -> game.scenes.mapeditor
        return ".".join(module.split(".")[:3])

    assert broken(graph, ("game",), screens,
                  lambda src, dst: within(src, "game.play.flow", "game.modes", "game.tools")
                  or screen_of(src) == screen_of(dst)) == []  # a screen's own modules, one another


def test_nothing_imports_a_mode_except_itself_the_start_up_and_the_tools(graph):
    modes = {n.split(".")[2] for n in graph if n.startswith("game.modes.") and n.count(".") >= 3}
    assert modes == {"kiosk", "workshop", "demo"}
    for mode in modes:
        prefix = f"game.modes.{mode}"
        assert broken(graph, ("game",), (prefix,),
                      lambda src, dst: within(src, prefix, "game.modes.start", "game.tools")) == []
    assert broken(graph, ("game",), ("game.modes.shared",),
                  lambda src, dst: within(src, "game.modes", "game.tools")) == []
    assert broken(graph, ("game.tools.autoplay",), ("game.modes",)) == []
