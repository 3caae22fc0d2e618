"""The run's scene: the day of the round watched, its controls, and how its parts are put on screen.

`RunScene` holds what the player sees and does around the parts that each do one thing: the board (the
player's map, its links drawn once into a backdrop and the cards over the tokens each frame), the
`Tokens` in flight, the `Timeline` of the day by hour, the `LeverPanel`, and the state the trace keeps up
to date (queues, busy staff, stock, banners). Its other parts are mixins over the same state, one module
each: `Scouting` (game.scenes.run.scout: the scout's proof of how far the day finishes), `Feed`
(game.scenes.run.feed: the watched day fed a frame's budget at a time) and `Ending` (game.scenes.run.ending:
the end of the day, the results run, the ways on) and `Deciding` (game.scenes.run.deciding: decisions at
the shocks and rules changed mid-day, with their rest-of-day forecasts).

Each frame (`update`): the lever panel takes the input while open, else the buttons and keys (Space
pauses, 1-4 pick a speed, Enter goes on from the end card, Esc goes back before the end); the clock moves
by the frame's wall time at the chosen speed, and the feed advances the day towards it. Pause stops sim
time; a change of rules made in the lever panel reaches the Day with `Day.apply_rules` when the panel
closes and holds from that moment on, and a decision the day stops at is asked in a dialog
(`Deciding`, game.scenes.run.deciding: both are the day's script, `round.played`); Skip to the end
fast-forwards without tokens (and stops at a decision too); `seek` jumps to a moment as if played
(screenshots, tests). While the decision dialog shows, input goes to it and sim time stands still.
"""
from __future__ import annotations

import math
import time
from typing import Callable

import pygame

from game.core.jobs import describe
from game.core.scene import Scene
from game.scenes import Way, stay
from game.scenes.run.banners import age_banners, draw_banners
from game.scenes.run.card import draw_day_over, draw_stuck, end_rect
from game.scenes.run.clock import DAY_SECONDS_1X, SPEEDS, clock_minutes, clock_text, day_number, span_words
from game.scenes.run.deciding import Deciding
from game.scenes.run.ending import HOLD_SECONDS, Ending
from game.scenes.run.feed import FRAME_BUDGET, SKIP_BUDGET, Feed
from game.scenes.run.levers import LeverPanel
from game.scenes.run.marks import draw_queues, draw_stock
from game.scenes.run.pace import Pacing  # the kiosk's play_seconds (helper C)
from game.scenes.run.regions import BOARD_RECT, BUTTONS_W, BUTTONS_X, CLOCK_X, SPEED_X, STAFF_X, STRIP, TODAY_X
from game.scenes.run.scout import SCOUT_STALL, NoDay, Scouting, watched_day
from game.scenes.run.strip import draw_live, draw_pause_icon, draw_staff, live_rows
from game.scenes.run.stuck import end_words
from game.scenes.run.timeline import Timeline
from game.scenes.run.tokens import link_paths
from game.ui import theme as T
from game.ui import words
from game.ui.board import Board
from game.play.tips import day_tip  # the advisors you can ask (issue 13, helper D)
from game.ui.advisor_panel import AdvisorDesk
from game.ui.widgets import Button

GATE_NOTE = 0.5  # wall seconds the day waits on the scout before the screen says so


