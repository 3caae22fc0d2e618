"""The kiosk's clocks over a visitor's round: the round timer on its budget, the time's-up moment, and the
watchdog.

- The round timer starts when a new round comes on screen (`_watch_round`, which also gives the round the
  day's challenge seed) with the scenario's `kiosk.round_seconds` (180 by default), split between the
  phases by the round's `Budget` (game.modes.kiosk.budget). It runs while the round is between its
  briefing and the end of its day (`timing`; never once the day is over, nor on the kiosk's own screens
  after the results; on a day that stopped because it cannot finish, it runs on to the results). The timer shows the time left for the phase on screen, in words.
- When the time before the day runs out (`Budget.before_run`) on the briefing, the map or the rules, the
  visitor sees "Time's up" for `TIMES_UP_SECONDS` (input is not taken meanwhile), and then the day runs
  with what they built (`_to_the_day`): the best attempt's map, else the map as it stands when it can run
  (scored as it is), else the expert's map runs the day and the visitor's map keeps its score; the rules
  as they are. That day has no way back to the map or the rules (`late`): the time for them is over.
- The day is never cut: each frame the run screen is given the seconds the day may still take
  (`play_seconds`: the round's time left, less the decisions still to come and the end card), and picks
  its speed from them (game.scenes.run.pace). When the round's time is out the day plays its end as fast
  as it can (a day the visitor paused goes on again); only a day that stopped because it cannot finish
  goes to the results when the time is out.
- The watchdog (`phase_limit`) returns the kiosk to attract mode, with a line in the log, when one screen
  has lasted longer than it ever should: the briefing, the map or the rules `round_seconds + 60` (the
  time's-up moment ends them sooner), the day `round_seconds` + the results run's deadline + 60, the
  results while they are still being tallied `round_seconds` (the tally gives up by itself sooner), every
  other screen of a round four times `round_seconds` (the idle reset usually ends those much sooner, but a
  screen that takes taps and never lets go must end too).

`RoundTimer` is the part of the `Kiosk` layer (game.modes.kiosk.mode) that keeps them.
"""
from __future__ import annotations

from types import SimpleNamespace

from game.core.scene import Scene
from game.modes.kiosk.boards import BoardsScene
from game.modes.kiosk.budget import PHASES, TIMES_UP_SECONDS, Budget, decision_seconds, plan
from game.modes.kiosk.initials import InitialsScene
from game.modes.kiosk.lead import LeadScene
from game.modes.shared import log
from game.play import flow
from game.scenes.results import ResultsScene
from game.scenes.run import RunScene
from game.scenes.run.ending import TALLY_DEADLINE

ROUND_PHASES = PHASES  # the phases the round timer runs in
POST_ROUND = (InitialsScene, BoardsScene, LeadScene)  # the kiosk's own screens after the results


def name_of(screen: Scene | None) -> str:
    """The name of the screen on top ("" for none)."""
    return screen.name if screen is not None else ""


def settle_map(rnd) -> None:
    """The map the day runs when the time ran out before the map was finished (see the module docstring)."""
    from engine.maps import map_problems, score_map

    if rnd.phase not in ("briefing", "map"):
        return  # the map phase was finished: its best attempt is the round's map already
    sc = rnd.scenario
    best = getattr(rnd.attempts, "best", None)
    if best is not None and getattr(best, "pmap", None) is not None:
        rnd.edges, rnd.layout, rnd.map_score = list(best.pmap.edges), dict(best.pmap.layout), best.score
        return
    rnd.map_score = score_map(sc, rnd.pmap)
    if map_problems(sc, rnd.pmap):  # the map cannot run yet: its score stands, the expert map runs the day
        rnd.edges, rnd.layout = list(sc.reference.edges), {}
    rnd.attempts = SimpleNamespace(best=SimpleNamespace(score=rnd.map_score), finished=True)


def next_words(rnd) -> str:
    """What the time's-up moment says happens next, with the map the day will run (`settle_map`)."""
    from engine.maps import map_problems

    if rnd.phase == "rules":
        return "Now the day runs with your map and your rules."
    if getattr(getattr(rnd.attempts, "best", None), "pmap", None) is not None:
        return "Now the day runs with your best map and the usual rules."
    if not map_problems(rnd.scenario, rnd.pmap):
        return "Now the day runs with your map as it is and the usual rules."
    return "Your map isn't finished, so the expert's map runs the day. Your map keeps its score."


