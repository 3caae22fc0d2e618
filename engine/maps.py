"""A player's process map: checked, compared with the expert maps, scored, coached, saved and loaded.

The map phase of a round works like this: the player places cards (steps) and draws edges between their
ports, then submits. `map_problems` says what stops the map from running at all, in words a player
understands, each problem naming the step, port or edge a screen should highlight. A runnable map is then
compared with the scenario's reference map and its `alternatives`, edge by edge (`compare_map`), and scored
0-100; the advisors' hints for the most important missing edges (`hints_for`) coach the next attempt.
`Attempts` keeps the score of a round: three attempts by default, the best one counts, and after the last
one the missing and extra edges are revealed.

The map the player built, not the reference, is what gets simulated afterwards, so a poor map also costs
money in the run.
"""
from __future__ import annotations

import math
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import yaml

from .model import Edge, Line, ProcessMap, Scenario

__all__ = [
    "MapProblem", "map_problems", "MapComparison", "compare_map", "score_map", "edge_importance",
    "edge_flows", "port_shares", "describe_edge", "reveal_lines",
    "Hint", "hints_for", "Attempt", "Attempts", "MapFileError", "loads_map", "load_map", "read_map",
    "save_map", "dumps_map", "format_problem",
]


# --------------------------------------------------------------------------------------------------
# Problems: what stops a map from running


@dataclass(frozen=True, slots=True)
class MapProblem:
    """Something wrong with a map, said so a player can fix it.

    `kind` is a stable code for screens and tests: `no_source`, `unknown_step`, `unknown_port`,
    `exit_port` (an edge leaving an exit), `into_source`, `duplicate_port`, `unreachable`,
    `unconnected_port`, `dead_end` (steps that can never reach an exit), `trap` (a loop whose every way
    out has probability 0, see `engine.loops`), `zero_time_loop` (a loop that takes no time), and for map
    files `file`.
    `step`, `port` and `edge` say what to highlight; `steps` every step concerned (the cards cut off
    behind an unreachable one, the cards of a closed loop); `edge_index` is the edge's position in the
    map's list, so a file's line and column can be found for it.
    """

    kind: str
    message: str
    step: str | None = None
    port: str | None = None
    edge: Edge | None = None
    steps: tuple[str, ...] = ()
    edge_index: int | None = None
    line: int | None = None  # 1-based, when the map came from a file
    col: int | None = None

    def __str__(self) -> str:
        return self.message


def _label(scenario: Scenario, step_id: str) -> str:
    step = scenario.steps.get(step_id)
    return step.label if step is not None and step.label else step_id


