"""Map files: a player's map read with the line and column of every edge, checked, and written back.

A map file is YAML: the scenario's id, the edges as `'step.port -> step'` text (the scenarios' own
reader of an edge, `engine.format.parse_edge`), and optionally where each card stands on the board:

    scenario: customer_service
    edges: ['incoming.out -> ivr', 'ivr.out -> self_service', ...]
    layout: {incoming: [0, 0], ivr: [200, 0]}

It is read through the scenarios' YAML reader (`engine.format.yamlpos`: duplicate keys, alias bombs,
binary junk and special files refused there, every position kept), so `simulate --map` can point at the
edge to change, FILE:LINE:COL (`read_map`, `format_problem`). Writing is atomic (`engine.files`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import yaml

from ..files import write_text
from ..format import parse_edge
from ..format.yamlpos import Document, YamlError, parse, read_text
from ..model import Edge, ProcessMap, Scenario, frozen_map
from .check import map_problems
from .problem import MapProblem


class MapFileError(ValueError):
    """A map file that could not be read; `problems` carry line and column where known."""

    def __init__(self, name: str, problems: Sequence[MapProblem]):
        self.name = name
        self.problems = tuple(problems)
        super().__init__("\n".join(format_problem(p, name) for p in self.problems))


def format_problem(problem: MapProblem, name: str) -> str:
    """`FILE:LINE:COL: message`, or `FILE: message` when the position is not known."""
    if problem.line is not None:
        return f"{name}:{problem.line}:{problem.col or 1}: {problem.message}"
    return f"{name}: {problem.message}"


@dataclass(frozen=True, slots=True)
class _Read:
    pmap: ProcessMap
    edge_pos: tuple[dict[str, int], ...]
    step_pos: Mapping[str, dict[str, int]]
    #: where a problem of the whole map (nothing arrives, no exit) is shown: the `edges` key, or 1:1
    map_pos: Mapping[str, int] = field(default_factory=lambda: {"line": 1, "col": 1})


def _read(text: str, name: str, scenario: Scenario | None) -> _Read:
    """Read a map file through the loader's reader (engine.format.yamlpos): duplicate keys, alias bombs
    and binary junk are refused there, and every key and value keeps its line and column."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return _Read(ProcessMap(()), (), {})  # an empty file is an empty map: its problems stand at 1:1
    try:
        doc = parse(text, name)
    except YamlError as exc:
        message = exc.problems[0].message
        if "top level" in message:
            message = "a map file is a mapping with `scenario`, `edges` and optionally `layout`"
        raise MapFileError(name, [MapProblem("file", p.message if "top level" not in p.message else message,
                                             line=p.line, col=p.col) for p in exc.problems]) from None
    reader = _Reader(doc)
    sid = reader.scenario_id(scenario)
    edges, edge_pos = reader.edges()
    layout, step_pos = reader.layout()
    if reader.problems:
        raise MapFileError(name, sorted(reader.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return _Read(ProcessMap(tuple(edges), layout=frozen_map(layout), scenario=sid), tuple(edge_pos),
                 step_pos, reader.at(("edges",), key=True) if "edges" in doc.data else {"line": 1, "col": 1})


class _Reader:
    """The parts of a parsed map file, each problem kept with its place."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.data = doc.data
        self.problems: list[MapProblem] = []

    def at(self, path, key: bool = False) -> dict[str, int]:
        pos = self.doc.where(path, "key" if key else "value")
        return {"line": pos.line, "col": pos.col}

    def fail(self, message: str, path, key: bool = False) -> None:
        self.problems.append(MapProblem("file", message, **self.at(path, key)))

    def scenario_id(self, scenario: Scenario | None) -> str | None:
        """The file's `scenario` (after its unknown keys are said), None when it has none or a wrong one."""
        for key in self.data:
            if key not in ("scenario", "edges", "layout"):
                self.fail(f"unknown key {key!r} (a map file has scenario, edges, layout)", (key,), key=True)
        sid = self.data.get("scenario")
        if sid is not None and not isinstance(sid, str):
            self.fail("`scenario` is the scenario's id, a string", ("scenario",))
            sid = None
        if scenario is not None and sid is not None and sid != scenario.id:
            self.fail(f"this map is for scenario '{sid}', not '{scenario.id}'", ("scenario",))
        return sid

    def edges(self) -> tuple[list[Edge], list[dict[str, int]]]:
        """The edges that read, and the place of each."""
        edges: list[Edge] = []
        edge_pos: list[dict[str, int]] = []
        raw_edges = self.data.get("edges") or []
        if not isinstance(raw_edges, list):
            self.fail("`edges` is a list of 'step.port -> step'", ("edges",))
            raw_edges = []
        for i, item in enumerate(raw_edges):
            path = ("edges", i, "edge") if isinstance(item, dict) and "edge" in item else ("edges", i)
            text_item = item.get("edge") if isinstance(item, dict) else item
            if not isinstance(text_item, str):
                self.fail("an edge is written 'step.port -> step'", path)
                continue
            try:
                edges.append(parse_edge(text_item))  # the scenarios' reader of an edge
                edge_pos.append(self.at(path))
            except ValueError as exc:
                self.fail(str(exc), path)
        return edges, edge_pos

    def layout(self) -> tuple[dict[str, tuple[float, float]], dict[str, dict[str, int]]]:
        """Where each card stands, and the place of each step's key."""
        layout: dict[str, tuple[float, float]] = {}
        step_pos: dict[str, dict[str, int]] = {}
        raw_layout = self.data.get("layout") or {}
        if not isinstance(raw_layout, dict):
            self.fail("`layout` maps a step to its [x, y] position", ("layout",))
            raw_layout = {}
        for step, xy in raw_layout.items():
            ok = (isinstance(xy, list) and len(xy) == 2
                  and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in xy))
            if not ok:
                self.fail(f"`layout` maps a step to its [x, y] position, not {step!r}: {xy!r}", ("layout", step))
                continue
            layout[step] = (xy[0], xy[1])
            step_pos[step] = self.at(("layout", step), key=True)
        return layout, step_pos


def loads_map(text: str, name: str = "<map>", scenario: Scenario | None = None) -> ProcessMap:
    """Parse a player's map from YAML text (safe_load). Raises MapFileError with positions when the
    file itself is malformed; whether the map runs is `map_problems`' question (or use `read_map`)."""
    return _read(text, name, scenario).pmap


def load_map(path: str | os.PathLike, scenario: Scenario | None = None) -> ProcessMap:
    """Read a player's map file (see `loads_map`); MapFileError when it cannot be read."""
    return loads_map(_read_file(path), os.fspath(path), scenario)


def _read_file(path: str | os.PathLike) -> str:
    """A map file's text through the scenarios' reader (engine.format.yamlpos.read_text): special files
    refused before they are opened, bytes that are not UTF-8 placed at their line and column."""
    try:
        return read_text(path, what="map")
    except YamlError as exc:
        raise MapFileError(os.fspath(path), [MapProblem("file", p.message, line=p.line, col=p.col)
                                             for p in exc.problems]) from None


def read_map(path: str | os.PathLike, scenario: Scenario) -> tuple[ProcessMap | None, list[MapProblem]]:
    """Read a map file and check it against `scenario`: (map, problems), problems with line and column
    where the file shows them. What `simulate --map` uses: print `format_problem(p, path)` for each
    problem and exit 2 when there are any. The map is None when the file could not be read at all."""
    name = os.fspath(path)
    try:
        read = _read(_read_file(path), name, scenario)
    except MapFileError as exc:
        return None, list(exc.problems)
    out = []
    for p in map_problems(scenario, read.pmap):
        pos = {}
        if p.edge_index is not None and p.edge_index < len(read.edge_pos):
            pos = read.edge_pos[p.edge_index]
        elif p.step in read.step_pos:
            pos = read.step_pos[p.step]
        elif p.step is not None:  # the first edge that mentions the step
            pos = next((read.edge_pos[i] for i, e in enumerate(read.pmap.edges)
                        if p.step in (e.src, e.dst) and i < len(read.edge_pos)), {})
        out.append(_with_pos(p, **(pos or read.map_pos)))
    return read.pmap, out


def _with_pos(p: MapProblem, line: int, col: int) -> MapProblem:
    return MapProblem(p.kind, p.message, p.step, p.port, p.edge, p.steps, p.edge_index, line, col)


def _number(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def dumps_map(pmap: ProcessMap, scenario_id: str | None = None) -> str:
    """The YAML text of a map file: `scenario`, `edges` (strings), `layout` (when any)."""
    data: dict[str, Any] = {"scenario": scenario_id or pmap.scenario, "edges": [str(e) for e in pmap.edges]}
    if data["scenario"] is None:
        del data["scenario"]
    if pmap.layout:
        data["layout"] = {s: [_number(x), _number(y)] for s, (x, y) in pmap.layout.items()}
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, allow_unicode=True)


def save_map(path: str | os.PathLike, pmap: ProcessMap, scenario_id: str | None = None) -> None:
    """Write a map file atomically: a temporary file beside it, flushed to disk, then renamed over the
    old one, so a crash leaves either the old map or the new one, never half of one."""
    write_text(path, dumps_map(pmap, scenario_id))
