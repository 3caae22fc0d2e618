"""Loops that can hold work for ever: the part of the map check (`engine.maps.check.map_problems`) that reads
probabilities and durations, not only the drawing.

A map that is sound as a drawing (every port connected, every card reachable, an exit reachable from every
card) can still never end its day, in two ways:

- **A trap.** Think of the map as a Markov chain for one kind of entity: each card sends it on through the
  ports it can really take. A port of probability 0 does not count (a branch of 0, `done` when `resolve` is
  0, `unresolved` when it is 1), and neither does a way out that only some runs take: `abandoned` (only who
  waits too long), `overflow` (only when the queue is slow), an inventory's `out` (only when the shelf is
  empty). A route sends an entity through the port of its own attribute value, every time: callers whose
  `need` is `billing` take `billing` at every pass, so each combination of the values routes look at is
  its own kind of entity. A group of cards such an entity can reach, whose every real way out leads back
  into the group (a closed class of the chain), keeps it for ever: `desk.done -> desk`, `resolve: 0` with
  `unresolved` wired back, `route_need.billing -> route_need`.
- **A loop that takes no time.** A cycle of cards each of which can be passed in no time at all (branch,
  route, inventory, batch, and a delay or service whose duration can be exactly 0, such as `constant 0`
  or an empirical list with a 0) can be gone round any number of times at one instant: the clock never
  moves, and a day that meets it may never end. Any such cycle is refused, with or without a way out.

Both are said in a player's words, at the edge that closes the loop (the one a player most likely drew
last), so the map screen can ring it and `validate` can give its line and column. The engine guards as
well (the simulation stops an entity that passes too many no-time steps in one move), for what no check
can foresee, such as a duration set to 0 while the day runs.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product
from typing import Mapping, Sequence

from ..distributions import Distribution, as_distribution
from ..model import Edge, ProcessMap, Scenario
from .graph import components, is_loop, reach
from .problem import MapProblem, describe_edge, step_label

__all__ = ["loop_problems", "takes_no_time"]

#: Combinations of routed attribute values analysed one by one; beyond this many, routes are read as
#: random splits (loops that only some values close are then left to the engine's guard).
MAX_CLASSES = 512
#: A duration this small against the horizon cannot move the clock (time + duration == time in floats
#: long before it adds up): it counts as no time.
NO_TIME = 1e-12
#: A way out taken less often than this per pass does not count: an entity would go round its loop about
#: 1 / RARE times on average before it leaves (`resolve: 1e-300` is a trap in all but name). The work
#: budget would see such a day only as "too much work", without saying where.
RARE = 1e-4


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of entity for the analysis: an entity type and the values of the attributes routes read
    (`values` empty when routes are read as random splits)."""

    etype: str
    values: Mapping[str, str]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Move:
    """A way a step can send an entity on: to `dst` (None: it ends there) through `port`.

    `sure` is False for ways out only some runs take (abandoned, overflow, out of stock); `instant` is True
    when passing the step this way can take no time. Ports never taken are not moves (`_moves` lists them
    apart, with why, for the message)."""

    port: str
    dst: str | None
    sure: bool
    instant: bool


def takes_no_time(dist: Distribution, horizon: float, factor: float = 1.0) -> bool:
    """Whether a duration drawn from `dist` (times `factor`) can be exactly 0, or too small to move the clock
    of a day of length `horizon`."""
    tiny = max(horizon, 1.0) * NO_TIME
    p = dist.params
    k = dist.kind
    if k == "empirical":
        least = min(p) if p else 0.0
    elif k in ("uniform", "triangular"):
        least = p[-1]  # all of it near 0 only when the top is
    elif k == "normal":
        least = p[0] + 6 * p[1]  # truncated at 0: an atom at 0 only when nearly all of it lies below
    else:  # constant, exponential, lognormal, gamma: their first parameter is the value or the mean
        least = p[0] if p else 0.0
    return least * factor <= tiny


