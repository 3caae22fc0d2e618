"""The kiosk's layer above the screens: attract or play, the idle reset, and the screens after a round.

`Kiosk` is a `Layer` (game.modes.shared): each frame it sees the input before the screens and draws
after them (game.modes.kiosk.overlays), so the screens do not know they are in a kiosk.
- Attract (`to_attract`): the autoplay plays whole rounds through the real screens behind "Tap to play",
  each round the next built-in scenario (the tutorial too: `attract_scenarios`), and shows the
  leaderboard for a few seconds between them (`attract_boards`); a tap or a key (`play`) starts a real
  round at scenario select, where the tutorial comes first (game.play.catalogue).
- Play: the round timer and the watchdog run (`RoundTimer`, game.modes.kiosk.timer). After `idle_seconds`
  without input "Still there?" counts down `countdown` seconds; then back to attract, the unfinished round
  discarded (`resets`). Watching the day run, or the results being tallied, is not idleness. A visitor
  who goes all the way back to the title hands the stand back to attract mode too.
- The kiosk decides the order of its own screens: the flow builds its results in a visitor's round
  (`results_screen`, game.modes.kiosk.results), and they go on through the kiosk to the initials, the
  boards and the lead form (`show_initials`, `show_boards`, `show_lead`); "Done" on the boards
  (`finish`) meets the next visitor with attract mode.

`install(app, options)` makes `app` a kiosk: the layer, the results' builder, the crash guard (any
exception in a screen is logged and the kiosk starts again from attract), then attract mode.
"""
from __future__ import annotations

import pygame

from engine.kiosk import kiosk_scenario

from game.modes.kiosk.boards import BoardsScene
from game.modes.kiosk.initials import InitialsScene
from game.modes.kiosk.lead import LeadScene
from game.modes.kiosk.options import KioskOptions
from game.modes.kiosk.overlays import (draw_attract, draw_banner, draw_still_there, draw_timer, draw_times_up,
                                       timer_rect)
from game.modes.kiosk.results import KioskResults
from game.modes.kiosk.timer import RoundTimer, name_of
from game.modes.shared import Layer, log_path, storage_problem, store
from game.play import flow
from game.scenes.results import ResultsScene
from game.scenes.run import RunScene
from game.tools.autoplay import Autoplay

#: what the start-up, the tools and the tests import from here (the screens live in modules of their own)
__all__ = ["Kiosk", "KioskOptions", "install", "InitialsScene", "BoardsScene", "LeadScene", "KioskResults"]


