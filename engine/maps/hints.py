"""The advisors' hints: what they say about the missing edges that matter most, something new each attempt.

`hints_for` picks the scenario's own hint lines for the most important missing edges after an attempt;
`missing_work` says, at any moment, what the map lacks most (an unplaced card, an open port and the kind of
card it should reach, a misrouted port, an extra link) without naming the card the answer is, for the
tip an advisor gives when asked (game.play.tips).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..model import Edge, Line, Scenario
from .compare import MapComparison


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


@dataclass(frozen=True, slots=True)
class MissingWork:
    """The most important thing a map still lacks, as much as an advisor may say without the answer.

    `kind`: "unplaced" (the expert map's next link leaves a card the player has not placed: `step`),
    "open" (`step`'s `port` has no link and the expert map gives it one: `leads_to` is the kind of card
    it should reach, "exit", "service"..., never which card), "misrouted" (`step`'s `port` is linked, to
    another card than the expert's), "extra" (nothing is missing, but a link from `step`'s `port` is
    not in the expert map), "done" (the map is the expert's). `left` counts the missing links.
    """

    kind: str
    step: str | None = None
    port: str | None = None
    leads_to: str | None = None
    left: int = 0


def missing_work(scenario: Scenario, comparison: MapComparison, placed: Iterable[str]) -> MissingWork:
    """What `comparison` (engine.maps.compare_map of a map whose cards are `placed`) says is missing,
    most important first (the order of `comparison.missing`)."""
    placed = set(placed)
    misrouted = {theirs: mine for mine, theirs in comparison.misrouted}
    left = len(comparison.missing)
    for e in comparison.missing:
        if e.src not in placed:
            return MissingWork("unplaced", e.src, left=left)
        kind = scenario.steps[e.dst].kind if e.dst in scenario.steps else None
        if e in misrouted:
            return MissingWork("misrouted", e.src, e.port, kind, left)
        return MissingWork("open", e.src, e.port, kind, left)
    if comparison.extra:
        e = comparison.extra[0]
        return MissingWork("extra", e.src, e.port, left=0)
    return MissingWork("done")