def _duration_cases(scenario: Scenario, sid: str, base: Sequence[Distribution]) -> tuple[list[Distribution], float]:
    """The distributions a step's duration can have during the day (its own, any an event sets) and the
    smallest factor events can scale it by (all that shrink it at once)."""
    dists = list(base)
    factor = 1.0
    path = f"steps.{sid}.duration"
    for ev in scenario.events:
        for p, f in ev.scale:
            if p == path and f < 1.0:
                factor *= max(0.0, f)
        for p, value in ev.set:
            if p == path:
                try:
                    dists.append(as_distribution(value))
                except (TypeError, ValueError, KeyError):
                    pass  # the format check has said so
    return dists, factor


def _instant(scenario: Scenario, sid: str, base: Sequence[Distribution]) -> bool:
    dists, factor = _duration_cases(scenario, sid, base)
    return any(takes_no_time(d, scenario.time.horizon, factor) for d in dists)


def _moves(scenario: Scenario, sid: str, kind: _Kind, targets: Mapping[tuple[str, str], str]
           ) -> tuple[list[_Move], list[tuple[str, str]]]:
    """The moves `kind` can make from step `sid`, and the ports it never takes (with why)."""
    step = scenario.steps[sid]
    horizon = scenario.time.horizon
    moves: list[_Move] = []
    never: list[tuple[str, str]] = []

    def go(port: str, sure: bool = True, instant: bool = True) -> None:
        moves.append(_Move(port, targets.get((sid, port)), sure, instant))

    k = step.kind
    if k == "source":
        go("out", instant=False)
    elif k == "delay":
        go("out", instant=_instant(scenario, sid, [step.duration]))  # type: ignore[attr-defined]
    elif k == "batch":
        go("out")
    elif k == "branch":
        for port, prob in step.branches:  # type: ignore[attr-defined]
            if prob >= RARE:
                go(port)
            else:
                never.append((port, "its probability is 0" if prob <= 0 else f"its probability is only {prob:.2g}"))
    elif k == "route":
        by = step.by  # type: ignore[attr-defined]
        ent = scenario.entities.get(kind.etype)
        attr = ent.attribute(by) if ent is not None else None
        if attr is None:
            moves.append(_Move("", None, True, True))  # no such attribute: it ends there (engine.sim)
        elif by in kind.values:
            value = kind.values[by]
            if value in step.ports:
                go(value)
            else:
                moves.append(_Move(value, None, True, True))
        else:
            for value, prob in zip(attr.values, attr.probs):
                if prob > 0 and value in step.ports:
                    go(value)
    elif k == "inventory":
        go("ok")
        if "out" in step.ports:
            go("out", sure=False)
    elif k == "service":
        pools = [scenario.resources[p] for p in step.pools if p in scenario.resources]  # type: ignore[attr-defined]
        serving = [p.id for p in pools if p.serves(step.skill)]  # type: ignore[attr-defined]
        durations = [step.duration_for(p) for p in serving]  # type: ignore[attr-defined]
        instant = _instant(scenario, sid, durations)
        resolves = [step.resolve_for(p) for p in serving]  # type: ignore[attr-defined]
        if any(r >= RARE for r in resolves) or not resolves:
            go("done", instant=instant)
        else:
            least = max(resolves)
            never.append(("done", "it never resolves anything: resolve is 0" if least <= 0 else
                          f"it almost never resolves anything: resolve is only {least:.2g}"))
        if "unresolved" in step.ports:
            if any(r <= 1 - RARE for r in resolves):
                go("unresolved", instant=instant)
            else:
                never.append(("unresolved", "resolve is 1" if min(resolves) >= 1 else
                              f"resolve is {min(resolves):.6g}, so almost every call is resolved"))
        if "overflow" in step.ports:
            after = step.overflow_after  # type: ignore[attr-defined]
            go("overflow", sure=False, instant=after is not None and after <= max(horizon, 1.0) * NO_TIME)
        ent = scenario.entities.get(kind.etype)
        if "abandoned" in step.ports and ent is not None and ent.patience is not None:
            go("abandoned", sure=False, instant=takes_no_time(ent.patience, horizon))
    # an exit: no moves, the entity ends there
    return moves, never


