"""The day the run shows, and the scout that plays it ahead so that no frame runs an unproven piece.

The watched day is replication 0 of the round's seed, on the round's map and rules (`watched_day`; a
map that cannot be built gives `NoDay`, a day already over with nothing in it). The game never waits on
the engine, yet a map can make a day that never ends (a caller sent back to the card it left, round and
round in no time, or for ever in the drain), and a compiled engine holds the interpreter for as long as
one piece of a day lasts. So a scout (`scout_day`) plays the same day (same seed, rules, and the levers
pulled so far, at the same moments) ahead in a forked child (game.core.jobs), reporting how far it got;
the scene (the `Scouting` part of `RunScene`) keeps that as `proven`, and the watched day on the main
thread never goes past it. The scout plays `Day(script=played)`: the watched day's own script, so it
is the same day to the event. A scout that stops getting further for `scout_stall` wall seconds, whose
clock runs past `RUNAWAY` horizons, or that raises, is stopped (killed), and the day is declared
`doomed` where the scout was stuck: the watched day plays up to there, then ends on the card of a day
that cannot finish (game.scenes.run.stuck says it in words). A lever pulled or a decision taken
mid-day makes it another day from that moment: the scout starts again. Until then the scout takes each
decision's default, so what it proves past a decision still to be taken may be of another day: the
scout starts again at the decision, and `proven` falls back to that moment.
"""
from __future__ import annotations

import math
import time

from engine.sim import Day

from game.core.jobs import Job
from game.scenes.run.stuck import end_words, slow_words

RUNAWAY = 10.0  # a day still going after this many horizons will not end
SCOUT_SLICES = 200  # the scout reports its progress this many times a horizon
SCOUT_STALL = 8.0  # wall seconds the scout may go without getting further


class RunawayDay(Exception):
    """The scout's day ran far past its horizon: it will not end."""


def watched_day(scenario, pmap, rules, seed, trace: bool = False, script=(), ask: bool = False) -> Day:
    """Replication 0 of `seed` on `pmap` with `rules`, playing `script` (engine.sim.Day): the day the run
    shows (`ask=True`: it stops at each decision for the player) and the scout proves (`ask=False`: a
    decision not in the script takes its default)."""
    return Day(scenario, pmap=pmap, rules=rules, seed=seed, replication=0, trace=trace, script=tuple(script),
               ask=ask)


class NoDay:
    """Stands in for a Day that could not be built: already over, with nothing in it."""

    def __init__(self, scenario):
        self.now = 0.0
        self.end_time = 0.0
        self.done = True
        self.rules = {}
        self.scenario = scenario
        self.played: list = []
        self.asking = None

    def advance(self, until=None):
        return iter(())

    def apply_rules(self, values) -> None:
        pass

    def decide(self, choice_id) -> None:
        pass

    def busy_counts(self):
        return {pid: (0, p.count) for pid, p in self.scenario.resources.items()}

    def kpis(self):
        return {}


def scout_day(scenario, pmap, rules, seed, played, progress) -> float:
    """The watched day, played ahead in a child process (see the module docstring): replication 0 on the
    same seed from the rules it began with, playing its script so far (`played`: the levers pulled and the
    decisions taken at their moments; a decision still to come takes its default). Reports
    `progress(proven_time, 0)` every `1/SCOUT_SLICES` of the horizon, `progress(inf, 1)` at the end."""
    day = watched_day(scenario, pmap, rules, seed, script=played)
    horizon = float(scenario.time.horizon)
    step = horizon / SCOUT_SLICES
    reached = 0.0
    while not day.done:
        target = reached + step
        for _ in day.advance(target):
            pass
        reached = target
        if day.now > horizon * RUNAWAY:
            raise RunawayDay(f"the clock passed {RUNAWAY:g} times the day's length")
        progress(reached, 0)
    progress(math.inf, 1)
    return day.now


class Scouting:
    """The run scene's watch over its scout: `proven` (how far the day is proven to finish), `doomed`
    ((sim time, words) where it will not go on), `scout` (the job, None once it is over)."""

    def _init_scout(self, background: bool, scout_stall: float) -> None:
        self.scout_stall = scout_stall
        self.scout: Job | None = None
        self.proven = math.inf if not background else 0.0
        self._proven_at = 0.0  # wall time (perf_counter) the scout last got further
        self.doomed: tuple[float, str] | None = None

    def _send_scout(self) -> None:
        """(Re)start the scout on the day as it stands: its start rules and its script so far."""
        if self.scout is not None:
            self.scout.cancel()
        self.proven = min(self.proven, self.day.now)
        self._proven_at = time.perf_counter()
        self.doomed = None
        self.scout = Job(scout_day, self.scenario, self.pmap, dict(self.round.start_rules), self.round.run_seed,
                         list(getattr(self.day, "played", ())), name="scout", process=True,
                         with_progress=True)  # no deadline: stalls are watched

    def _watch_scout(self) -> None:
        """Take the scout's progress; declare the day doomed where the scout stopped getting further."""
        scout = self.scout
        if scout is None or self.doomed is not None:
            return
        reached = float(scout.progress[0])
        if reached > self.proven:
            self.proven, self._proven_at = reached, time.perf_counter()
        if scout.done:
            self.scout = None
            if scout.error is None:
                self.proven = math.inf
                return
            self.doomed = (self.proven, slow_words(self.scenario) if scout.timed_out else
                           end_words(self.scenario, scout.error, scout.error_kind))
        elif time.perf_counter() - self._proven_at > self.scout_stall:
            scout.cancel()  # getting no further: a day that cannot end (or cannot end in time)
            self.scout = None
            self.doomed = (self.proven, slow_words(self.scenario))