class RoundTimer:
    """The kiosk's round timer, time's-up moment and watchdog (see the module docstring)."""

    def _init_timer(self) -> None:
        self.round = None  # the round being timed
        self.budget: Budget | None = None
        self.elapsed = 0.0  # seconds of the round so far
        self.times_up: float | None = None  # seconds left of the time's-up moment, while it shows
        self.times_up_words = ""  # what it says happens next
        self.late = False  # the time before the day ran out: the day runs what was built, no way back to it
        self.day_ended_at: float | None = None  # the round's seconds when its day ended (tests, the log)
        self.screen = None  # the screen the watchdog times, and for how long it has been on
        self.screen_age = 0.0
        self.watchdog_trips = 0

    @property
    def left(self) -> float:
        """Seconds left in the round."""
        return max(0.0, self.round_seconds() - self.elapsed)

    # --- the round timer -----------------------------------------------------------------------
    def _watch_round(self, top) -> None:
        rnd = getattr(top, "round", None)  # any screen of a round (the title and select have none)
        if rnd is not None and rnd is not self.round:
            self._start_round(rnd)

    def _start_round(self, rnd) -> None:
        """A new round on screen: its budget, its clock from zero, the day's challenge seed."""
        self.round = rnd
        self.elapsed = 0.0
        self.times_up = self.day_ended_at = None
        self.late = False
        self.budget = plan(rnd.scenario, self.round_seconds())
        if self.options.daily and rnd.seed is None:
            from engine.scoring import daily_seed

            rnd.seed = daily_seed(scenario_id=rnd.scenario.id)

    @property
    def timing(self) -> bool:
        """Whether the round timer runs now: a round between its briefing and the end of its day."""
        if self.state != "play" or self.round is None or self.round.phase not in ROUND_PHASES:
            return False
        top = self.app.stack.top
        if isinstance(top, POST_ROUND):
            return False
        return not (isinstance(top, RunScene) and top.ended_at is not None and top.stuck is None)

    def phase_left(self) -> tuple[float, str]:
        """(seconds, words) the timer shows: the time left for the phase on screen (Budget.phase_words)."""
        if self.budget is None or self.round is None:
            return self.left, ""
        if self.times_up is not None:
            return 0.0, "Time's up"
        return self.budget.phase_words(self.round.phase or "briefing", self.elapsed)

    def round_seconds(self) -> float:
        rnd = self.round
        if self.options.round_seconds:
            return float(self.options.round_seconds)
        return float(rnd.scenario.kiosk.round_seconds) if rnd is not None else 180.0

    def _timer(self, top, dt: float) -> bool:
        """Count the round on; True when this frame's input is the kiosk's (the time's-up moment)."""
        self.elapsed += dt
        if self.times_up is not None:
            self.times_up -= dt
            if self.times_up <= 0:
                self.times_up = None
                self._to_the_day()
            return True
        if isinstance(top, RunScene):
            self._pace(top)
            return False
        if self.round.phase in ("briefing", "map", "rules") and self.elapsed >= self.budget.before_run:
            self.times_up = TIMES_UP_SECONDS
            self.times_up_words = next_words(self.round)
            return True
        return False

    def _to_the_day(self) -> None:
        """After "Time's up": the day runs with the map and rules the visitor has (see the module docstring)."""
        rnd = self.round
        settle_map(rnd)
        self.late = True
        flow.go(self.app, rnd, "run")

    def _pace(self, run: RunScene) -> None:
        """Give the day the seconds it may still take; past the round's time, a day that stopped goes to the
        results and a paused one plays on."""
        run.play_seconds = self.day_seconds(run.sim_time)
        if self.left > 0:
            return
        if run.stuck is not None:  # a day that stopped because it cannot finish: on to the results
            flow.go(self.app, self.round, "results")
        elif run.paused and not run.levers_open and getattr(run.day, "asking", None) is None:
            run.paused = False  # the visitor paused the day and the time is out: it plays its end

    def day_seconds(self, sim_time: float) -> float:
        """The seconds the day may still take at `sim_time`: the round's time left, less the decisions still
        to come and the end card."""
        sc = self.round.scenario
        asked = [ev for ev in sc.events if getattr(ev, "decision", None) is not None]
        still = sum(s for ev, s in zip(asked, decision_seconds(sc)) if ev.at > sim_time)
        return max(0.0, self.left - still - self.budget.end)

    def _watch_day_end(self, top) -> None:
        """Note the round's seconds when its day ended (the log and the tests read it)."""
        if isinstance(top, RunScene) and top.ended_at is not None and self.day_ended_at is None \
                and top.round is self.round:
            self.day_ended_at = self.elapsed

    # --- the watchdog ------------------------------------------------------------------------------
    def phase_limit(self, top) -> float:
        """The longest a screen of a visitor's round may last (see the module docstring)."""
        total = self.round_seconds()
        if isinstance(top, RunScene):
            return total + TALLY_DEADLINE + 60.0
        if name_of(top) in ROUND_PHASES:
            return total + 60.0
        if isinstance(top, ResultsScene) and not top.settled:
            return total
        return 4.0 * total

    def _watchdog(self, top, dt: float) -> bool:
        """Back to attract (logged) when `top` has overrun its limit; True when it did."""
        if top is not self.screen:
            self.screen, self.screen_age = top, 0.0
            return False
        self.screen_age += dt
        limit = self.phase_limit(top)
        if self.screen_age <= limit:
            return False
        self.watchdog_trips += 1
        self.log(f"watchdog: the {name_of(top) or '?'} screen lasted {self.screen_age:.0f} s "
                 f"(its limit is {limit:.0f} s); back to attract mode")
        self.to_attract()
        return True

    def log(self, line: str) -> None:
        """A line in the kiosk's log (the crash guard's file)."""
        log(self.app, line, "watchdog")