def _kinds(scenario: Scenario, placed: Sequence[str]) -> list[_Kind]:
    """The kinds of entity the map's sources create, split by the values its routes read."""
    steps = scenario.steps
    routed = {steps[s].by for s in placed if steps[s].kind == "route"}  # type: ignore[attr-defined]
    by_type: dict[str, list[str]] = {}
    for s in placed:
        if steps[s].kind == "source":
            by_type.setdefault(steps[s].entity, []).append(s)  # type: ignore[attr-defined]
    kinds = []
    for etype, sources in by_type.items():
        ent = scenario.entities.get(etype)
        attrs = [a for a in (ent.attributes if ent is not None else ()) if a.name in routed]
        choices = [[v for v, p in zip(a.values, a.probs) if p > 0] for a in attrs]
        n = 1
        for c in choices:
            n *= max(1, len(c))
        if n > MAX_CLASSES:
            kinds.append(_Kind(etype, {}, tuple(sources)))
            continue
        for combo in product(*choices):
            kinds.append(_Kind(etype, dict(zip((a.name for a in attrs), combo)), tuple(sources)))
    return kinds


def loop_problems(scenario: Scenario, pmap: ProcessMap) -> list[MapProblem]:
    """The traps and no-time loops of a map that is sound as a drawing (see the module docstring)."""
    steps = scenario.steps
    placed = [s for s in pmap.steps if s in steps]
    targets: dict[tuple[str, str], str] = {}
    for e in pmap.edges:
        targets.setdefault((e.src, e.port), e.dst)
    drawn: dict[str, list[str]] = {}
    for (src, _), dst in targets.items():
        drawn.setdefault(src, []).append(dst)
    if not any(is_loop(g, drawn) for g in components(placed, drawn)):
        return []  # no cycle drawn at all: nothing can go round (most maps; the check stays cheap)
    order = {s: i for i, s in enumerate(placed)}
    problems: list[MapProblem] = []
    said: set[tuple[str, frozenset[str]]] = set()
    for kind in _kinds(scenario, placed):
        moves: dict[str, list[_Move]] = {}
        never: dict[str, list[tuple[str, str]]] = {}
        for s in placed:
            moves[s], never[s] = _moves(scenario, s, kind, targets)
        every = {s: [m.dst for m in ms if m.dst is not None] for s, ms in moves.items()}
        depth = reach(kind.sources, every)
        reached = [s for s in placed if s in depth]
        # traps: groups that sure moves never leave
        sure = {s: [m.dst for m in moves[s] if m.sure and m.dst is not None] for s in reached}
        for group in components(reached, sure):
            members = set(group)
            ends = any(m.dst is None and m.sure for s in group for m in moves[s])
            leaves = any(t not in members for s in group for t in sure[s])
            if ends or leaves or not is_loop(group, sure):
                continue
            key = ("trap", frozenset(group))
            if key not in said:
                said.add(key)
                problems.append(_trap(scenario, kind, group, moves, never, targets, depth, order))
        # loops that take no time
        instant = {s: [m.dst for m in moves[s] if m.instant and m.dst is not None] for s in reached}
        for group in components(reached, instant):
            if not is_loop(group, instant):
                continue
            key = ("zero_time_loop", frozenset(group))
            if key not in said and ("trap", frozenset(group)) not in said:
                said.add(key)
                problems.append(_no_time(scenario, kind, group, instant, moves, depth, order))
    return [_at_edge(p, pmap) for p in problems]


def _at_edge(problem: MapProblem, pmap: ProcessMap) -> MapProblem:
    """The problem with the position of its edge in the map's list (for a file's line and column)."""
    index = pmap.edges.index(problem.edge) if problem.edge in pmap.edges else None
    return replace(problem, edge_index=index)


