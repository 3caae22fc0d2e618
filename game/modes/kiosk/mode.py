"""Kiosk mode (`python main.py --kiosk`): a trade-show stand that plays itself until someone taps.

- Attract: the autoplay plays a whole round through the real screens, behind a "Tap to play" call and the
  day's best score. A tap (or a key) starts a real round at scenario select.
- A round has the scenario's `kiosk.round_seconds` (180 by default), shown as a timer; the map phase
  starts from the scenario's `start_map` (the round does that); when time is up the day is tallied with
  what the player built, and every player of a day meets the same day (the daily challenge seed).
- Idle reset: after `idle_seconds` (45) without input, "Still there?" counts down 10 seconds; then back
  to attract, the unfinished round discarded. Watching the day run, or the results being tallied, is not
  idleness.
- After the results: three initials on a big on-screen keyboard (a deny-list refuses rude ones), today's
  board and the all-time board; then, only with explicit consent, a lead (name, company, email).
- A crash guard (game.core.guard) logs any exception in a screen and starts again from attract.
- A save the machine refuses (a full disk, a database that could not be opened at start) is said on the
  screen the visitor is on ("we couldn't save your score, please tell the staff") and logged with its
  reason; the visitor stays where they were. Started on an unusable data folder, the kiosk plays without
  saving, and its attract screen says so to the staff.
- The round timer always ends the round. When it runs out while the visitor watches a day that is nearly
  over (its last fifth, or its results being tallied), the day gets up to `grace_seconds` more; then the
  round ends whatever the day is doing.
- A watchdog (`phase_limit`) returns the kiosk to attract mode, with a line in the log, when one screen
  has lasted longer than it ever should: a round's screens `round_seconds + grace_seconds + 60` (the
  timer should have ended them), the results while they are still being tallied `round_seconds` (the
  tally gives up by itself sooner), every other screen of a round four times `round_seconds` (the idle
  reset usually ends those much sooner, but a screen that takes taps and never lets go must end too).

Everything here drives the ordinary screens from a `Layer` above them (game.modes.shared): the screens do not
know they are in a kiosk. The results of a visitor's round are the kiosk's own (a subclass with "Save my
score"), which the flow builds in place of its own: the kiosk gives it the builder
(`app.settings.screens["results"]`, `Kiosk.results_screen`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import pygame

from game.play import flow
from game.ui import theme as T
from game.tools.autoplay import Autoplay
from game.ui.keyboard import Keyboard, TextField, typing_input
from game.modes.shared import Layer, denied, log, log_path, save_failed, storage_problem, store
from game.scenes import MARGIN, Screen, content_rect, primary_rect, secondary_rect
from game.ui.charts import star
from game.scenes.results import ResultsScene
from game.data.store import SaveError
from game.ui.widgets import Button, MIN_TARGET, pointer, primary

ROUND_PHASES = ("briefing", "map", "rules", "run")  # the phases the round timer runs in
POST_ROUND = ("initials", "boards", "lead")  # the kiosk's own screens after the results


@dataclass
class KioskOptions:
    idle_seconds: float = 45.0  # without input before "Still there?"
    countdown: float = 10.0  # seconds of "Still there?" before the round is discarded
    attract_pace: float = 0.35  # seconds between the autoplay's moves
    attract_replications: int = 3  # days the attract round's results tally (it is only for show)
    replications: int | None = None  # of a player's results run; None: the scenario's own
    daily: bool = True  # the daily challenge: every player of a day meets the same simulated day
    round_seconds: float | None = None  # overrides the scenario's kiosk.round_seconds (tests)
    grace_seconds: float = 15.0  # more time for a day nearly over when the round timer runs out


class Kiosk(Layer):
    """The kiosk's state and its presence above the screens."""

    def __init__(self, app, options: KioskOptions | None = None):
        self.app = app
        self.options = options or KioskOptions()
        self.state = "attract"  # or "play"
        self.driver: Autoplay | None = None
        self.round = None  # the round being timed
        self.left = 0.0  # seconds left in it
        self.idle = 0.0  # seconds without input, while it counts
        self.countdown: float | None = None  # "Still there?" seconds left, None when not asking
        self.banner: tuple[str, float] | None = None  # a short line over the screen, and its seconds left
        self.age = 0.0
        self.resets = 0  # rounds discarded by the idle reset (tests, the soak)
        self.plays = 0  # taps from attract into a round
        self._down = False
        self.grace: float | None = None  # seconds of grace left after the timer ran out, once granted
        self.screen = None  # the screen the watchdog times, and for how long it has been on
        self.screen_age = 0.0
        self.watchdog_trips = 0

    # --- the two states ------------------------------------------------------------------------
    def to_attract(self) -> None:
        """Back to the autoplay behind "Tap to play" (the round in play, if any, is dropped)."""
        self.grace = None
        self.screen, self.screen_age = None, 0.0
        opts = self.app.settings
        opts.attract = True  # the autoplay's rounds end on the plain results (results_screen)
        opts.seed = None
        opts.replications = self.options.attract_replications
        self.state = "attract"
        self.round = None
        self.countdown = None
        self.banner = None
        self.idle = 0.0
        self._down = False
        self.driver = Autoplay(self.app, pace=self.options.attract_pace, loop=True, results_hold=12.0)
        flow.title(self.app)

    def play(self) -> None:
        """A visitor tapped: a real round, from scenario select."""
        opts = self.app.settings
        opts.attract = False
        opts.replications = self.options.replications
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

    # --- the round timer -----------------------------------------------------------------------
    def _watch_round(self, top) -> None:
        rnd = getattr(top, "round", None)
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
                and getattr(self.app.stack.top, "name", "") not in POST_ROUND)

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

    # --- idleness ------------------------------------------------------------------------------
    def _busy_watching(self, top) -> bool:
        """The visitor is watching, not gone: the day running, the results being tallied."""
        name = getattr(top, "name", "")
        if name == "run":
            return not getattr(top, "paused", False) and getattr(top, "ended_at", None) is None
        if name == "results":
            return not getattr(top, "settled", getattr(top, "ready", True))
        return False

    # --- the round's end and the watchdog ----------------------------------------------------------
    def round_seconds(self) -> float:
        rnd = self.round
        if self.options.round_seconds:
            return float(self.options.round_seconds)
        return float(rnd.scenario.kiosk.round_seconds) if rnd is not None else 180.0

    def _nearly_over(self, top) -> bool:
        """A day worth a little more time: in its last fifth, or its results being tallied."""
        if getattr(top, "name", "") != "run" or getattr(top, "stuck", None) is not None:
            return False
        if getattr(top, "ended_at", None) is not None:
            return not getattr(top, "tallied", True)
        horizon = getattr(top, "horizon", 0.0) or 0.0
        return horizon > 0 and getattr(top, "sim_time", 0.0) >= 0.8 * horizon

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
        name = getattr(top, "name", "")
        if name in ROUND_PHASES:
            return total + float(self.options.grace_seconds) + 60.0
        if name == "results" and not getattr(top, "settled", True):
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
        self.log(f"watchdog: the {getattr(top, 'name', '?')} screen lasted {self.screen_age:.0f} s "
                 f"(its limit is {limit:.0f} s); back to attract mode")
        self.to_attract()
        return True

    def log(self, line: str) -> None:
        """A line in the kiosk's log (the crash guard's file)."""
        log(self.app, line, "watchdog")

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
        if getattr(top, "name", "") == "title":  # the visitor went all the way back: attract again
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
        if self.timing and self._timer(top, dt):
            return []
        return events

    def results_screen(self, app, rnd, **ways):
        """The flow's builder of the results (game.core.settings): in a visitor's round the kiosk's own, with
        "Save my score"; None in attract mode, where the autoplay's rounds end on the flow's plain results."""
        return KioskResults(app, rnd, self, **ways) if self.state == "play" else None

    # --- drawing -------------------------------------------------------------------------------
    def draw(self, surface):
        if self.state == "attract":
            self.draw_attract(surface)
            return
        if self.timing:
            self.draw_timer(surface)
        if self.banner is not None:
            self.draw_banner(surface, self.banner[0])
        if self.countdown is not None:
            self.draw_still_there(surface)

    def draw_attract(self, surface) -> None:
        band = pygame.Surface((T.W, 200), pygame.SRCALPHA)
        band.fill((*T.BG, 250))
        surface.blit(band, (0, T.H - 200))
        pygame.draw.line(surface, T.ACCENT, (0, T.H - 200), (T.W, T.H - 200), 3)
        pulse = 0.5 + 0.5 * math.sin(self.age * 3.0)
        pill = pygame.Rect(0, 0, 560, 120)
        pill.center = (T.W // 2, T.H - 100)
        fill = tuple(int(a + (b - a) * pulse * 0.35) for a, b in zip(T.BLUE, T.SKY))
        T.panel(surface, pill, fill, radius=60, border=T.SKY, width=3)
        T.text(surface, "Tap to play", pill.center, 60, T.TEXT, "bold", anchor="center")
        best = store(self.app).best_today()
        left = pill.left - 60
        T.text(surface, "TODAY'S BEST", (left, T.H - 138), T.SIZE_SMALL, T.ACCENT, "semibold", anchor="topright")
        if best is not None:
            T.text(surface, f"{best.initials}  {best.score:,}", (left, T.H - 100), T.SIZE_HEAD, T.TEXT, "bold",
                   anchor="topright")
        else:
            T.text(surface, "Be the first!", (left, T.H - 100), T.SIZE_HEAD - 8, T.TEXT, "bold", anchor="topright")
        right = pill.right + 60
        T.text(surface, "A 3-minute challenge", (right, T.H - 138), T.SIZE_SMALL, T.ACCENT, "semibold")
        T.text(surface, "Can you beat par?", (right, T.H - 100), T.SIZE_HEAD - 8, T.TEXT, "bold")
        if storage_problem(self.app):
            self.draw_no_saving(surface)

    def draw_no_saving(self, surface) -> None:
        """For the staff: the database could not be opened (the log says why), so no score is kept."""
        r = pygame.Rect(0, 0, 1240, 64)
        r.midbottom = (T.W // 2, T.H - 220)
        T.panel(surface, r, T.PANEL_HI, radius=32, border=T.WARN, width=3)
        T.text(surface, NO_SAVING, r.center, T.SIZE_BODY, T.TEXT, "semibold", anchor="center")

    def timer_rect(self) -> pygame.Rect:
        """Where the round timer sits on each screen: in a corner that screen leaves free."""
        name = getattr(self.app.stack.top, "name", "")
        if name == "map":  # between the editing buttons and "Check my map"
            return pygame.Rect(1160, 985, 230, MIN_TARGET)  # level with its buttons
        if name == "run":  # the board's top-left corner, under the title
            return pygame.Rect(28, 116, 230, MIN_TARGET)
        return pygame.Rect(1300, 38, 230, MIN_TARGET)  # in the header, between the title and its right

    def draw_timer(self, surface) -> None:
        r = self.timer_rect()
        secs = max(0, math.ceil(self.left))
        colour = T.BAD if secs <= 10 else T.WARN if secs <= 30 else T.ACCENT
        if secs <= 10 and int(self.age * 4) % 2 == 0:
            colour = T.ORANGE
        T.panel(surface, r, T.BG_LIGHT, radius=r.height // 2, border=colour, width=3)
        c = (r.left + 36, r.centery)
        pygame.draw.circle(surface, colour, c, 20, 3)
        total = self.round_seconds()
        a = -math.pi / 2 + 2 * math.pi * (1 - self.left / max(1.0, total))
        pygame.draw.line(surface, colour, c, (c[0] + 13 * math.cos(a), c[1] + 13 * math.sin(a)), 3)
        T.text(surface, f"{secs // 60}:{secs % 60:02d}", (r.left + 70, r.centery), T.SIZE_LABEL + 4, T.TEXT, "bold",
               anchor="midleft")
        T.text(surface, "left", (r.right - 22, r.centery + 2), T.SIZE_SMALL, T.TEXT_DIM, anchor="midright")

    def draw_banner(self, surface, text: str) -> None:
        r = pygame.Rect(0, 0, 1100, 110)
        r.center = (T.W // 2, T.H // 2)
        T.panel(surface, r, T.PANEL_HI, radius=26, border=T.WARN, width=4)
        T.text(surface, text, r.center, T.SIZE_HEAD, T.TEXT, "bold", anchor="center")

    def draw_still_there(self, surface) -> None:
        veil = pygame.Surface(T.LOGICAL_SIZE, pygame.SRCALPHA)
        veil.fill((*T.BG, 215))
        surface.blit(veil, (0, 0))
        box = pygame.Rect(0, 0, 1000, 520)
        box.center = (T.W // 2, T.H // 2)
        T.panel(surface, box, T.PANEL, radius=32, border=T.ACCENT, width=4)
        T.text(surface, "Still there?", (box.centerx, box.top + 90), T.SIZE_TITLE, T.TEXT, "bold", anchor="center")
        secs = max(0, math.ceil(self.countdown or 0))
        c = (box.centerx, box.top + 270)
        pygame.draw.circle(surface, T.BG_LIGHT, c, 88)
        frac = (self.countdown or 0) / max(0.1, self.options.countdown)
        if frac > 0:
            rect = pygame.Rect(0, 0, 176, 176)
            rect.center = c
            pygame.draw.arc(surface, T.WARN, rect, math.pi / 2, math.pi / 2 + 2 * math.pi * frac, 12)
        T.text(surface, str(secs), c, 84, T.TEXT, "bold", anchor="center")
        T.text(surface, "Tap anywhere to keep playing.", (box.centerx, box.bottom - 110), T.SIZE_LABEL, T.TEXT,
               "semibold", anchor="center")
        T.text(surface, "Otherwise this round ends and the game starts over.", (box.centerx, box.bottom - 60),
               T.SIZE_BODY, T.TEXT_DIM, anchor="center")


# --- the screens after the results ------------------------------------------------------------------


def grade_of(rnd):
    return None if rnd.outcome is None else rnd.outcome.grade


NO_SAVING = "Scores can't be saved on this machine right now. Staff: see the log."
SCORE_NOT_KEPT = "Scores can't be saved right now, sorry. Please tell the staff at the stand."


class KioskResults(ResultsScene):
    """The results, with "Save my score" as the way on (to the initials) and no way into other scenarios."""

    def __init__(self, app, rnd, kiosk: Kiosk, **ways):
        super().__init__(app, rnd, **ways)  # the flow's ways on: "Play again" is its retry
        self.kiosk = kiosk
        self.save_button = Button(primary_rect(), "Save my score  ▶", self.save, kind="primary", enabled=False)
        self.buttons = [self.save_button, Button(secondary_rect(0), "Play again", self.retry),
                        Button(secondary_rect(1), "I'm done", self.kiosk.finish, kind="quiet"), self.view_button]

    def tick(self, dt):
        super().tick(dt)
        self.save_button.enabled = self.ready

    def save(self) -> None:
        if self.ready:
            self.app.stack.replace(InitialsScene(self.app, self.round, self.kiosk))

    def next(self) -> None:
        self.save()

    def on_back(self) -> None:
        self.kiosk.finish()


class InitialsScene(Screen):
    """Three letters for the board, typed on a big keyboard."""

    name = "initials"

    def __init__(self, app, rnd, kiosk: Kiosk | None = None):
        super().__init__(app)
        self.round = rnd
        self.kiosk = kiosk
        self.initials = ""
        self.message = SCORE_NOT_KEPT if storage_problem(app) else ""
        self.saved = False
        self.keyboard = Keyboard(pygame.Rect(MARGIN + 40, 560, T.W - 2 * MARGIN - 80, 340), "initials",
                                 on_char=self.type, on_back=self.back, on_enter=self.save)
        self.save_button = Button(primary_rect(), "Save  ▶", self.save, kind="primary", enabled=False)
        self.buttons = [self.save_button, Button(secondary_rect(0), "Skip", self.skip, kind="quiet")]

    @property
    def grade(self):
        return grade_of(self.round)

    def type(self, ch: str) -> None:
        if ch.isalpha() and len(self.initials) < 3:
            self.initials += ch.upper()
            self.message = ""
        self._sync()

    def back(self) -> None:
        self.initials = self.initials[:-1]
        self.message = ""
        self._sync()

    def _sync(self) -> None:
        full = len(self.initials) == 3
        if full and denied(self.initials):
            self.message = "Those initials can't go on the board. Please try others."
        self.save_button.enabled = full and not denied(self.initials)

    def save(self) -> None:
        if len(self.initials) != 3:
            self.message = "Three letters, please."
            return
        if denied(self.initials):
            self.message = "Those initials can't go on the board. Please try others."
            return
        g, rnd = self.grade, self.round
        o = rnd.outcome
        try:
            self.entry = store(self.app).add_score(
                self.initials, rnd.scenario.id, g.headline if g else 0, g.stars if g else 0,
                map_score=g.map_score if g else 0, kpis=o.kpis if o else None, seed=rnd.run_seed)
        except SaveError as e:  # the machine's failure (a full disk): said and logged; the visitor stays here
            self.message = save_failed(self.app, e, "your score")
            return
        except ValueError as e:  # the store's own check (game.data.store.InitialsError)
            self.message = str(e)
            return
        self.saved = True
        self.app.stack.replace(BoardsScene(self.app, self.round, self.kiosk, mine=self.initials))

    def skip(self) -> None:
        self.app.stack.replace(BoardsScene(self.app, self.round, self.kiosk, mine=None))

    def on_back(self) -> None:
        self.skip()

    def handle(self, event) -> bool:
        return self.keyboard.handle(event)

    def update(self, dt, events):
        # Enter and Backspace belong to the keyboard here, not to the screen's primary button
        self.age += dt
        typing_input(self, events)

    def draw(self, surface):
        g = self.grade
        self.header(surface, "Put your initials on the board", "Three letters. Today's best players are shown "
                                                                 "at the stand all day.")
        box = pygame.Rect(MARGIN, 180, 520, 340)
        T.panel(surface, box, T.PANEL, radius=24, border=T.ACCENT, width=3)
        T.text(surface, "YOUR SCORE", (box.left + 32, box.top + 28), T.SIZE_SMALL, T.ACCENT, "semibold")
        if g is not None:
            r = T.text(surface, f"{g.headline:,}", (box.left + 30, box.top + 130), 110, T.TEXT, "bold",
                       anchor="midleft")
            T.text(surface, "/ 1,000", (r.right + 12, r.bottom - 24), T.SIZE_LABEL, T.TEXT_DIM, "semibold",
                   anchor="bottomleft")
            for i in range(3):
                star(surface, (box.left + 64 + i * 80, box.top + 252), 32, i < g.stars)
        T.text(surface, T.ellipsize(scenario_name(self.round.scenario.id), box.width - 64, T.SIZE_SMALL),
               (box.left + 32, box.bottom - 34), T.SIZE_SMALL, T.TEXT_DIM, anchor="midleft")
        # three big slots
        w, gap = 200, 36
        x0 = box.right + 140
        for i in range(3):
            r = pygame.Rect(x0 + i * (w + gap), 200, w, 240)
            active = i == len(self.initials)
            T.panel(surface, r, T.BG_LIGHT, radius=24, border=T.ACCENT if active else T.LINE, width=4 if active else 2)
            if i < len(self.initials):
                T.text(surface, self.initials[i], r.center, 150, T.TEXT, "bold", anchor="center")
            elif active and int(self.age * 2) % 2 == 0:
                pygame.draw.line(surface, T.ACCENT, (r.left + 40, r.bottom - 40), (r.right - 40, r.bottom - 40), 6)
        tx = x0 + 3 * (w + gap) + 20
        if self.message:
            T.paragraph(surface, self.message, pygame.Rect(tx, 230, T.W - MARGIN - tx, 200), T.SIZE_LABEL, T.WARN,
                        "semibold")
        else:
            T.paragraph(surface, "Tap the letters below; ⌫ takes one back.",
                        pygame.Rect(tx, 230, T.W - MARGIN - tx, 200),
                        T.SIZE_BODY, T.TEXT_DIM)
        self.keyboard.draw(surface)
        self.draw_buttons(surface)


class BoardsScene(Screen):
    """Today's board and the all-time board, the visitor's entry highlighted."""

    name = "boards"

    def __init__(self, app, rnd, kiosk: Kiosk | None = None, mine: str | None = None):
        super().__init__(app)
        self.round = rnd
        self.kiosk = kiosk
        self.mine = mine
        g = grade_of(rnd)
        self.my_score = g.headline if g else None
        st = store(app)
        self.today = st.top_today(n=8)
        self.all_time = st.top_all_time(n=8)
        self.lead_saved = rnd.lead_saved
        self.lead_button = Button(secondary_rect(0), "Leave my details", self.lead, enabled=not self.lead_saved)
        if self.lead_saved:
            self.lead_button.label = "Details saved ✓"
        self.buttons = [Button(primary_rect(), "Done  ▶", self.done, kind="primary"), self.lead_button]

    def lead(self) -> None:
        self.app.stack.replace(LeadScene(self.app, self.round, self.kiosk, mine=self.mine))

    def done(self) -> None:
        if self.kiosk is not None:
            self.kiosk.finish()
        else:
            flow.title(self.app)

    def on_back(self) -> None:
        self.done()

    def draw(self, surface):
        self.header(surface, "Leaderboard", "The best rounds at this stand, out of 1,000.",
                    right=f"You: {self.my_score:,}" if self.my_score is not None else "")
        area = content_rect()
        w = (area.width - 48) // 2
        self.draw_board(surface, pygame.Rect(area.left, area.top + 10, w, area.height - 40), "Today", self.today)
        self.draw_board(surface, pygame.Rect(area.left + w + 48, area.top + 10, w, area.height - 40), "All time",
                        self.all_time)
        self.draw_buttons(surface)

    def draw_board(self, surface, box, title: str, rows) -> None:
        T.panel(surface, box, T.PANEL, radius=24)
        T.text(surface, title, (box.left + 36, box.top + 26), T.SIZE_HEAD - 8, T.TEXT, "bold")
        if not rows:
            T.text(surface, "No scores yet. Yours could be the first.", (box.left + 36, box.top + 110), T.SIZE_BODY,
                   T.TEXT_DIM)
            return
        marked = False
        y = box.top + 96
        row_h = min(78, (box.bottom - 20 - y) // max(1, len(rows)))
        for i, s in enumerate(rows):
            r = pygame.Rect(box.left + 20, y, box.width - 40, row_h - 8)
            mine = not marked and self.mine is not None and s.initials == self.mine and s.score == self.my_score
            marked = marked or mine
            if mine:
                T.panel(surface, r, T.BLUE, radius=14, border=T.SKY, width=3)
            elif i % 2 == 0:
                T.panel(surface, r, T.BG_LIGHT, radius=14)
            cy = r.centery
            T.text(surface, f"{i + 1}", (r.left + 48, cy), T.SIZE_LABEL, T.ACCENT if i < 3 else T.TEXT_DIM, "bold",
                   anchor="center")
            T.text(surface, s.initials, (r.left + 100, cy), T.SIZE_HEAD - 8, T.TEXT, "bold", anchor="midleft")
            for k in range(3):
                star(surface, (r.left + 250 + k * 40, cy), 15, k < s.stars)
            name = scenario_name(s.scenario)
            T.text(surface, T.ellipsize(name, r.width - 560, T.SIZE_SMALL), (r.left + 390, cy), T.SIZE_SMALL,
                   T.TEXT if mine else T.TEXT_DIM, anchor="midleft")
            T.text(surface, f"{s.score:,}", (r.right - 24, cy), T.SIZE_LABEL + 4, T.TEXT, "bold", anchor="midright")
            y += row_h


_names: dict[str, str] = {}


def scenario_name(scenario_id: str) -> str:
    """A short name for a scenario id on the board ("Customer service" for customer-service)."""
    if not _names:
        try:
            from game.play.catalogue import catalogue

            for e in catalogue():
                if e.scenario is not None:
                    _names[e.scenario.id] = e.scenario.title.split(":")[0]
        except Exception:
            pass
    return _names.get(scenario_id, scenario_id.replace("-", " ").capitalize())


def email_ok(text: str) -> bool:
    """The store's own check of an address's shape (no network)."""
    from game.data.store import LeadError, check_email

    try:
        check_email(text)
    except LeadError:
        return False
    return True


CONSENT = ("Yes, the ProcessPlay team may contact me about this demo. My details are kept for that alone "
           "and deleted on request.")


class LeadScene(Screen):
    """Name, company and email, kept only when the visitor ticks the consent box."""

    name = "lead"

    def __init__(self, app, rnd, kiosk: Kiosk | None = None, mine: str | None = None):
        super().__init__(app)
        self.round = rnd
        self.kiosk = kiosk
        self.mine = mine
        fw = (T.W - 2 * MARGIN - 2 * 40) // 3
        self.fields = [TextField((MARGIN + i * (fw + 40), 226, fw, 76), label, 60, valid, hint)
                       for i, (label, valid, hint) in enumerate([
                           ("Name", lambda s: len(s.strip()) >= 2, "Ada Lovelace"),
                           ("Company", lambda s: len(s.strip()) >= 2, "Analytical Engines Ltd"),
                           ("Email", email_ok, "ada@example.com")])]
        self.focus = 0
        self.fields[0].focused = True
        self.consent = False
        self.consent_rect = pygame.Rect(MARGIN, 330, T.W - 2 * MARGIN, 84)
        self.keyboards = {layout: Keyboard(pygame.Rect(MARGIN + 60, 440, T.W - 2 * MARGIN - 120, 470), layout,
                                           on_char=self.type, on_back=self.back, on_enter=self.next_field)
                          for layout in ("text", "email")}
        self.send_button = Button(primary_rect(), "Send  ▶", self.send, kind="primary", enabled=False)
        self.buttons = [self.send_button, Button(secondary_rect(0), "No thanks", self.cancel, kind="quiet")]
        self.message = ""
        self.saved = False

    @property
    def keyboard(self) -> Keyboard:
        return self.keyboards["email" if self.focus == 2 else "text"]

    @property
    def complete(self) -> bool:
        return all(f.ok for f in self.fields)

    def _sync(self) -> None:
        self.send_button.enabled = self.consent and self.complete
        for k in self.keyboards.values():
            k.enter_label = "Next" if self.focus < 2 else "Done"
        # capitals where a name's words start, as a phone keyboard does; an address in small letters
        text = self.fields[self.focus].text
        self.keyboards["text"].upper = not text or text.endswith((" ", "-"))
        self.keyboards["email"].upper = False

    def set_focus(self, i: int) -> None:
        self.focus = i % len(self.fields)
        for j, f in enumerate(self.fields):
            f.focused = j == self.focus
        self._sync()

    def type(self, s: str) -> None:
        self.fields[self.focus].type(s)
        self._sync()

    def back(self) -> None:
        self.fields[self.focus].back()
        self._sync()

    def next_field(self) -> None:
        self.set_focus(self.focus + 1)

    def toggle_consent(self) -> None:
        self.consent = not self.consent
        self._sync()

    def send(self) -> None:
        """Keep the lead; refused without consent or with a field not yet of the right shape."""
        if not self.consent:
            self.message = "Tick the box first: we keep your details only with your permission."
            return
        if not self.complete:
            self.message = "Please check the fields marked ✗."
            return
        name, company, email = (f.text.strip() for f in self.fields)
        g = grade_of(self.round)
        try:
            store(self.app).add_lead(name, company, email, consent=self.consent, scenario=self.round.scenario.id,
                                     score=g.headline if g else None, consent_text=CONSENT)
        except SaveError as e:  # the machine's failure (a full disk): said and logged; the visitor stays here
            self.message = save_failed(self.app, e, "your details")
            return
        except ValueError as e:  # game.data.store.LeadError: the store's own checks, said calmly
            self.message = str(e)
            return
        self.saved = True
        self.round.lead_saved = True
        self.app.stack.replace(BoardsScene(self.app, self.round, self.kiosk, mine=self.mine))

    def cancel(self) -> None:
        self.app.stack.replace(BoardsScene(self.app, self.round, self.kiosk, mine=self.mine))

    def on_back(self) -> None:
        self.cancel()

    def update(self, dt, events):
        self.age += dt
        for e in events:
            if any(b.handle(e) for b in self.buttons):
                continue
            if e.type == pygame.KEYDOWN:
                if e.key == pygame.K_ESCAPE:
                    self.on_back()
                elif e.key == pygame.K_TAB:
                    self.set_focus(self.focus + (-1 if e.mod & pygame.KMOD_SHIFT else 1))
                else:
                    self.keyboard.handle(e)
                continue
            if self.keyboard.handle(e):
                continue
            pos = pointer(e)
            if pos is not None and e.type == pygame.MOUSEBUTTONUP and primary(e):
                if self.consent_rect.collidepoint(pos):
                    self.toggle_consent()
                for i, f in enumerate(self.fields):
                    if f.rect.collidepoint(pos):
                        self.set_focus(i)

    def draw(self, surface):
        self.header(surface, "Stay in touch?", "Only if you want to: leave your details and tick the box.")
        for f in self.fields:
            f.draw(surface, self.age)
        r = self.consent_rect
        on = self.consent
        T.panel(surface, r, T.PANEL_HI if on else T.PANEL, radius=16, border=T.GOOD if on else T.LINE)
        tick = pygame.Rect(r.left + 18, r.centery - 28, 56, 56)
        T.panel(surface, tick, T.GOOD if on else T.BG_LIGHT, radius=10, border=T.TEXT if on else T.LINE, width=3)
        if on:
            T.text(surface, "✓", tick.center, T.SIZE_HEAD, T.TEXT, "bold", anchor="center")
        lines = T.wrap(CONSENT, r.width - 130, T.SIZE_SMALL)[:2]
        for i, line in enumerate(lines):
            T.text(surface, line, (tick.right + 26, r.centery + (i - (len(lines) - 1) / 2) * 32), T.SIZE_SMALL, T.TEXT,
                   anchor="midleft")
        self.keyboard.draw(surface)
        if self.message:  # between "No thanks" and "Send", on two lines if need be (a failed save says more)
            left, right = secondary_rect(0).right + 24, primary_rect().left - 24
            lines = T.wrap(self.message, right - left, T.SIZE_BODY, "semibold")[:2]
            for i, line in enumerate(lines):
                T.text(surface, line, ((left + right) // 2, primary_rect().centery + (i - (len(lines) - 1) / 2) * 36),
                       T.SIZE_BODY, T.WARN, "semibold", anchor="center")
        self.draw_buttons(surface)


# --- starting the kiosk -----------------------------------------------------------------------------


def install(app, options: KioskOptions | None = None) -> Kiosk:
    """Make `app` a kiosk: its layer, its crash guard, then attract mode."""
    from game.core.guard import CrashGuard

    kiosk = Kiosk(app, options)
    app.mode = "kiosk"
    app.layers.append(kiosk)
    app.settings.screens["results"] = kiosk.results_screen
    CrashGuard(app, kiosk.to_attract, log_path(app))
    kiosk.to_attract()
    return kiosk