def _reach(starts: Iterable[str], succ: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Breadth-first distances from `starts` along `succ`."""
    dist: dict[str, int] = {}
    todo: deque[str] = deque()
    for s in starts:
        if s not in dist:
            dist[s] = 0
            todo.append(s)
    while todo:
        s = todo.popleft()
        for t in succ.get(s, ()):
            if t not in dist:
                dist[t] = dist[s] + 1
                todo.append(t)
    return dist


def map_problems(scenario: Scenario, pmap: ProcessMap) -> list[MapProblem]:
    """Every reason `pmap` cannot run in `scenario`; an empty list means the map is runnable.

    Checked, in this order: each edge names steps of the scenario and a port its step has, nothing flows
    into a source, at most one edge leaves each port; at least one source is placed; every placed step
    is reachable from a source; every port of a placed step is connected (an unconnected optional port,
    `abandoned`, is allowed: those entities end as abandoned); no step is trapped in a loop with no way
    to an exit. Cycles with a way out (rework) are allowed. On a map sound as a drawing, then, no loop
    may hold work for ever (`engine.loops`): none whose every way out has probability 0 for some
    entities (`done -> same step`, `resolve: 0` wired back), none that takes no time.

    A problem is reported where the player has to act: for a group of cards cut off from the sources,
    once, at the card that needs an incoming edge (the others are listed in `steps`); for a step whose
    port is unconnected, at that port, and not again as a dead end; for a closed loop, once.
    """
    steps = scenario.steps
    problems: list[MapProblem] = []
    placed = list(pmap.steps)
    for sid in pmap.layout:
        if sid not in steps:
            problems.append(MapProblem(
                "unknown_step", f"There is no card '{sid}' in this scenario.", step=sid, steps=(sid,)))

    # Edges one by one. Only edges that pass are used for the flow checks below.
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    used: dict[tuple[str, str], Edge] = {}
    rejected_into: set[str] = set()  # cards with an incoming edge refused above: already explained
    passed_into: set[str] = set()
    for i, e in enumerate(pmap.edges):
        rejected_into.add(e.dst)
        bad = False
        for sid in (e.src, e.dst):
            if sid not in steps:
                problems.append(MapProblem(
                    "unknown_step", f"There is no card '{sid}' in this scenario: remove the edge {e}.",
                    step=sid, edge=e, steps=(sid,), edge_index=i))
                bad = True
        if bad:
            continue
        src, dst = steps[e.src], steps[e.dst]
        if src.kind == "exit":
            problems.append(MapProblem(
                "exit_port", f"'{src.label}' is an exit: nothing leaves it. Remove the edge to "
                f"'{dst.label}'.", step=e.src, port=e.port, edge=e, steps=(e.src,), edge_index=i))
            continue
        if e.port not in src.ports:
            problems.append(MapProblem(
                "unknown_port", f"'{src.label}' has no port '{e.port}' (its ports: "
                f"{', '.join(src.ports)}).", step=e.src, port=e.port, edge=e, steps=(e.src,),
                edge_index=i))
            continue
        if dst.kind == "source":
            problems.append(MapProblem(
                "into_source", f"'{dst.label}' is where work arrives: nothing can flow into it. "
                f"Connect '{src.label}' ({e.port}) to another card.", step=e.dst, port=e.port, edge=e,
                steps=(e.src, e.dst), edge_index=i))
            continue
        first = used.get((e.src, e.port))
        if first is not None:
            if first.dst == e.dst:
                msg = f"The edge {e} is drawn twice: remove one."
            else:
                msg = (f"'{src.label}' sends '{e.port}' to two places ('{_label(scenario, first.dst)}' "
                       f"and '{dst.label}'): keep one.")
            problems.append(MapProblem(
                "duplicate_port", msg, step=e.src, port=e.port, edge=e, steps=(e.src,), edge_index=i))
            continue
        used[(e.src, e.port)] = e
        passed_into.add(e.dst)
        succ.setdefault(e.src, []).append(e.dst)
        pred.setdefault(e.dst, []).append(e.src)

    known = [s for s in placed if s in steps]
    sources = [s for s in known if steps[s].kind == "source"]
    if not sources:
        palette = [s.label for s in steps.values() if s.kind == "source"]
        which = f" (the '{palette[0]}' card)" if len(palette) == 1 else ""
        problems.append(MapProblem(
            "no_source", f"Nothing arrives: place a source{which} and connect it to the first step."))
        return problems  # without a source every card is cut off; saying so for each would be noise

    # Cut off from every source: report the cards that need an incoming edge (the roots of each
    # cut-off group, or one card of a cut-off loop), listing what lies behind them.
    reached = _reach(sources, succ)
    cut = [s for s in known if s not in reached]
    cut_set = set(cut)
    reported: set[str] = set()
    roots = [s for s in cut if not any(p in cut_set for p in pred.get(s, ()))]
    rejected_into -= passed_into
    for root in roots:
        behind = _reach([root], succ)
        reported |= set(behind)
        if root not in rejected_into:
            problems.append(_unreachable(scenario, root, [s for s in cut if s in behind]))
    for s in cut:  # what is left is cut off inside loops with no way in
        if s not in reported:
            behind = _reach([s], succ)
            reported |= set(behind)
            problems.append(_unreachable(scenario, s, [t for t in cut if t in behind]))

    # Every required port connected.
    open_ports: set[str] = set()
    for s in known:
        step = steps[s]
        for port in step.ports:
            if (s, port) in used or port in step.optional_ports:
                continue
            open_ports.add(s)
            problems.append(MapProblem(
                "unconnected_port", f"'{step.label}' has an unconnected port '{port}': connect it to "
                f"the next card.", step=s, port=port, steps=(s,)))

    # Trapped: steps from which no exit can be reached. A step with an open port counts as having a way
    # out (the player's fix there is to connect the port, already said). An unconnected `abandoned`
    # port does not: only those who hang up would ever leave.
    outs = [s for s in known if steps[s].kind == "exit" or s in open_ports]
    escapes = set(_reach(outs, pred))
    trapped = [s for s in known if s not in escapes and s in reached]
    for group in _closed_loops(trapped, succ):
        labels = ", ".join(f"'{_label(scenario, s)}'" for s in group)
        word = "card" if len(group) == 1 else "cards"
        problems.append(MapProblem(
            "dead_end", f"Work that reaches {labels} goes round for ever: give the {word} a way to an "
            f"exit.", step=group[0], steps=tuple(group)))
    if not problems:  # the map is sound as a drawing: can it hold work for ever all the same?
        from .loops import loop_problems  # the same judgement, on probabilities and durations

        problems += loop_problems(scenario, pmap)
    return problems


def _closed_loops(trapped: Sequence[str], succ: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The loops work cannot leave: the strongly connected groups of `trapped` with no edge out of them
    (what only feeds such a loop is trapped too, but the fix is in the loop). In `trapped` order."""
    if not trapped:
        return []
    import networkx as nx  # here, not at the top: it takes a third of a second to import

    inside = set(trapped)
    graph = nx.DiGraph()
    graph.add_nodes_from(trapped)
    graph.add_edges_from((s, t) for s in trapped for t in succ.get(s, ()) if t in inside)
    dag = nx.condensation(graph)
    loops = []
    for c in dag.nodes:
        if dag.out_degree(c) == 0:
            members = dag.nodes[c]["members"]
            loops.append([s for s in trapped if s in members])
    loops.sort(key=lambda g: trapped.index(g[0]))
    return loops


def _unreachable(scenario: Scenario, root: str, behind: list[str]) -> MapProblem:
    others = len(behind) - 1
    tail = "" if others <= 0 else f" (nor the {others} card{'s' if others > 1 else ''} after it)"
    return MapProblem(
        "unreachable", f"Nothing reaches '{_label(scenario, root)}'{tail}: connect a card to it.",
        step=root, steps=tuple(behind))


# --------------------------------------------------------------------------------------------------
# Comparison with the expert maps, and the score


@dataclass(frozen=True, slots=True)
class MapComparison:
    """A player's map against the expert map it is closest to.

    `expert_index` is 0 for the reference and i for `alternatives[i - 1]`. `missing` is ordered by
    importance (see `edge_importance`); `misrouted` pairs a player's edge with the expert's edge that
    leaves the same port for another card (each also appears in `extra` and `missing`). `given` are the
    start-map edges left in place, which the score neither rewards nor counts (see `compare_map`).
    """

    score: int
    f1: float
    expert: ProcessMap
    expert_index: int
    matched: tuple[Edge, ...]
    missing: tuple[Edge, ...]
    extra: tuple[Edge, ...]
    misrouted: tuple[tuple[Edge, Edge], ...]
    given: tuple[Edge, ...] = ()

    @property
    def perfect(self) -> bool:
        return self.score == 100


def _experts(scenario: Scenario) -> list[ProcessMap]:
    return [scenario.reference, *scenario.alternatives]


def _unique(edges: Iterable[Edge]) -> list[Edge]:
    return list(dict.fromkeys(edges))


#: The share of an entity's exits assumed for ports whose traffic the model cannot tell in advance
#: (`overflow`, `abandoned`, an inventory's `out`): small, so the main flow decides what matters.
SIDE_PORT_SHARE = 0.05


def port_shares(scenario: Scenario, step_id: str) -> dict[str, float]:
    """Roughly what share of the entities leaving a step takes each port: branch probabilities, an
    attribute's value probabilities for a route, the first pool's resolve chance for a service, and
    `SIDE_PORT_SHARE` for ports that depend on the run (overflow, abandoned, out of stock)."""
    step = scenario.steps[step_id]
    ports = step.ports
    if not ports:
        return {}
    if step.kind == "branch":
        return dict(step.branches)
    if step.kind == "route":
        for ent in scenario.entities.values():
            attr = ent.attribute(step.by)
            if attr is not None:
                probs = dict(zip(attr.values, attr.probs))
                return {v: probs.get(v, 0.0) for v in ports}
        return {v: 1 / len(ports) for v in ports}
    side = [p for p in ports if p in ("overflow", "abandoned") or (step.kind == "inventory" and p == "out")]
    main = [p for p in ports if p not in side]
    rest = 1.0 - SIDE_PORT_SHARE * len(side)
    shares = {p: SIDE_PORT_SHARE for p in side}
    if step.kind == "service" and "unresolved" in main:
        r = step.resolve_for(step.pools[0]) if step.pools else 1.0
        shares["done"], shares["unresolved"] = rest * r, rest * (1 - r)
    else:
        shares.update({p: rest / len(main) for p in main})
    return shares


def edge_flows(scenario: Scenario, pmap: ProcessMap) -> dict[Edge, float]:
    """How many times, per arriving entity, each edge of `pmap` is travelled on average.

    The map as a Markov chain: each step sends its visitors on through its ports with `port_shares`,
    sources inject in proportion to their mean rate, exits absorb. Solved exactly with numpy; a map whose
    flow cannot settle (a closed loop) gets the plain reachability count instead.
    """
    edges = [e for e in _unique(pmap.edges) if e.src in scenario.steps and e.dst in scenario.steps]
    nodes = list(dict.fromkeys([e.src for e in edges] + [e.dst for e in edges]))
    index = {s: i for i, s in enumerate(nodes)}
    n = len(nodes)
    trans = np.zeros((n, n))
    inject = np.zeros(n)
    for s in nodes:
        step = scenario.steps[s]
        if step.kind == "source":
            inject[index[s]] = _mean_rate(step, scenario.time.horizon)
    if inject.sum() > 0 and np.isfinite(inject.sum()):
        inject /= inject.sum()
    shares = {s: port_shares(scenario, s) for s in nodes}
    for e in edges:
        trans[index[e.src], index[e.dst]] += shares[e.src].get(e.port, 0.0)
    try:
        visits = np.linalg.solve(np.eye(n) - trans.T, inject)
        if not np.all(np.isfinite(visits)) or visits.min() < -1e-9:
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        return {e: 0.0 for e in edges}
    return {e: float(visits[index[e.src]] * shares[e.src].get(e.port, 0.0)) for e in edges}


def _mean_rate(source, horizon: float) -> float:
    pieces = list(source.rate) or [(0.0, 0.0)]
    total = 0.0
    for (t0, r), nxt in zip(pieces, pieces[1:] + [(max(horizon, pieces[-1][0]), 0.0)]):
        total += r * max(0.0, nxt[0] - t0)
    return total / horizon if horizon > 0 else pieces[0][1]


def edge_importance(scenario: Scenario, expert: ProcessMap) -> dict[Edge, tuple]:
    """A sort key per edge of `expert`, most important first.

    An edge matters more the more of the work flows along it in the expert map (`edge_flows`: a first
    edge every caller takes outranks a branch a few take, a rework edge comes late); between edges that
    carry as much, the one that cuts more cards off from the sources when it is missing, then the one
    nearer a source (the player meets it first), then the expert file's order.
    """
    edges = _unique(expert.edges)
    sources = [s for s in expert.steps if getattr(scenario.steps.get(s), "kind", "") == "source"]

    def successors(skip: Edge | None) -> dict[str, list[str]]:
        succ: dict[str, list[str]] = {}
        for e in edges:
            if e != skip:
                succ.setdefault(e.src, []).append(e.dst)
        return succ

    flows = edge_flows(scenario, expert)
    full = _reach(sources, successors(None))
    key = {}
    for i, e in enumerate(edges):
        lost = len(full) - len(_reach(sources, successors(e)))
        key[e] = (-round(flows.get(e, 0.0), 9), -lost, full.get(e.src, len(full) + 1), i)
    return key


def compare_map(scenario: Scenario, pmap: ProcessMap) -> MapComparison:
    """Compare `pmap` edge by edge with the reference and each alternative; keep the closest.

    The score is the F1 of edges, as a whole number from 0 to 100, rounded down:

        score = floor(100 * 2 * matched / (player's edges + expert's edges))

    so the expert map scores 100 (and nothing else does), an empty map 0, a map missing one of n
    edges 100 * (2n - 2) / (2n - 1), and an extra (distractor) edge costs about as much as a missing
    one: 100 * 2n / (2n + 1). Duplicate edges count once. Edges of the scenario's `start_map` that the
    player left in place and the expert map also has are given, not earned: they are left out of both
    counts (if nothing remains on either side, the score is 100). The expert map chosen is the one with
    the best score; ties go to fewer missing edges, then to the reference before the alternatives.
    """
    player = _unique(pmap.edges)
    start = set(scenario.start_map.edges)
    best: MapComparison | None = None
    for index, expert in enumerate(_experts(scenario)):
        ref = _unique(expert.edges)
        ref_set, player_set = set(ref), set(player)
        given = [e for e in ref if e in start and e in player_set]
        gset = set(given)
        mine = [e for e in player if e not in gset]
        theirs = [e for e in ref if e not in gset]
        matched = [e for e in mine if e in ref_set]
        missing = [e for e in theirs if e not in player_set]
        extra = [e for e in mine if e not in ref_set]
        denom = len(mine) + len(theirs)
        f1 = 1.0 if denom == 0 else 2 * len(matched) / denom
        score = min(100, int(math.floor(100 * f1 + 1e-9)))
        order = edge_importance(scenario, expert)
        missing.sort(key=order.__getitem__)
        by_port = {(e.src, e.port): e for e in missing}
        misrouted = tuple((e, by_port[(e.src, e.port)]) for e in extra if (e.src, e.port) in by_port)
        cand = MapComparison(score, f1, expert, index, tuple(matched), tuple(missing), tuple(extra),
                             misrouted, tuple(given))
        if best is None or (cand.f1, -len(cand.missing)) > (best.f1, -len(best.missing)):
            best = cand
    assert best is not None
    return best


def describe_edge(scenario: Scenario, edge: Edge) -> str:
    """An edge in the cards' words: "'Route by need' (billing) -> 'Billing desk'"."""
    return f"'{_label(scenario, edge.src)}' ({edge.port}) -> '{_label(scenario, edge.dst)}'"


def reveal_lines(scenario: Scenario, comparison: MapComparison) -> list[str]:
    """What the round's end shows: each misrouted port, then each other missing and extra edge."""
    lines = []
    wrong = {p for p, _ in comparison.misrouted}
    right = {x for _, x in comparison.misrouted}
    for mine, theirs in comparison.misrouted:
        lines.append(f"'{_label(scenario, mine.src)}' ({mine.port}) goes to '{_label(scenario, mine.dst)}'; "
                     f"the expert sends it to '{_label(scenario, theirs.dst)}'.")
    lines += [f"Missing: {describe_edge(scenario, e)}." for e in comparison.missing if e not in right]
    lines += [f"Not in the expert map: {describe_edge(scenario, e)}." for e in comparison.extra
              if e not in wrong]
    return lines


def score_map(scenario: Scenario, pmap: ProcessMap) -> int:
    """The map score, 0-100 (see `compare_map` for the formula)."""
    return compare_map(scenario, pmap).score


# --------------------------------------------------------------------------------------------------
# Advisors' hints


@dataclass(frozen=True, slots=True)
class Hint:
    """What the advisors say about one missing edge (`lines`, in the scenario's order)."""

    edge: Edge
    lines: tuple[Line, ...]


def hints_for(scenario: Scenario, comparison: MapComparison, limit: int = 2,
              said: Iterable[Edge] = ()) -> list[Hint]:
    """The advisors' hints for the missing edges that matter most: at most `limit` of them.

    Only missing edges with a hint in the scenario are coached; they come in the order of
    `comparison.missing` (most important first, see `edge_importance`), except that edges whose hint
    was already `said` in an earlier attempt come after the new ones, so each attempt teaches
    something new while there is something new to teach.
    """
    hinted = [e for e in comparison.missing if scenario.hints.get(e)]
    said = set(said)
    hinted.sort(key=lambda e: e in said)  # stable: importance order kept within each group
    return [Hint(e, tuple(scenario.hints[e])) for e in hinted[:max(0, limit)]]


# --------------------------------------------------------------------------------------------------
# Attempts


@dataclass(frozen=True, slots=True)
class Attempt:
    """One submitted map. `counted` is False when the map had problems (it used no attempt)."""

    number: int  # 1-based among counted attempts; 0 when not counted
    pmap: ProcessMap
    problems: tuple[MapProblem, ...]
    comparison: MapComparison
    hints: tuple[Hint, ...]

    @property
    def counted(self) -> bool:
        return not self.problems

    @property
    def score(self) -> int:
        return self.comparison.score


@dataclass
class Attempts:
    """The map phase of a round: a few attempts (the scenario's `kiosk.attempts`, 3 by default).

    `submit` checks a map; a map with problems is returned with them and does not use an attempt (it
    could not be simulated anyway). A runnable map uses one, is scored, and comes back with at most two
    hints. The best attempt counts (the earliest among equals); the round is over after the last
    attempt or a perfect map, and then `revealed` gives the best attempt's comparison: its missing,
    extra and misrouted edges, for the screen to show.
    """

    scenario: Scenario
    limit: int | None = None
    history: list[Attempt] = field(default_factory=list)

    def __post_init__(self):
        if self.limit is None:
            self.limit = self.scenario.kiosk.attempts
        self.limit = max(1, int(self.limit))

    @property
    def used(self) -> int:
        return sum(1 for a in self.history if a.counted)

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def best(self) -> Attempt | None:
        counted = [a for a in self.history if a.counted]
        return max(counted, key=lambda a: a.score, default=None)  # max keeps the first of equals

    @property
    def finished(self) -> bool:
        best = self.best
        return self.remaining == 0 or (best is not None and best.comparison.perfect)

    @property
    def revealed(self) -> MapComparison | None:
        return self.best.comparison if self.finished and self.best else None

    def submit(self, pmap: ProcessMap) -> Attempt:
        if self.finished:
            raise RuntimeError("no attempts left in this round")
        problems = tuple(map_problems(self.scenario, pmap))
        comparison = compare_map(self.scenario, pmap)
        said = [h.edge for a in self.history for h in a.hints]
        hints = () if problems or comparison.perfect else tuple(hints_for(self.scenario, comparison,
                                                                            said=said))
        number = 0 if problems else self.used + 1
        attempt = Attempt(number, pmap, problems, comparison, hints)
        self.history.append(attempt)
        return attempt


# --------------------------------------------------------------------------------------------------
# Map files


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


def _parse_edge(text: str) -> Edge:
    # The loader's parser, so a map file and a scenario read edges the same way. Imported here rather
    # than at the top so that engine.scenario may one day use this module without a cycle.
    from .scenario import parse_edge

    return parse_edge(text)


@dataclass(frozen=True, slots=True)
class _Read:
    pmap: ProcessMap
    edge_pos: tuple[dict[str, int], ...]
    step_pos: Mapping[str, dict[str, int]]
    #: where a problem of the whole map (nothing arrives, no exit) is shown: the `edges` key, or 1:1
    map_pos: Mapping[str, int] = field(default_factory=lambda: {"line": 1, "col": 1})


def _read(text: str, name: str, scenario: Scenario | None) -> _Read:
    """Read a map file through the loader's reader (engine.yamlpos): duplicate keys, alias bombs and
    binary junk are refused there, and every key and value keeps its line and column."""
    from .yamlpos import YamlError, parse

    problems: list[MapProblem] = []
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

    def at(path, key: bool = False) -> dict[str, int]:
        pos = doc.where(path, "key" if key else "value")
        return {"line": pos.line, "col": pos.col}

    def fail(message: str, path, key: bool = False):
        problems.append(MapProblem("file", message, **at(path, key)))

    data = doc.data
    for key in data:
        if key not in ("scenario", "edges", "layout"):
            fail(f"unknown key {key!r} (a map file has scenario, edges, layout)", (key,), key=True)
    sid = data.get("scenario")
    if sid is not None and not isinstance(sid, str):
        fail("`scenario` is the scenario's id, a string", ("scenario",))
        sid = None
    if scenario is not None and sid is not None and sid != scenario.id:
        fail(f"this map is for scenario '{sid}', not '{scenario.id}'", ("scenario",))

    edges: list[Edge] = []
    edge_pos: list[dict[str, int]] = []
    raw_edges = data.get("edges") or []
    if not isinstance(raw_edges, list):
        fail("`edges` is a list of 'step.port -> step'", ("edges",))
        raw_edges = []
    for i, item in enumerate(raw_edges):
        path = ("edges", i, "edge") if isinstance(item, dict) and "edge" in item else ("edges", i)
        text_item = item.get("edge") if isinstance(item, dict) else item
        if not isinstance(text_item, str):
            fail("an edge is written 'step.port -> step'", path)
            continue
        try:
            edges.append(_parse_edge(text_item))
            edge_pos.append(at(path))
        except ValueError as exc:
            fail(str(exc), path)

    layout: dict[str, tuple[float, float]] = {}
    step_pos: dict[str, dict[str, int]] = {}
    raw_layout = data.get("layout") or {}
    if not isinstance(raw_layout, dict):
        fail("`layout` maps a step to its [x, y] position", ("layout",))
        raw_layout = {}
    for step, xy in raw_layout.items():
        ok = (isinstance(xy, list) and len(xy) == 2
              and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in xy))
        if not ok:
            fail(f"`layout` maps a step to its [x, y] position, not {step!r}: {xy!r}", ("layout", step))
            continue
        layout[step] = (xy[0], xy[1])
        step_pos[step] = at(("layout", step), key=True)
    if problems:
        raise MapFileError(name, sorted(problems, key=lambda p: (p.line or 0, p.col or 0)))
    return _Read(ProcessMap(tuple(edges), layout=_frozen(layout), scenario=sid), tuple(edge_pos),
                 step_pos, at(("edges",), key=True) if "edges" in data else {"line": 1, "col": 1})


def _frozen(d: dict) -> Mapping:
    from .model import frozen_map
    return frozen_map(d)


def loads_map(text: str, name: str = "<map>", scenario: Scenario | None = None) -> ProcessMap:
    """Parse a player's map from YAML text (safe_load). Raises MapFileError with positions when the
    file itself is malformed; whether the map runs is `map_problems`' question (or use `read_map`)."""
    return _read(text, name, scenario).pmap


def load_map(path: str | os.PathLike, scenario: Scenario | None = None) -> ProcessMap:
    """Read a player's map file (see `loads_map`); MapFileError when it cannot be read."""
    return loads_map(_read_file(path), os.fspath(path), scenario)


def _read_file(path: str | os.PathLike) -> str:
    """A map file's text through the scenarios' reader (engine.yamlpos.read_text): special files refused
    before they are opened, bytes that are not UTF-8 placed at their line and column."""
    from .yamlpos import YamlError, read_text

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
    from .files import write_text

    write_text(path, dumps_map(pmap, scenario_id))