class Kiosk(RoundTimer, Layer):
    """The kiosk's state and its presence above the screens."""

    def __init__(self, app, options: KioskOptions | None = None):
        self.app = app
        self.options = options or KioskOptions()
        self.state = "attract"  # or "play"
        self.driver: Autoplay | None = None
        self.idle = 0.0  # seconds without input, while it counts
        self.countdown: float | None = None  # "Still there?" seconds left, None when not asking
        self.banner: tuple[str, float] | None = None  # a short line over the screen, and its seconds left
        self.age = 0.0
        self.resets = 0  # rounds discarded by the idle reset (tests, the soak)
        self.plays = 0  # taps from attract into a round
        self.attract_rounds = 0  # rounds the attract loop played: the next one plays the next scenario
        self._down = False
        self._init_timer()

    # --- the two states ------------------------------------------------------------------------
    def to_attract(self) -> None:
        """Back to the autoplay behind "Tap to play" (the round in play, if any, is dropped)."""
        self.times_up = None
        self.screen, self.screen_age = None, 0.0
        opts = self.app.settings
        opts.attract = True  # the autoplay's rounds end on the plain results (results_screen)
        opts.seed = None
        self.state = "attract"
        self.round = None
        self.countdown = None
        self.banner = None
        self.idle = 0.0
        self._down = False
        self.driver = Autoplay(self.app, pace=self.options.attract_pace, loop=True, results_hold=10.0,
                               scenarios=self.attract_scenarios(), between=self.attract_boards,
                               boards_hold=self.options.boards_seconds)
        flow.title(self.app)

    def attract_scenarios(self) -> list[str]:
        """The built-in scenarios the attract loop plays in turn, from the one after its last round (so the
        loop goes on through them after a visitor's round)."""
        from game.play.catalogue import catalogue

        ids = [e.scenario.id for e in catalogue() if e.scenario is not None]
        k = self.attract_rounds % len(ids) if ids else 0
        return ids[k:] + ids[:k]

    def attract_boards(self) -> None:
        """Between two attract rounds: the leaderboard a few seconds, behind "Tap to play"."""
        rnd = getattr(self.app.stack.top, "round", None)
        self.attract_rounds += 1
        if rnd is None:
            flow.title(self.app)
            return
        self.app.stack.replace(BoardsScene(self.app, rnd, self, attract=True))

    def play(self) -> None:
        """A visitor tapped: a real round, from scenario select."""
        opts = self.app.settings
        opts.attract = False
        self.state = "play"
        self.driver = None
        self.round = None
        self.idle = 0.0
        self.countdown = None
        self.plays += 1
        flow.title(self.app)  # leave the attract round's screens behind
        flow.select(self.app)

    def finish(self) -> None:
        """The visitor is done (from the boards): the next one meets the attract mode."""
        self.to_attract()

    # --- the screens after the results, in the kiosk's order -------------------------------------
    def results_screen(self, app, rnd, **ways):
        """The flow's builder of the results (game.core.settings): in a visitor's round the kiosk's own, with
        "Save my score"; None in attract mode, where the autoplay's rounds end on the flow's plain results."""
        return KioskResults(app, rnd, self, **ways) if self.state == "play" else None

    def prepare_round(self, app, rnd, **ways):
        """The flow's builder of the briefing and the map (game.core.settings): the round made a kiosk round
        (its map from the kiosk's start map: engine.kiosk.kiosk_scenario) before the flow builds its own
        screen (None)."""
        sc = kiosk_scenario(rnd.scenario)
        if sc is not rnd.scenario:
            if rnd.edges == list(rnd.scenario.start_map.edges) and not rnd.layout:  # the map not yet begun
                rnd.edges = list(sc.start_map.edges)
            rnd.scenario = sc
        return None

    def run_screen(self, app, rnd, **ways):
        """The flow's builder of the run: in a visitor's round the day plays in the time the round has left
        for it (`play_seconds`, game.modes.kiosk.timer) and its decisions are timed (`decide_within`);
        None in attract mode, where the autoplay watches the day at its own speed."""
        if self.state != "play":
            return None
        if rnd is not self.round:
            self._start_round(rnd)
        if self.late:  # after "Time's up" the day runs what was built: no way back to the map or the rules
            ways = {**ways, "on_back": None, "on_map": None}
        return RunScene(app, rnd, play_seconds=self.day_seconds(0.0), decide_within=True, **ways)

    def show_initials(self, rnd) -> None:
        """From the results: the initials for the board."""
        self.app.stack.replace(InitialsScene(self.app, rnd, self))

    def show_boards(self, rnd, mine: str | None = None) -> None:
        """The boards, the visitor's entry (`mine`: their initials) highlighted."""
        self.app.stack.replace(BoardsScene(self.app, rnd, self, mine=mine))

    def show_lead(self, rnd, mine: str | None = None) -> None:
        """From the boards: the lead form (back to the boards after)."""
        self.app.stack.replace(LeadScene(self.app, rnd, self, mine=mine))

    # --- idleness ------------------------------------------------------------------------------
    def _busy_watching(self, top) -> bool:
        """The visitor is watching, not gone: the day running, the results being tallied."""
        if isinstance(top, RunScene):
            return not top.paused and top.ended_at is None
        if isinstance(top, ResultsScene):
            return not top.settled
        return False

    # --- each frame ----------------------------------------------------------------------------
    def filter(self, dt, events):
        self.age += dt
        if self.banner is not None:
            self.banner = (self.banner[0], self.banner[1] - dt) if self.banner[1] > dt else None
        for e in events:
            if e.type == pygame.KEYDOWN and e.key == pygame.K_q and e.mod & pygame.KMOD_CTRL:
                self.app.running = False  # the stand's staff close it with Ctrl+Q
                return []
        if self.state == "attract":
            return self._attract(dt, events)
        return self._play(dt, events)

    def _attract(self, dt, events):
        if self._watchdog(self.app.stack.top, dt):  # an attract round stuck on a screen: start it again
            return []
        for e in events:
            if e.type == pygame.MOUSEBUTTONDOWN:
                self._down = True
            elif (e.type == pygame.MOUSEBUTTONUP and self._down) or e.type == pygame.KEYDOWN:
                self.play()
                return []
        return self.app.translate(self.driver.events(dt)) if self.driver else []

    def _play(self, dt, events):
        top = self.app.stack.top
        if name_of(top) == "title":  # the visitor went all the way back: attract again
            self.to_attract()
            return []
        if self.countdown is not None:
            if any(e.type in (pygame.MOUSEBUTTONUP, pygame.KEYDOWN) for e in events):
                self.countdown = None  # still there: carry on where they were
                self.idle = 0.0
                return []
            self.countdown -= dt
            if self.countdown <= 0:
                self.resets += 1
                self.to_attract()
            return []
        if self.app.idle == 0.0 or self._busy_watching(top):  # input this frame (App.step counts it)
            self.idle = 0.0
        else:
            self.idle += dt
            if self.idle >= self.options.idle_seconds:
                self.countdown = self.options.countdown
                return []
        if self._watchdog(top, dt):
            return []
        self._watch_round(top)
        self._watch_day_end(top)
        if self.timing and self._timer(top, dt):
            return []
        return events

    # --- drawing -------------------------------------------------------------------------------
    def draw(self, surface):
        if self.state == "attract":
            draw_attract(surface, self.age, store(self.app).best_today(), bool(storage_problem(self.app)))
            return
        if self.timing and self.budget is not None:
            secs, words = self.phase_left()
            draw_timer(surface, timer_rect(name_of(self.app.stack.top)), secs, words, self.budget.parts(),
                       self.elapsed, self.age, calm=self.round.phase == "run")
        if self.times_up is not None:
            draw_times_up(surface, self.times_up, self.times_up_words)
        if self.banner is not None:
            draw_banner(surface, self.banner[0])
        if self.countdown is not None:
            draw_still_there(surface, self.countdown, self.options.countdown)


def install(app, options: KioskOptions | None = None) -> Kiosk:
    """Make `app` a kiosk: its layer, its crash guard, then attract mode."""
    from game.core.guard import CrashGuard

    kiosk = Kiosk(app, options)
    app.mode = "kiosk"
    app.layers.append(kiosk)
    app.settings.screens["results"] = kiosk.results_screen
    app.settings.screens["briefing"] = app.settings.screens["map"] = kiosk.prepare_round
    app.settings.screens["run"] = kiosk.run_screen
    CrashGuard(app, kiosk.to_attract, log_path(app))
    kiosk.to_attract()
    return kiosk
