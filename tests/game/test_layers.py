"""The layers of game/, kept: no import circle, and imports that run downward only.

The graph is read from the source with `ast` (nothing is imported): every `import` and `from ... import`
anywhere in a module counts, at its top or inside a function, except those under `if TYPE_CHECKING:`
(they never run). Relative imports are resolved against the module's package, and importing `a.b.c`
also runs `a/__init__` and `a/b/__init__`, so it counts as importing those too, except a package the
importing module itself belongs to: that package's __init__ is already running (or has run) whenever one of
its own modules runs, so its modules importing each other do not loop back into it (a package that
re-exports its modules is no circle). Naming the package itself (`from a.b import X` inside `a.b`) still
counts. `from a.b import c` counts as importing `a.b.c` when that is a module.

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

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def module_names(root: Path = ROOT) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, whether it is a package's __init__) of every module under game/."""
    out = {}
    for path in sorted((root / "game").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported(name: str, source: str, is_package: bool, modules) -> set[str]:
    """The game/ modules that importing module `name` (whose text is `source`) runs."""
    tree = ast.parse(source)
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _type_checking(node)
               for stmt in node.body for n in ast.walk(stmt)}
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            targets.add(module)
            targets.update(f"{module}.{alias.name}" for alias in node.names)
    out = set()
    for target in targets:
        parts = target.split(".")
        if target in modules:
            out.add(target)
        for i in range(1, len(parts)):  # the packages on the way, unless this module is inside them
            package = ".".join(parts[:i])
            if package in modules and not name.startswith(package + "."):
                out.add(package)
    out.discard(name)
    return out


def import_graph(root: Path = ROOT) -> nx.DiGraph:
    modules = module_names(root)
    graph = nx.DiGraph()
    for name, (path, is_package) in modules.items():
        graph.add_node(name)
        for target in imported(name, path.read_text(encoding="utf-8"), is_package, modules):
            graph.add_edge(name, target)
    return graph


@pytest.fixture(scope="module")
def graph():
    return import_graph()


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
    g = import_graph(tmp_path)
    # a function's import counts (and runs the packages' __init__ on the way, but for the packages the
    # importer is inside, already running); TYPE_CHECKING's does not
    assert set(g.successors("game.a.b")) == {"game.a", "game.a.d"}  # `from . import d` names game.a
    assert set(g.successors("game.a.d")) == {"game.c"}  # `..c` from game.a.d
    assert set(g.successors("game.c")) == {"game.a", "game.a.b"}  # game.a's __init__ runs too
    assert [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1] == [
        ["game.a.b", "game.a.d", "game.c"]]


def test_no_import_circle_in_game(graph):
    circles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert circles == [], circles


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
