"""A player's map against the expert maps: edge by edge, scored 0-100, and what the round's end reveals.

A runnable map is compared with the scenario's reference map and each of its `alternatives`, edge by edge
(`compare_map`), and scored by the F1 of edges with the closest one. Its missing edges are ranked by how
much work would flow along them (`edge_importance`), which is the order the advisors coach them in
(`engine.maps.hints`) and the order the round's end reveals them (`reveal_lines`).

The map the player built, not the reference, is what gets simulated afterwards, so a poor map also costs
money in the run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Edge, ProcessMap, Scenario
from .flows import edge_flows
from .graph import reach, unique_edges
from .problem import describe_edge, step_label


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
    """The reference map, then the alternatives: the maps a player's map is compared with."""
    return [scenario.reference, *scenario.alternatives]


def edge_importance(scenario: Scenario, expert: ProcessMap) -> dict[Edge, tuple]:
    """A sort key per edge of `expert`, most important first.

    An edge matters more the more of the work flows along it in the expert map (`edge_flows`: a first
    edge every caller takes outranks a branch a few take, a rework edge comes late); between edges that
    carry as much, the one that cuts more cards off from the sources when it is missing, then the one
    nearer a source (the player meets it first), then the expert file's order.
    """
    edges = unique_edges(expert.edges)
    sources = [s for s in expert.steps if getattr(scenario.steps.get(s), "kind", "") == "source"]

    def successors(skip: Edge | None) -> dict[str, list[str]]:
        succ: dict[str, list[str]] = {}
        for e in edges:
            if e != skip:
                succ.setdefault(e.src, []).append(e.dst)
        return succ

    flows = edge_flows(scenario, expert)
    full = reach(sources, successors(None))
    key = {}
    for i, e in enumerate(edges):
        lost = len(full) - len(reach(sources, successors(e)))
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
    player = unique_edges(pmap.edges)
    start = set(scenario.start_map.edges)
    best: MapComparison | None = None
    for index, expert in enumerate(_experts(scenario)):
        ref = unique_edges(expert.edges)
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



def reveal_lines(scenario: Scenario, comparison: MapComparison) -> list[str]:
    """What the round's end shows: each misrouted port, then each other missing and extra edge."""
    lines = []
    wrong = {p for p, _ in comparison.misrouted}
    right = {x for _, x in comparison.misrouted}
    for mine, theirs in comparison.misrouted:
        lines.append(f"'{step_label(scenario, mine.src)}' ({mine.port}) goes to '{step_label(scenario, mine.dst)}'; "
                     f"the expert sends it to '{step_label(scenario, theirs.dst)}'.")
    lines += [f"Missing: {describe_edge(scenario, e)}." for e in comparison.missing if e not in right]
    lines += [f"Not in the expert map: {describe_edge(scenario, e)}." for e in comparison.extra
              if e not in wrong]
    return lines


def score_map(scenario: Scenario, pmap: ProcessMap) -> int:
    """The map score, 0-100 (see `compare_map` for the formula)."""
    return compare_map(scenario, pmap).score
