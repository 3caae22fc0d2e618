"""The rows the store hands back: a leaderboard line, a lead, a workshop team, a team's round.

Frozen dataclasses, the same whichever database keeps them. The score is `profit` (money, on the
evaluation days); `score` is still written (its rounded value) for older readers and never shown; rows
kept before the score was money have no profit and rank after every row that has one. Times are ISO strings in UTC; KPIs are their
means by name (None where a mean was not a number); rule values are in the scenario's order of levers;
edges are their readable text, `src.port -> dst` (engine.format.parse_edge reads them back).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """A line of the leaderboard."""

    id: int
    initials: str
    scenario: str
    score: int  # kept for older readers: round(profit), or an old row's 0-1,000 points; never shown
    stars: int
    map_score: int
    kpis: dict[str, float | None]
    day: str  # ISO date (UTC) of the daily board
    seed: int | None  # the daily challenge's seed the round was played on
    created: str  # ISO timestamp, UTC
    profit: float | None = None  # the score: profit on the evaluation days (None: a row kept before)


@dataclass(frozen=True, slots=True)
class Lead:
    """A visitor who left their details, with the moment they consented."""

    id: int
    name: str
    company: str
    email: str
    consent_at: str  # ISO timestamp, UTC
    consent_text: str  # what the screen asked them to agree to
    scenario: str | None
    score: int | None  # kept for older readers: round(profit); never shown
    created: str
    profit: float | None = None  # the round's profit on the evaluation days


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    name: str
    workshop: str
    created: str
    rounds: int  # rounds played
    best: float | None  # best profit on the evaluation days (None: no round with one yet)


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """One round a workshop team played: enough to show it, compare it, and replay its day."""

    id: int
    team: str
    workshop: str
    round: int  # 1, 2, ... for each team
    scenario: str
    scenario_path: str | None  # the file it came from, to find a custom scenario again
    seed: int | None
    rules: dict[str, Any]
    edges: list[str]
    kpis: dict[str, float | None]
    score: int  # kept for older readers: round(profit), or an old row's 0-1,000 points; never shown
    stars: int
    map_score: int
    baseline: float | None  # the default rules' profit on the same evaluation days (for the debrief)
    par: float | None  # par's profit on the same days
    created: str
    baseline_kpis: dict[str, float | None] | None = None  # every KPI under the default rules, same seed
    par_kpis: dict[str, float | None] | None = None  # every KPI under par's rules, same seed
    profit: float | None = None  # the score: profit on the evaluation days (None: a row kept before)

    @property
    def rank_key(self) -> tuple:
        """The board's order (engine.scoring.rank_key): profit, then stars, then the map."""
        from engine.scoring import rank_key

        return rank_key(self.profit, self.stars, self.map_score)