def _closing_edge(group: Sequence[str], moves: Mapping[str, list[_Move]], inside: Mapping[str, Sequence[str]],
                  depth: Mapping[str, int], order: Mapping[str, int]) -> Edge:
    """The edge that closes the loop: back to the card nearest the sources, from the farthest one."""
    members = set(group)
    candidates = [Edge(s, m.port, m.dst) for s in group for m in moves[s]
                  if m.dst in members and m.dst in inside.get(s, ())]
    return max(candidates, key=lambda e: (depth.get(e.src, 0) - depth.get(e.dst, 0), order[e.src]))


def _who(scenario: Scenario, kind: _Kind, group: Sequence[str], capital: bool = True) -> str:
    """'Callers', or "Callers with need 'billing'" when a route on the loop decides who goes round."""
    ent = scenario.entities.get(kind.etype)
    label = ent.label if ent is not None and ent.label else kind.etype
    plural = label if label.endswith("s") else label + "s"
    plural = (plural[:1].upper() if capital else plural[:1].lower()) + plural[1:]
    routes = [scenario.steps[s].by for s in group if scenario.steps[s].kind == "route"]  # type: ignore[attr-defined]
    said = [f"{by} '{kind.values[by]}'" for by in dict.fromkeys(routes) if by in kind.values]
    return plural + (" with " + " and ".join(said) if said else "")


def _names(scenario: Scenario, group: Sequence[str]) -> str:
    names = [f"'{step_label(scenario, s)}'" for s in group]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _trap(scenario, kind, group, moves, never, targets, depth, order) -> MapProblem:
    members = set(group)
    sure = {s: [m.dst for m in moves[s] if m.sure and m.dst is not None] for s in group}
    edge = _closing_edge(group, moves, sure, depth, order)
    one = len(group) == 1
    blocked = [f"'{port}' is never taken ({why})" + ("" if one else f" at '{step_label(scenario, s)}'")
               for s in group for port, why in never[s] if targets.get((s, port)) not in members]
    unsure = sorted({m.port for s in group for m in moves[s] if not m.sure and m.dst not in members})
    fix_port: str | None = None
    decided = [(s, kind.values[scenario.steps[s].by]) for s in group  # type: ignore[attr-defined]
               if scenario.steps[s].kind == "route" and scenario.steps[s].by in kind.values]  # type: ignore[attr-defined]
    if blocked:
        why = "; ".join(blocked) + ", and every other way out leads back in"
    elif decided and all(len([m for m in moves[s] if m.sure]) == 1 for s, _ in decided):
        s, value = decided[0]
        where = "" if one else f" at '{step_label(scenario, s)}'"
        why = f"'{value}', the port they always take{where}, leads back in"
        fix_port = value
    else:
        why = f"every way out of {'it' if one else 'these cards'} is wired back in"
    if unsure:
        only = {"abandoned": "those who give up waiting", "overflow": "those who wait too long",
                "out": "those who find the shelf empty"}
        why += " (only " + " or ".join(only.get(p, p) for p in unsure) + " would ever leave)"
    fix = "Link one of its ports to an exit." if one else "Link one of their ports to an exit."
    if fix_port is not None:
        fix = f"Link '{fix_port}' to another card."
    return MapProblem("trap", f"{_who(scenario, kind, group)} who reach {_names(scenario, group)} go round "
                      f"and round: {why}. {fix}", step=edge.src, port=edge.port, edge=edge, steps=tuple(group))


def _no_time(scenario, kind, group, instant, moves, depth, order) -> MapProblem:
    edge = _closing_edge(group, moves, instant, depth, order)
    cards = "card" if len(group) == 1 else "cards"
    return MapProblem("zero_time_loop", f"{describe_edge(scenario, edge)} closes a loop of {cards} that take no "
                      f"time: {_who(scenario, kind, group, capital=False)} could go round it for ever in an instant. "
                      "Remove the edge, or let the loop pass a card that takes time.",
                      step=edge.src, port=edge.port, edge=edge, steps=tuple(group))