class RunScene(Pacing, Scouting, Feed, Ending, Deciding, Scene):
    """The day of the round, watched. `on_done()` is called once `round.result` is set."""

    name = "run"

    def __init__(self, app, round, *, on_done: Way = stay, on_back: Callable[[], None] | None = None,
                 on_map: Callable[[], None] | None = None,
                 play_seconds: float | None = None,  # the whole day in about this many seconds (game.scenes.run.pace)
                 background: bool = True, hold: float = HOLD_SECONDS,
                 scout_stall: float = SCOUT_STALL, decide_within: bool | None = None):
        super().__init__(app)
        self.round = round
        self.scenario = sc = round.scenario
        self.on_done = on_done
        self.on_back = on_back
        self.on_map = on_map or on_back  # the way back when the day cannot finish
        self.background = background
        self.rules = dict(round.rules)
        self.pmap = round.pmap
        self._open_day()
        self.horizon = float(sc.time.horizon)
        self.horizon_hours = self.horizon * sc.time.hours_per_unit
        self.multi_day = self.horizon_hours > 24
        self.rate_1x = self.horizon / DAY_SECONDS_1X  # sim units per wall second at 1x
        self.speed = 1.0
        self.paused = False
        self.wall = 0.0
        self.sim_time = 0.0
        self.changes: list[tuple] = []
        self._init_pace(play_seconds)
        self._init_picture()
        self._init_ending(hold)
        self._init_feed()
        self._init_scout(background, scout_stall)
        self._init_deciding(decide_within)
        self.levers_open = False
        self._paused_before_levers = False
        self.live = self._kpis()
        self._live_age = 0.0
        self._build_board()
        self._build_buttons()
        self.lever_panel = LeverPanel(sc, self.round.rules, self._levers_closed, self._levers_pending)
        self.widgets, self.b_close_levers = self.lever_panel.widgets, self.lever_panel.b_close
        # the advisors you can ask: the bottleneck now, from the watched day (game.play.tips.run_tip)
        self.desk = AdvisorDesk(sc, pygame.Rect(BOARD_RECT.right - 280, BOARD_RECT.top + 10, 270, 76),
                                lambda aid: day_tip(sc, self.day, self.live, aid), opens="below")
        if isinstance(self.day, NoDay):  # the same card as a day that cannot finish, with its way back
            self._give_up(self.round.run_error)
        elif background:
            self._send_scout()

    # ---- set-up ----------------------------------------------------------------------------------
    def _open_day(self) -> None:
        """The watched day (game.scenes.run.scout), or a `NoDay` and the reason when the map cannot run."""
        rnd = self.round
        rnd.day_unfinished = False  # a new day: what an earlier one left no longer holds
        rnd.run_error = None
        rnd.start_rules, rnd.played, rnd.decisions, rnd.changes_made = dict(self.rules), [], [], 0
        try:
            self.day = watched_day(self.scenario, self.pmap, self.rules, rnd.run_seed, trace=True, ask=True)
        except Exception as exc:  # a map that cannot run: say so rather than stop the game
            self.day = NoDay(self.scenario)
            rnd.run_error = f"This map cannot run. {describe(exc)}"
        rnd.day = self.day

    def _init_picture(self) -> None:
        """What the trace keeps up to date: queues, busy staff, stock, banners, the timeline by hour."""
        sc = self.scenario
        self.queues: dict[str, int] = {}
        self.busy: dict[str, tuple[int, int]] = dict(self.day.busy_counts())
        self.stock: dict[str, float] = {}
        self.banners: list[list] = []  # [advisor, text, age]
        self.kinds = {sid: s.kind for sid, s in sc.steps.items()}
        self.timeline = Timeline(sc.time.hours_per_unit, float(sc.run.service_level_wait),
                                 {s for s, k in self.kinds.items() if k == "service"}, clock_minutes(sc),
                                 bucket_hours=24.0 if self.horizon_hours > 48 else 1.0)

    def _build_board(self) -> None:
        sc = self.scenario
        layout = dict(self.round.layout)
        placed = self.pmap.steps
        if any(s not in layout for s in placed):
            from game.ui.layout import auto_layout

            layout = auto_layout(sc, list(self.round.edges), placed, BOARD_RECT)
        self.board = Board(sc, list(self.round.edges), layout)
        self.board.fit(BOARD_RECT.inflate(-8, -16), margin=12)
        self.backdrop = pygame.Surface(T.LOGICAL_SIZE)
        self.backdrop.fill(T.BG)
        pygame.draw.rect(self.backdrop, T.BG_LIGHT, BOARD_RECT, border_radius=18)
        self.board.draw(self.backdrop, cards=False)  # the links; cards go over the tokens each frame
        self.link_index, self.paths, self.tokens = link_paths(self.board)

    def _build_buttons(self) -> None:
        x, y = SPEED_X + 16, STRIP.top + 22
        pw = 76
        w = (STAFF_X - SPEED_X - 32 - pw - 4 * 8) // 4
        self.b_pause = Button((x, y, pw, 80), "", self.toggle_pause, key=pygame.K_SPACE)
        self.b_speeds = []
        for i, (label, mult) in enumerate(SPEEDS):
            b = Button((x + pw + 8 + i * (w + 8), y, w, 80), label, lambda m=mult: self.set_speed(m),
                       size=T.SIZE_BODY)
            self.b_speeds.append(b)
        bx, bw = BUTTONS_X, BUTTONS_W - 16
        self.b_levers = Button((bx, STRIP.top + 14, bw, 80), "Change the rules", self.open_levers)
        self.b_skip = Button((bx, STRIP.bottom - 94, bw, 80), "Skip to the end", self.skip, kind="primary")
        self.b_results = Button((bx, STRIP.bottom - 94, bw, 80), "See the results", self._call_done,
                                kind="primary")
        card = end_rect(True)
        half = (card.width - 3 * 40) // 2
        self.b_fix = Button((card.left + 40, card.bottom - 116, half, 80), "Back to the map", self._fix,
                            kind="primary")
        self.b_after = Button((card.right - 40 - half, card.bottom - 116, half, 80), "See the results",
                              self._call_done)
    # ---- control -----------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        self.paused = not self.paused

    def set_speed(self, mult: float) -> None:
        self.speed = float(mult)
        self.paused = False

    def open_levers(self) -> None:
        if self.ended_at is not None or self.dialog is not None:
            return
        self.lever_panel.open(self.round.rules)
        self.levers_open = True
        self._paused_before_levers = self.paused
        self.paused = True

    def close_levers(self) -> None:
        self.levers_open = False
        self.paused = self._paused_before_levers

    def skip(self) -> None:
        """Play the rest of the day without tokens, then the results: a fast-forward over the next frames
        (at once with `background=False`)."""
        if self.ended_at is not None:
            return
        self.levers_open = False
        if self.dialog is not None:  # the decision first; the fast-forward goes on after it
            self._skip_after_dialog = True
            return
        if self.background:
            self.skipping = True
            self.paused = False
        else:  # in this thread: at once (up to a decision, after which it goes on)
            self.skipping = True
            self._advance_to(math.inf, animate=False)
            self.skipping = False

    def seek(self, sim_time: float, timeout: float = 60.0) -> None:
        """Jump to `sim_time` (scenario units) as if played: the callers of the last moment are in flight.
        For screenshots and tests: it waits (up to `timeout` wall seconds) for the scout and the feed."""
        end = time.perf_counter() + timeout
        while (sim_time > self.sim_time + 1e-12 and self.ended_at is None and self.dialog is None
               and time.perf_counter() < end):
            self._watch_scout()
            self._advance_to(float(sim_time), budget=max(0.0, end - time.perf_counter()))
            if self.sim_time < sim_time and self.ended_at is None:
                time.sleep(0.01)  # the scout has not proven that far yet
        self.live = self._kpis()

    # ---- the day's clock (game.scenes.run.clock) -------------------------------------------------
    def day_number(self, t: float | None = None) -> int:
        return day_number(self.scenario, self.day.now if t is None else t)

    def span_words(self) -> str:
        """What 1x plays in DAY_SECONDS_1X: 'a day', or '14 days' for a longer horizon."""
        return span_words(self.horizon_hours)

    def clock(self, t: float | None = None) -> str:
        return clock_text(self.scenario, self.day.now if t is None else t)

    # ---- frame -------------------------------------------------------------------------------------
    def update(self, dt, events):
        dt = min(dt, 0.25)
        for e in events:
            if self.dialog is not None:
                self.dialog.handle(e)
            elif not self.levers_open and self.ended_at is None and self.desk.handle(e):  # an advisor's tip
                continue
            elif self.levers_open:
                self.lever_panel.handle(e)
            elif not any(b.handle(e) for b in self.buttons()) and e.type == pygame.KEYDOWN:
                self._key(e.key)
        self.wall += dt
        # one banner at a time; the next waits its turn (shorter turns while others wait)
        self.banners = age_banners(self.banners, dt)
        self._watch_scout()
        self._pace(dt)  # with play_seconds: the speed that plays the whole day in them
        if self.levers_open:
            self._want_lever_forecast()
        self.outlooks.poll()
        if self.dialog is not None:  # the day waits for the decision: sim time stands still
            self.dialog.update(dt)
        elif self.ended_at is None and (self.skipping or not self.paused):
            if self.skipping:
                target = math.inf
                self._advance_to(target, animate=False, budget=SKIP_BUDGET)
            else:
                target = self.sim_time + dt * self.rate_1x * self.speed
                self._advance_to(target, budget=FRAME_BUDGET)
            held = self.ended_at is None and self._feed is None and self.proven < target
            self.gated = self.gated + dt if held else 0.0
        self._live_age += dt
        if self._live_age > 0.25 and self.ended_at is None:
            self._live_age = 0.0
            self.live = self._kpis()
        if (self.ended_at is not None and self.stuck is None and self.tallied
                and self.wall - self.ended_at >= self.hold):
            self._call_done()

    def _key(self, key: int) -> None:
        """A key the buttons did not take: 1-4 a speed, Enter on from the end card, Esc back before it."""
        keys = {pygame.K_1: 0, pygame.K_2: 1, pygame.K_3: 2, pygame.K_4: 3}
        if key in keys:
            self.set_speed(SPEEDS[keys[key]][1])
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.ended_at is not None:
            self._call_done()
        elif key == pygame.K_ESCAPE and self.on_back is not None and self.ended_at is None:
            self.stop_work()  # a results run still going must not write into the round
            self.on_back()

    def buttons(self) -> list[Button]:
        if self.ended_at is not None:
            self.b_results.enabled = self.b_after.enabled = self.tallied
            if self.stuck is not None:
                return [self.b_fix, self.b_after] if self.on_map is not None else [self.b_after]
            return [self.b_results]
        return [self.b_pause, *self.b_speeds, self.b_levers, self.b_skip]

    def status_line(self) -> str | None:
        """A line over the board while the day is not simply playing: fast-forwarding, or getting ready."""
        if self.ended_at is not None:
            return None
        if self.dialog is not None:
            return None
        if self.skipping:
            return f"Fast-forwarding to the end of the day… {self.clock()}"
        if self.gated >= GATE_NOTE:
            return "Getting the rest of the day ready…"
        return None

    # ---- drawing -----------------------------------------------------------------------------------
    def draw(self, surface):
        surface.blit(self.backdrop, (0, 0))
        self.tokens.draw(surface, self.wall)
        self.board.draw(surface, edges=False)
        draw_queues(surface, self.board, self.queues)
        draw_stock(surface, self.board, self.stock)
        self._draw_top(surface)
        self._draw_side(surface)
        if self.banners:
            draw_banners(surface, self.banners, self.scenario, [self.board.card_rect(s) for s in self.board.layout])
        if self.ended_at is None:
            self.desk.draw(surface)  # the advisors you can ask, and the tip asked for
        if self.levers_open:
            self.lever_panel.draw(surface, self.moment(), self._lever_outlooks(), self.outlooks.error,
                                  until=self.end_words())
        if self.dialog is not None:
            self.dialog.draw(surface, self.moment())
        if self.ended_at is None:
            self._draw_status(surface)
        elif self.stuck is not None:
            when = f"at {self.clock()}" if self.day.now <= self.horizon else "after closing time"
            draw_stuck(surface, self.stuck, when, self.buttons())
        else:
            draw_day_over(surface, self.error, self.tallied, self.progress)

    def _draw_status(self, surface) -> None:
        line = self.status_line()
        if line is None:
            return
        box = pygame.Rect((0, 0), T.font(T.SIZE_BODY, "semibold").size(line)).inflate(56, 24)
        box.midbottom = (BOARD_RECT.centerx, BOARD_RECT.bottom - 20)
        T.panel(surface, box, T.PANEL_HI, radius=box.height // 2, border=T.ACCENT, width=3)
        T.text(surface, line, box.center, T.SIZE_BODY, T.TEXT, "semibold", anchor="center", box=box)

    def _draw_top(self, surface) -> None:
        T.text(surface, words.horizon_title(self.scenario), (24, 14), T.SIZE_HEAD, T.TEXT, "bold")
        days = self.evaluation_days[1]
        short = self.scenario.title.split(":")[0]
        span = words.horizon_noun(self.scenario)
        one = span if " " not in span else "run"  # "Fortnight 1 of the 10 evaluation fortnights"
        label = (f"{one.capitalize()} 1 of {words.evaluation_runs(self.scenario, days)}  ·  {short}" if days > 1
                 else self.scenario.title)
        T.text(surface, T.ellipsize(label, 700, T.SIZE_SMALL), (26, 66), T.SIZE_SMALL, T.TEXT_DIM)
        frac = min(1.0, self.day.now / self.horizon) if self.horizon else 1.0
        bar = pygame.Rect(760, 40, BOARD_RECT.right - 760, 16)
        pygame.draw.rect(surface, T.PANEL, bar, border_radius=8)
        pygame.draw.rect(surface, T.ACCENT, (bar.left, bar.top, int(bar.width * frac), bar.height), border_radius=8)
        start, end = self.clock(0), self.clock(self.horizon)
        if self.multi_day:
            start, end = f"Day 1, {start}", f"Day {self.day_number(self.horizon - 1e-9)} ends"
        T.text(surface, start, (bar.left, bar.bottom + 6), T.SIZE_SMALL, T.TEXT_DIM)
        T.text(surface, end, (bar.right, bar.bottom + 6), T.SIZE_SMALL, T.TEXT_DIM,
               anchor="topright")
        for ev in self.scenario.events:  # where the scripted events fall
            ex = bar.left + int(bar.width * min(1.0, ev.at / self.horizon))
            pygame.draw.polygon(surface, T.ORANGE, [(ex, bar.top - 2), (ex - 9, bar.top - 16), (ex + 9, bar.top - 16)])

    def _draw_side(self, surface) -> None:
        """The strip along the bottom: clock, speeds, staff, today's numbers, the two actions."""
        T.panel(surface, STRIP, T.PANEL, radius=18)
        top = STRIP.top
        for x in (SPEED_X, STAFF_X, TODAY_X, BUTTONS_X):
            pygame.draw.line(surface, T.LINE, (x - 8, top + 18), (x - 8, STRIP.bottom - 18), 2)
        x = CLOCK_X + 24
        T.text(surface, self.clock(), (x, top + 6), T.SIZE_TITLE, T.TEXT, "bold")
        now = self.day.now
        if self.ended_at is not None:
            state = "Day over" if self.stuck is None else "Day stopped"
        elif self.dialog is not None:
            state = "Deciding" if self.multi_day else "Waiting for a decision"
        elif now >= self.horizon:
            state = "Closed: finishing the queue"
        elif self.paused:
            state = "Paused"
        else:
            state = f"Playing at {self._speed_label()}"
        if self.multi_day:
            state = f"Day {self.day_number()} · {state}"
        size = T.fit(state, SPEED_X - 40 - x, T.SIZE_BODY, "semibold")
        T.text(surface, state, (x, top + 128), size, T.YELLOW if self.paused else T.TEXT_DIM, "semibold")
        for b in self.buttons():
            if b in self.b_speeds:
                b.kind = "primary" if (not self.paused and abs(self._mult(b) - self.speed) < 1e-9) else "normal"
            if b not in (self.b_results, self.b_fix, self.b_after):
                b.draw(surface)
        if self.ended_at is None:
            draw_pause_icon(surface, self.b_pause.rect.center, self.paused)
            span = T.text(surface, f"1x = {self.span_words()} in {DAY_SECONDS_1X:.0f} s", (SPEED_X + 16, top + 124),
                          T.SIZE_SMALL, T.TEXT_DIM)
            if span.right + 32 + T.font(T.SIZE_SMALL).size("Space pauses")[0] <= STAFF_X - 32:
                # the keyboard's hint, only where it stands apart (the pause button says as much)
                T.text(surface, "Space pauses", (STAFF_X - 32, top + 124), T.SIZE_SMALL, T.TEXT_DIM, anchor="topright")
        else:
            note = self.day_changes_sentence()
            T.paragraph(surface, note, pygame.Rect(SPEED_X + 16, top + 40, STAFF_X - SPEED_X - 48, 120),
                        T.SIZE_SMALL, T.TEXT_DIM)
        draw_staff(surface, self.scenario, self.busy, STAFF_X + 12, top + 14)
        draw_live(surface, live_rows(self.live, self.scenario), "Today" if self.ended_at is not None else "So far",
                  TODAY_X + 12, top + 14)
        if self.ended_at is not None and self.stuck is None and self.tallied:
            self.b_results.draw(surface)

    def _mult(self, b: Button) -> float:
        return dict(SPEEDS)[b.label]

    def _speed_label(self) -> str:
        return next((label for label, m in SPEEDS if abs(m - self.speed) < 1e-9), f"{self.speed:g}x")
