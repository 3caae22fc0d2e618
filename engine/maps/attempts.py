"""The map phase of a round: a few attempts, the best one counts, and the expert map revealed at the end.

`Attempts` keeps the score of a round: three attempts by default (the scenario's `kiosk.attempts`); a map
with problems uses none (`engine.maps.check`), a runnable one is scored (`engine.maps.compare`) and comes
back with at most two hints (`engine.maps.hints`); after the last attempt or a perfect map, the missing
and extra edges are revealed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import ProcessMap, Scenario
from .check import map_problems
from .compare import MapComparison, compare_map
from .hints import Hint, hints_for
from .problem import MapProblem


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
