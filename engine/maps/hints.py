"""The advisors' hints: what they say about the missing edges that matter most, something new each attempt."""
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
