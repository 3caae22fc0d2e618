"""Whether a player's map can run: what stops it, in words a player understands, each at the card to fix.

The map phase of a round: the player places cards (steps) and draws edges between their ports, then
submits. `map_problems` is the one judge of what can run, for the player's map and for the expert maps of
a file (`engine.load` asks it too): first the drawing, edge by edge (`_wire`), then the drawing as a whole
(a source placed, every card reached, every port connected, no card cut off from every exit), and on a
drawing sound in all that, the loops that would hold work for ever all the same (`engine.maps.loops`,
which reads probabilities and durations).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Edge, ProcessMap, Scenario
from . import loops  # looked up at each call: a test may let the loop judge look away (tests/game/core)
from .graph import closed_loops, reach
from .problem import MapProblem, step_label


def map_problems(scenario: Scenario, pmap: ProcessMap) -> list[MapProblem]:
    """Every reason `pmap` cannot run in `scenario`; an empty list means the map is runnable.

    Checked, in this order: each edge names steps of the scenario and a port its step has, nothing flows
    into a source, at most one edge leaves each port; at least one source is placed; every placed step
    is reachable from a source; every port of a placed step is connected (an unconnected optional port,
    `abandoned`, is allowed: those entities end as abandoned); no step is trapped in a loop with no way
    to an exit. Cycles with a way out (rework) are allowed. On a map sound as a drawing, then, no loop
    may hold work for ever (`engine.maps.loops`): none whose every way out has probability 0 for some
    entities (`done -> same step`, `resolve: 0` wired back), none that takes no time.

    A problem is reported where the player has to act: for a group of cards cut off from the sources,
    once, at the card that needs an incoming edge (the others are listed in `steps`); for a step whose
    port is unconnected, at that port, and not again as a dead end; for a closed loop, once.
    """
    steps = scenario.steps
    problems: list[MapProblem] = []
    for sid in pmap.layout:
        if sid not in steps:
            problems.append(MapProblem(
                "unknown_step", f"There is no card '{sid}' in this scenario.", step=sid, steps=(sid,)))
    wiring = _wire(scenario, pmap, problems)
    known = [s for s in pmap.steps if s in steps]
    sources = [s for s in known if steps[s].kind == "source"]
    if not sources:
        palette = [s.label for s in steps.values() if s.kind == "source"]
        which = f" (the '{palette[0]}' card)" if len(palette) == 1 else ""
        problems.append(MapProblem(
            "no_source", f"Nothing arrives: place a source{which} and connect it to the first step."))
        return problems  # without a source every card is cut off; saying so for each would be noise
    reached = reach(sources, wiring.succ)
    problems += _cut_off(scenario, known, reached, wiring)
    open_ports = _open_ports(scenario, known, wiring, problems)
    problems += _dead_ends(scenario, known, reached, open_ports, wiring)
    if not problems:  # the map is sound as a drawing: can it hold work for ever all the same?
        problems += loops.loop_problems(scenario, pmap)
    return problems


@dataclass
class _Wiring:
    """The edges that passed `_wire`, as the flow checks read them."""

    succ: dict[str, list[str]] = field(default_factory=dict)  # step -> the steps its ports lead to
    pred: dict[str, list[str]] = field(default_factory=dict)  # step -> the steps leading to it
    used: dict[tuple[str, str], Edge] = field(default_factory=dict)  # (step, port) -> its edge
    #: cards whose every incoming edge was refused: already explained, not cut off again
    refused_into: set[str] = field(default_factory=set)


def _wire(scenario: Scenario, pmap: ProcessMap, problems: list[MapProblem]) -> _Wiring:
    """Check the edges one by one (adding to `problems`); only the edges that pass are wired for the
    flow checks."""
    wiring = _Wiring()
    rejected_into: set[str] = set()  # cards with an incoming edge refused here
    passed_into: set[str] = set()
    for i, e in enumerate(pmap.edges):
        rejected_into.add(e.dst)
        problem = _edge_problem(scenario, e, i, wiring.used)
        if problem is not None:
            problems.extend(problem)
            continue
        wiring.used[(e.src, e.port)] = e
        passed_into.add(e.dst)
        wiring.succ.setdefault(e.src, []).append(e.dst)
        wiring.pred.setdefault(e.dst, []).append(e.src)
    wiring.refused_into = rejected_into - passed_into
    return wiring


def _edge_problem(scenario: Scenario, e: Edge, i: int, used: dict[tuple[str, str], Edge]
                  ) -> list[MapProblem] | None:
    """What is wrong with edge number `i` on its own (both ends unknown: two problems), or None."""
    steps = scenario.steps
    unknown = [MapProblem("unknown_step", f"There is no card '{sid}' in this scenario: remove the edge {e}.",
                          step=sid, edge=e, steps=(sid,), edge_index=i)
               for sid in (e.src, e.dst) if sid not in steps]
    if unknown:
        return unknown
    src, dst = steps[e.src], steps[e.dst]
    if src.kind == "exit":
        return [MapProblem(
            "exit_port", f"'{src.label}' is an exit: nothing leaves it. Remove the edge to "
            f"'{dst.label}'.", step=e.src, port=e.port, edge=e, steps=(e.src,), edge_index=i)]
    if e.port not in src.ports:
        return [MapProblem(
            "unknown_port", f"'{src.label}' has no port '{e.port}' (its ports: "
            f"{', '.join(src.ports)}).", step=e.src, port=e.port, edge=e, steps=(e.src,),
            edge_index=i)]
    if dst.kind == "source":
        return [MapProblem(
            "into_source", f"'{dst.label}' is where work arrives: nothing can flow into it. "
            f"Connect '{src.label}' ({e.port}) to another card.", step=e.dst, port=e.port, edge=e,
            steps=(e.src, e.dst), edge_index=i)]
    first = used.get((e.src, e.port))
    if first is not None:
        if first.dst == e.dst:
            msg = f"The edge {e} is drawn twice: remove one."
        else:
            msg = (f"'{src.label}' sends '{e.port}' to two places ('{step_label(scenario, first.dst)}' "
                   f"and '{dst.label}'): keep one.")
        return [MapProblem("duplicate_port", msg, step=e.src, port=e.port, edge=e, steps=(e.src,), edge_index=i)]
    return None


def _cut_off(scenario: Scenario, known: list[str], reached: dict[str, int], wiring: _Wiring) -> list[MapProblem]:
    """Cards cut off from every source: reported at the cards that need an incoming edge (the roots of
    each cut-off group, or one card of a cut-off loop), listing what lies behind them."""
    problems = []
    cut = [s for s in known if s not in reached]
    cut_set = set(cut)
    reported: set[str] = set()
    roots = [s for s in cut if not any(p in cut_set for p in wiring.pred.get(s, ()))]
    for root in roots:
        behind = reach([root], wiring.succ)
        reported |= set(behind)
        if root not in wiring.refused_into:
            problems.append(_unreachable(scenario, root, [s for s in cut if s in behind]))
    for s in cut:  # what is left is cut off inside loops with no way in
        if s not in reported:
            behind = reach([s], wiring.succ)
            reported |= set(behind)
            problems.append(_unreachable(scenario, s, [t for t in cut if t in behind]))
    return problems


def _open_ports(scenario: Scenario, known: list[str], wiring: _Wiring, problems: list[MapProblem]) -> set[str]:
    """Every required port connected: the problems of those that are not (added to `problems`), and the
    steps that have one."""
    open_ports: set[str] = set()
    for s in known:
        step = scenario.steps[s]
        for port in step.ports:
            if (s, port) in wiring.used or port in step.optional_ports:
                continue
            open_ports.add(s)
            problems.append(MapProblem(
                "unconnected_port", f"'{step.label}' has an unconnected port '{port}': connect it to "
                f"the next card.", step=s, port=port, steps=(s,)))
    return open_ports


def _dead_ends(scenario: Scenario, known: list[str], reached: dict[str, int], open_ports: set[str],
               wiring: _Wiring) -> list[MapProblem]:
    """Trapped: steps from which no exit can be reached, once per closed loop.

    A step with an open port counts as having a way out (the player's fix there is to connect the port,
    already said). An unconnected `abandoned` port does not: only those who hang up would ever leave."""
    steps = scenario.steps
    outs = [s for s in known if steps[s].kind == "exit" or s in open_ports]
    escapes = set(reach(outs, wiring.pred))
    trapped = [s for s in known if s not in escapes and s in reached]
    problems = []
    for group in closed_loops(trapped, wiring.succ):
        labels = ", ".join(f"'{step_label(scenario, s)}'" for s in group)
        word = "card" if len(group) == 1 else "cards"
        problems.append(MapProblem(
            "dead_end", f"Work that reaches {labels} goes round for ever: give the {word} a way to an "
            f"exit.", step=group[0], steps=tuple(group)))
    return problems


def _unreachable(scenario: Scenario, root: str, behind: list[str]) -> MapProblem:
    others = len(behind) - 1
    tail = "" if others <= 0 else f" (nor the {others} card{'s' if others > 1 else ''} after it)"
    return MapProblem(
        "unreachable", f"Nothing reaches '{step_label(scenario, root)}'{tail}: connect a card to it.",
        step=root, steps=tuple(behind))
