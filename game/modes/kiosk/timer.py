"""The kiosk's clocks over a visitor's round: the round timer with its grace, and the watchdog.

- The round timer starts when a new round comes on screen (`_watch_round`, which also gives the round the
  day's challenge seed) with the scenario's `kiosk.round_seconds` (180 by default), and runs while the
  round is between its briefing and the end of its run (`timing`; never on the kiosk's own screens after
  the results). When it runs out (`time_up`) the day is tallied with what the player built: a map that
  cannot run yet keeps its score and the expert's map runs the day. When it runs out while the visitor
  watches a day that is nearly over (its last fifth, or its results being tallied), the day gets up to
  `grace_seconds` more; then the round ends whatever the day is doing.
- The watchdog (`phase_limit`) returns the kiosk to attract mode, with a line in the log, when one screen
  has lasted longer than it ever should: a round's screens `round_seconds + grace_seconds + 60` (the
  timer should have ended them), the results while they are still being tallied `round_seconds` (the
  tally gives up by itself sooner), every other screen of a round four times `round_seconds` (the idle
  reset usually ends those much sooner, but a screen that takes taps and never lets go must end too).

`RoundTimer` is the part of the `Kiosk` layer (game.modes.kiosk.mode) that keeps them.
"""
from __future__ import annotations

from types import SimpleNamespace

from game.core.scene import Scene
from game.modes.kiosk.boards import BoardsScene
from game.modes.kiosk.initials import InitialsScene
from game.modes.kiosk.lead import LeadScene
from game.modes.shared import log
from game.play import flow
from game.scenes.results import ResultsScene
from game.scenes.run import RunScene

ROUND_PHASES = ("briefing", "map", "rules", "run")  # the phases the round timer runs in
POST_ROUND = (InitialsScene, BoardsScene, LeadScene)  # the kiosk's own screens after the results


def name_of(screen: Scene | None) -> str:
    """The name of the screen on top ("" for none)."""
    return screen.name if screen is not None else ""


class RoundTimer:
    """The kiosk's round timer and watchdog (see the module docstring)."""

    def _init_timer(self) -> None:
        self.round = None  # the round being timed
        self.left = 0.0  # seconds left in it
        self.grace: float | None = None  # seconds of grace left after the timer ran out, once granted
        self.screen = None  # the screen the watchdog times, and for how long it has been on
        self.screen_age = 0.0
        self.watchdog_trips = 0

    # --- the round timer -----------------------------------------------------------------------
    def _watch_round(self, top) -> None:
        rnd = getattr(top, "round", None)  # any screen of a round (the title and select have none)
        if rnd is None or rnd is self.round:
            return
        self.round = rnd
        self.left = self.round_seconds()
        self.grace = None
        if self.options.daily and rnd.seed is None:
            from engine.scoring import daily_seed

            rnd.seed = daily_seed(scenario_id=rnd.scenario.id)

    @property
    def timing(self) -> bool:
        """Whether the round timer runs now: a round between its briefing and the end of its run."""
        return (self.state == "play" and self.round is not None
                and self.round.phase in ROUND_PHASES
                and not isinstance(self.app.stack.top, POST_ROUND))

    def time_up(self) -> None:
        """The round's time is over: tally the day with the map and rules the player has."""
        rnd = self.round
        sc = rnd.scenario
        from engine.maps import map_problems, score_map

        if map_problems(sc, rnd.pmap):  # the map cannot run yet: its score stands, the expert map runs the day
            got = score_map(sc, rnd.pmap)
            rnd.attempts = SimpleNamespace(best=SimpleNamespace(score=got), finished=True)
            rnd.map_score = got
            rnd.edges = list(sc.reference.edges)
            rnd.layout = {}
        elif rnd.attempts is None or getattr(rnd.attempts, "best", None) is None:
            rnd.map_score = score_map(sc, rnd.pmap)
        rnd.result = None if getattr(rnd.result, "summary", None) is None else rnd.result
        self.banner = ("Time's up! Here is how your day went.", 4.0)
        flow.go(self.app, rnd, "results")

    # --- the round's end and the watchdog ----------------------------------------------------------
    def round_seconds(self) -> float:
        rnd = self.round
        if self.options.round_seconds:
            return float(self.options.round_seconds)
        return float(rnd.scenario.kiosk.round_seconds) if rnd is not None else 180.0

    def _nearly_over(self, top) -> bool:
        """A day worth a little more time: in its last fifth, or its results being tallied."""
        if not isinstance(top, RunScene) or top.stuck is not None:
            return False
        if top.ended_at is not None:
            return not top.tallied
        return top.horizon > 0 and top.sim_time >= 0.8 * top.horizon

    def _timer(self, top, dt: float) -> bool:
        """Count the round down; True when the round has just ended (time up)."""
        if self.grace is not None:
            self.grace -= dt
            if self.grace > 0 and self._nearly_over(top):
                return False
            self.grace = 0.0
            self.time_up()
            return True
        self.left -= dt
        if self.left > 0:
            return False
        self.left = 0.0
        if self._nearly_over(top):
            self.grace = float(self.options.grace_seconds)
            return False
        self.time_up()
        return True

    def phase_limit(self, top) -> float:
        """The longest a screen of a visitor's round may last (see the module docstring)."""
        total = self.round_seconds()
        if name_of(top) in ROUND_PHASES:
            return total + float(self.options.grace_seconds) + 60.0
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
