"""The run: the player's own map comes alive for one simulated day.

An engine `Day` (replication 0 of the round's seed, on `round.pmap` with `round.rules`) is advanced a
slice per frame and its trace drives the picture: each move of a caller along a link becomes a token
gliding along that link's curve for a short, fixed wall time (so motion reads at any speed), queues grow
as stacks beside the desks, staff show as figures per pool (filled: busy; outlined: idle), and a scripted
event appears as its advisor's banner.

Speed: 1x plays the scenario's horizon (its day, or its fortnight) in `DAY_SECONDS_1X` = 90 s of wall
time, and says so on screen ("1x = a day in 90 s", "1x = 14 days in 90 s"); 10x, 60x and Max are
multiples of it; pause stops sim time. The player may pull a lever mid-day (the day pauses while the lever panel is open): the change goes
to the Day with `Day.apply_rules` and holds from that moment on; it is also kept in `round.rules`.

When the day is over, the results run is made: `engine.sim.run(scenario, round.pmap, round.rules,
seed=round.run_seed)` with the scenario's replications (or the settings' `replications`), in a
background job (a forked child process with a deadline, game.core.jobs), and then `on_done()` is called. A
lever pulled mid-day is in force for the whole of those days: the results say what the final rules are
worth.

The game never waits on the engine. A map can make a day that never ends (a caller sent back to the card
it left, round and round in no time, or for ever in the drain), and a compiled engine holds the
interpreter for as long as one piece of a day lasts, so the frame loop must never run an unproven piece:
- A scout (`scout_day`) plays the same day (same seed, rules, and the levers pulled so far, at the same
  moments) ahead in a forked child, reporting how far it got; the watched day on the main thread never
  goes past what the scout has proven finishes. A scout that stops getting further for `scout_stall`
  wall seconds, whose clock runs past `RUNAWAY` horizons, or that raises, is stopped (killed), and the
  day is declared unable to finish where the scout was stuck.
- The watched day is fed a frame's budget of trace records at a time (`FRAME_BUDGET` of wall time; Skip
  to the end spends `SKIP_BUDGET` a frame, a fast-forward over a few frames with a progress line). It is
  also watched by itself: a clock past `RUNAWAY` horizons, `RECORD_FLOOD` records without the clock
  moving, or an exception, ends it the same way.
- A day that cannot finish ends calmly: the end card says so in a player's words with a way back to the
  map and on to the results, which then show that there is no result (`round.day_unfinished`); the
  timeline and KPIs of what did run are kept. No results run is made: it would be the same endless day.
With `background=False` (tests) the day and the results run are played in this thread, as before, with
the watched day's own guards only.

What this scene leaves in the round for the results screen:
- `round.result`: the `engine.sim.RunResult` of that run (None if it failed; then `round.run_error`).
- `round.day`: the Day that was watched.
- `round.timeline`: the watched day by clock hour (by day when the horizon is over 48 hours),
  lists of the same length: `{"hours": ["08:00", ...] (or ["Day 1", ...]), "bucket": "hour" or "day",
  "queue": [mean entities waiting over the bucket, ...], "service_level": [share served within the
  target wait among those who reached a desk in that bucket, or None when nobody did],
  "arrivals": [count, ...]}`. Buckets after the horizon (the drain) are included.
- `round.watched_kpis`: the watched day's own KPIs (`Day.kpis()`).
- `round.rule_changes`: `[(sim_time, rule_id, old, new), ...]` in the order they were made.
- `round.day_unfinished`: True when the day could not finish (then `round.run_error` says why).
"""
from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import Callable

import numpy as np
import pygame

from engine.sim import Day, run as run_days

from game.ui import portraits
from game.ui import theme as T
from game.ui.board import Board
from game.core.jobs import Job, describe
from game.core.scene import Scene
from game.ui.widgets import Button
from game.ui.levers import lever_widget


DAY_SECONDS_1X = 90.0  # wall seconds for the scenario's horizon at 1x
SPEEDS = (("1x", 1.0), ("10x", 10.0), ("60x", 60.0), ("Max", 400.0))
TRAVEL = 0.5  # wall seconds a token takes along a link
MAX_TOKENS = 1000
BANNER_SECONDS = 7.0
HOLD_SECONDS = 2.5  # the end-of-day card shows at least this long before the results

TOP_H = 96
STRIP = pygame.Rect(16, T.H - 16 - 200, T.W - 32, 200)  # clock, speeds, staff, today, buttons
BOARD_RECT = pygame.Rect(16, TOP_H, T.W - 32, STRIP.top - 12 - TOP_H)
# the strip's blocks, left to right
CLOCK_X, SPEED_X, STAFF_X, TODAY_X, BUTTONS_X = 16, 330, 790, 1236, 1592
TODAY_W, BUTTONS_W = BUTTONS_X - TODAY_X, T.W - 16 - BUTTONS_X
TOKEN_R = 6

FRAME_BUDGET = 0.008  # wall seconds of engine work a frame may spend on the watched day
SKIP_BUDGET = 0.030  # ... while fast-forwarding to the end
RUNAWAY = 10.0  # a day still going after this many horizons will not end
RECORD_FLOOD = 250_000  # trace records with the clock standing still: callers going round in no time
SCOUT_SLICES = 200  # the scout reports its progress this many times a horizon
SCOUT_STALL = 8.0  # wall seconds the scout may go without getting further
TALLY_DEADLINE = 300.0  # wall seconds for the results run
GATE_NOTE = 0.5  # wall seconds the day waits on the scout before the screen says so


def loop_words(scenario) -> str:
    """What the end card says of a day that cannot finish, in the scenario's own terms."""
    noun = {"call_center": "callers", "logistics": "jobs", "supply_chain": "orders"}.get(scenario.domain, "work")
    return f"This map keeps {noun} going round in a loop; the day cannot finish. Back to the map to fix it."


def slow_words(scenario) -> str:
    """What the end card says when the day's simulation stopped getting further (the scout stalled): the
    machine may only be very busy, so the map is not blamed outright."""
    return ("This day is taking far too long to simulate, so we stopped it. The map may keep work going round "
            "in a loop: back to the map to check it.")


#: Errors that mean the day would not end (the engine's guards, the scout's, memory): the card says so in
#: the player's words (`loop_words`) rather than quoting the engine.
ENDLESS = ("RunawayDay", "MemoryError", "StuckInLoop", "WorkLimitExceeded")


def end_words(scenario, error, kind: str | None = None) -> str:
    """What the end card says of a day stopped by `error` (an exception, or a job's message with the name
    of its exception's class in `kind`)."""
    if kind is None and isinstance(error, BaseException):
        kind = type(error).__name__
    return loop_words(scenario) if kind in ENDLESS else failure_words(error)


def failure_words(detail) -> str:
    """What the end card says of a day the engine stopped with an error: its message, without the
    exception's class name (a job's errors read 'SomeError: message')."""
    detail = " ".join(str(detail).split())
    head, sep, rest = detail.partition(": ")
    if sep and head.isidentifier() and rest:
        detail = rest
    detail = detail.rstrip(".")[:300] or "the engine gave no reason"  # the card has room for five lines
    return f"The day stopped with a problem: {detail}. Back to the map to try another way."


class RunawayDay(Exception):
    """The scout's day ran far past its horizon: it will not end."""


def scout_day(scenario, pmap, rules, seed, changes, progress) -> float:
    """The watched day, played ahead in a child process (see the module docstring): replication 0 on the
    same seed, the levers of `changes` [(sim_time, {rule: value})] pulled at the same moments. Reports
    `progress(proven_time, 0)` every `1/SCOUT_SLICES` of the horizon, `progress(inf, 1)` at the end."""
    day = Day(scenario, pmap=pmap, rules=rules, seed=seed, replication=0)
    horizon = float(scenario.time.horizon)
    step = horizon / SCOUT_SLICES
    pending = sorted(changes, key=lambda change: change[0])
    reached = 0.0
    while not day.done:
        target = reached + step
        if pending and pending[0][0] < target:
            target = pending[0][0]
        for _ in day.advance(target):
            pass
        while pending and pending[0][0] <= target:
            day.apply_rules(pending.pop(0)[1])
        reached = target
        if day.now > horizon * RUNAWAY:
            raise RunawayDay(f"the clock passed {RUNAWAY:g} times the day's length")
        progress(reached, 0)
    progress(math.inf, 1)
    return day.now


def _token_image(colour) -> pygame.Surface:
    img = pygame.Surface((2 * TOKEN_R + 2, 2 * TOKEN_R + 2), pygame.SRCALPHA)
    pygame.draw.circle(img, colour, (TOKEN_R + 1, TOKEN_R + 1), TOKEN_R)
    pygame.draw.circle(img, tuple(int(c * 0.55) for c in colour), (TOKEN_R + 1, TOKEN_R + 1), TOKEN_R, 1)
    return img


@lru_cache(maxsize=2)
def _figure(busy: bool) -> pygame.Surface:
    """A member of staff: filled when busy, outlined when idle (shape as well as colour)."""
    img = pygame.Surface((18, 24), pygame.SRCALPHA)
    colour = T.ORANGE if busy else T.TEXT_DIM
    w = 0 if busy else 2
    pygame.draw.circle(img, colour, (9, 6), 5, w)
    pygame.draw.rect(img, colour, (2, 12, 14, 12), w, border_top_left_radius=7, border_top_right_radius=7)
    return img


class Tokens:
    """Callers in flight along links: a ring buffer of (link, wall birth time), drawn as discs.

    Positions are interpolated along each link's polyline with numpy, so a thousand tokens cost a few
    array operations and one `fblits` per colour per frame.
    """

    def __init__(self, paths: np.ndarray, colours: np.ndarray, capacity: int = MAX_TOKENS, travel: float = TRAVEL):
        self.paths = paths  # (links, samples, 2)
        self.colours = colours  # (links,) colour index per link
        self.capacity = capacity
        self.travel = travel
        self.link = np.zeros(capacity, dtype=np.int32)
        self.born = np.full(capacity, -1e9)
        self.head = 0
        self.images = [_token_image(T.YELLOW), _token_image(T.VERMILION)]

    def spawn(self, links: list[int], born: list[float]) -> None:
        n = len(links)
        if not n:
            return
        if n > self.capacity:
            links, born, n = links[-self.capacity:], born[-self.capacity:], self.capacity
        idx = (self.head + np.arange(n)) % self.capacity
        self.link[idx] = links
        self.born[idx] = born
        self.head = int((self.head + n) % self.capacity)

    def alive(self, now: float) -> np.ndarray:
        age = now - self.born
        return np.nonzero((age >= 0) & (age < self.travel))[0]

    def positions(self, now: float) -> tuple[np.ndarray, np.ndarray]:
        idx = self.alive(now)
        if not len(idx):
            return np.zeros((0, 2)), idx
        link = self.link[idx]
        samples = self.paths.shape[1]
        f = (now - self.born[idx]) / self.travel * (samples - 1)
        i = np.minimum(f.astype(np.int32), samples - 2)
        frac = (f - i)[:, None]
        a = self.paths[link, i]
        b = self.paths[link, i + 1]
        return a + (b - a) * frac, link

    def draw(self, surface: pygame.Surface, now: float) -> int:
        pos, link = self.positions(now)
        if not len(pos):
            return 0
        xy = (pos - (TOKEN_R + 1)).astype(np.int32).tolist()
        cols = self.colours[link]
        for c, img in enumerate(self.images):
            sel = np.nonzero(cols == c)[0]
            if len(sel):
                surface.fblits([(img, xy[k]) for k in sel.tolist()])
        return len(pos)


class Timeline:
    """The watched day by clock hour: arrivals, mean queue, service level (see the module docstring)."""

    def __init__(self, hours_per_unit: float, slw: float, service_steps: set[str], clock_minutes: float,
                 bucket_hours: float = 1.0):
        self.bucket_hours = bucket_hours
        self.hpu = hours_per_unit / bucket_hours  # buckets per sim unit
        self.slw = slw
        self.services = service_steps
        self.clock_minutes = clock_minutes
        self.arrivals: list[int] = []
        self.area: list[float] = []
        self.offered: list[int] = []
        self.ok: list[int] = []
        self.qlen: dict[str, int] = {}
        self.total_q = 0
        self.last_t = 0.0
        self.offer_time: dict[int, float] = {}

    def _hour(self, t: float) -> int:
        h = int(t * self.hpu)
        while len(self.arrivals) <= h:
            for lst in (self.arrivals, self.offered, self.ok):
                lst.append(0)
            self.area.append(0.0)
        return h

    def _advance(self, t: float) -> None:
        """Add the queue's area from the last record to `t`, split at hour boundaries."""
        t0 = self.last_t
        while t > t0:
            h = self._hour(t0)
            end = min(t, (h + 1) / self.hpu)
            self.area[h] += self.total_q * (end - t0)
            t0 = end if end > t0 else t
        self.last_t = max(self.last_t, t)

    def move(self, t: float, entity: int, src_kind: str, dst: str | None) -> None:
        if src_kind == "source":
            self.arrivals[self._hour(t)] += 1
        if dst in self.services and entity not in self.offer_time:
            self.offer_time[entity] = t
            self.offered[self._hour(t)] += 1

    def start(self, t: float, entity: int, pool) -> None:
        if pool is None:
            return
        t0 = self.offer_time.get(entity)
        if t0 is not None and t0 >= 0:
            if t - t0 <= self.slw + 1e-9:
                self.ok[self._hour(t0)] += 1
            self.offer_time[entity] = -1.0  # first service seen; later ones do not count

    def queue(self, t: float, step: str, length: int) -> None:
        self._advance(t)
        self.total_q += length - self.qlen.get(step, 0)
        self.qlen[step] = length

    def as_dict(self, end: float) -> dict:
        self._advance(end)
        self._hour(max(0.0, end - 1e-9))
        n = len(self.arrivals)
        unit_hour = 1.0 / self.hpu  # sim units in a bucket
        hours = []
        for h in range(n):
            if self.bucket_hours >= 24:
                hours.append(f"Day {h + 1}")
            else:
                m = int(self.clock_minutes + h * 60) % (24 * 60)
                hours.append(f"{m // 60:02d}:{m % 60:02d}")
        queue = []
        for h in range(n):
            span = min(unit_hour, max(1e-9, end - h * unit_hour))
            queue.append(self.area[h] / span)
        sl = [(self.ok[h] / self.offered[h]) if self.offered[h] else None for h in range(n)]
        return {"hours": hours, "bucket": "day" if self.bucket_hours >= 24 else "hour", "queue": queue,
                "service_level": sl, "arrivals": list(self.arrivals)}


def clock_minutes(scenario) -> float:
    try:
        hh, mm = (int(x) for x in (scenario.time.clock_start or "00:00").split(":")[:2])
    except ValueError:
        hh, mm = 0, 0
    return hh * 60 + mm


class _NoDay:
    """Stands in for a Day that could not be built: already over, with nothing in it."""

    def __init__(self, scenario):
        self.now = 0.0
        self.end_time = 0.0
        self.done = True
        self.rules = {}
        self.scenario = scenario

    def advance(self, until=None):
        return iter(())

    def apply_rules(self, values) -> None:
        pass

    def busy_counts(self):
        return {pid: (0, p.count) for pid, p in self.scenario.resources.items()}

    def kpis(self):
        return {}


class RunScene(Scene):
    """The day of the round, watched. `on_done()` is called once `round.result` is set."""

    name = "run"

    def __init__(self, app, round, on_done: Callable[[], None] | None = None,
                 on_back: Callable[[], None] | None = None, *, on_map: Callable[[], None] | None = None,
                 background: bool = True, replications: int | None = None, hold: float = HOLD_SECONDS,
                 scout_stall: float = SCOUT_STALL):
        super().__init__(app)
        self.round = round
        self.scenario = sc = round.scenario
        self.on_done = on_done
        self.on_back = on_back
        self.on_map = on_map or on_back  # the way back when the day cannot finish
        self.background = background
        self.scout_stall = scout_stall
        self.replications = replications if replications is not None else app.settings.replications
        self.hold = hold
        self.rules = dict(round.rules)
        self.pmap = round.pmap
        round.day_unfinished = False  # a new day: what an earlier one left no longer holds
        round.run_error = None
        try:
            self.day = Day(sc, pmap=self.pmap, rules=self.rules, seed=round.run_seed, replication=0, trace=True)
        except Exception as exc:  # a map that cannot run: say so rather than stop the game
            self.day = _NoDay(sc)
            round.run_error = f"This map cannot run. {describe(exc)}"
        round.day = self.day
        self.horizon = float(sc.time.horizon)
        self.rate_1x = self.horizon / DAY_SECONDS_1X  # sim units per wall second at 1x
        self.speed = 1.0
        self.paused = False
        self.wall = 0.0
        self.sim_time = 0.0
        self.queues: dict[str, int] = {}
        self.busy: dict[str, tuple[int, int]] = dict(self.day.busy_counts())
        self.banners: list[list] = []  # [advisor, text, age]
        self.changes: list[tuple] = []
        self.ended_at: float | None = None  # wall time the day ended
        self.result = None
        self.error: str | None = None
        self.progress = (0, 0)
        self._tally_job: Job | None = None
        self._done_called = False
        # the watched day's feed: a generator of trace records left mid-way when a frame's budget ran out
        self._feed = None
        self._feed_target = 0.0
        self._still_records = 0  # records since the clock last moved
        self._still_clock = -1.0
        self.skipping = False
        self.stuck: str | None = None  # why the day cannot finish, once it is known
        # the scout: how far the day is proven to finish; where it will not go on, and why
        self.scout: Job | None = None
        self.proven = math.inf if not background else 0.0
        self._proven_at = 0.0  # wall time (perf_counter) the scout last got further
        self.doomed: tuple[float, str] | None = None
        self.gated = 0.0  # wall seconds the watched day has waited on the scout
        self.cancelled = False
        self.levers_open = False
        self._paused_before_levers = False
        self.live = self._kpis()
        self._live_age = 0.0
        self.kinds = {sid: s.kind for sid, s in sc.steps.items()}
        self.horizon_hours = self.horizon * sc.time.hours_per_unit
        self.multi_day = self.horizon_hours > 24
        self.timeline = Timeline(sc.time.hours_per_unit, float(sc.run.service_level_wait),
                                 {s for s, k in self.kinds.items() if k == "service"}, clock_minutes(sc),
                                 bucket_hours=24.0 if self.horizon_hours > 48 else 1.0)
        self.stock: dict[str, float] = {}
        self._build_board()
        self._build_buttons()
        self._build_levers()
        if isinstance(self.day, _NoDay):  # the same card as a day that cannot finish, with its way back
            self._give_up(self.round.run_error)
        elif background:
            self._send_scout()

    # ---- set-up ----------------------------------------------------------------------------------
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
        edges = self.board.edges
        self.link_index = {(e.src, e.port): i for i, e in enumerate(edges)}
        paths = [self.board.edge_points(e) for e in edges]
        n = len(paths[0]) if paths else 2
        self.paths = np.array([p if len(p) == n else [(0, 0)] * n for p in paths], dtype=float).reshape(-1, n, 2)
        colours = np.array([1 if e.port in ("abandoned", "overflow") else 0 for e in edges], dtype=np.int32)
        self.tokens = Tokens(self.paths if len(edges) else np.zeros((1, 2, 2)), colours if len(edges) else
                             np.zeros(1, dtype=np.int32))

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
        card = self.end_rect(True)
        half = (card.width - 3 * 40) // 2
        self.b_fix = Button((card.left + 40, card.bottom - 116, half, 80), "Back to the map", self._fix,
                            kind="primary")
        self.b_after = Button((card.right - 40 - half, card.bottom - 116, half, 80), "See the results",
                              self._call_done)

    def lever_rect(self) -> pygame.Rect:
        n_sliders = sum(1 for r in self.scenario.rules if r.kind == "slider")
        h = 144 + 116 * n_sliders + 132 * (len(self.scenario.rules) - n_sliders) + 130
        h = min(T.H - 40, h)
        return pygame.Rect(BOARD_RECT.centerx - 440, (T.H - h) // 2, 880, h)

    def _build_levers(self) -> None:
        self.widgets: list = []
        box = self.lever_rect()
        y = box.top + 144
        x, w = box.left + 36, box.width - 72
        for rule in self.scenario.rules:
            value = self.round.rules.get(rule.id, rule.default)
            h = 104 if rule.kind == "slider" else 118
            wd = lever_widget(rule, pygame.Rect(x, y, w, h), value, lambda v, rid=rule.id: self.change_rule(rid, v))
            y += h + 12 if rule.kind == "slider" else h + 14
            wd.rule = rule
            self.widgets.append(wd)
        self.b_close_levers = Button((box.right - 36 - 360, box.bottom - 100, 360, 76), "Back to the day",
                                     self.close_levers, kind="primary")

    # ---- control -----------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        self.paused = not self.paused

    def set_speed(self, mult: float) -> None:
        self.speed = float(mult)
        self.paused = False

    def open_levers(self) -> None:
        if self.ended_at is not None:
            return
        self.levers_open = True
        self._paused_before_levers = self.paused
        self.paused = True

    def close_levers(self) -> None:
        self.levers_open = False
        self.paused = self._paused_before_levers

    def change_rule(self, rule_id: str, value) -> None:
        """A lever pulled mid-day: the Day takes it from now on; the round keeps it."""
        old = self.round.rules.get(rule_id)
        if old == value or self.ended_at is not None:
            return
        try:
            self.day.apply_rules({rule_id: value})
        except Exception as exc:  # an engine that misbehaves: the day ends calmly, the game goes on
            self._give_up(end_words(self.scenario, exc))
            return
        self.round.rules[rule_id] = value
        self.rules[rule_id] = value
        self.changes.append((self.day.now, rule_id, old, value))
        self.busy = dict(self.day.busy_counts())
        if self.background:  # the day from here on is another day: the scout proves it again
            self._send_scout()
        rule = self.scenario.rule(rule_id)
        self.banners.append([None, f"From {self.clock()}: {rule.label} {self._value_text(rule, old)} → "
                                   f"{self._value_text(rule, value)}", 0.0])

    @staticmethod
    def _value_text(rule, value) -> str:
        if rule.kind == "choice":
            return str(value).replace("_", " ")
        return f"{value:g}" if isinstance(value, float) else str(value)

    def skip(self) -> None:
        """Play the rest of the day without tokens, then the results: a fast-forward over the next frames
        (at once with `background=False`)."""
        if self.ended_at is not None:
            return
        self.levers_open = False
        if self.background:
            self.skipping = True
            self.paused = False
        else:
            self._advance_to(math.inf, animate=False)

    def seek(self, sim_time: float, timeout: float = 60.0) -> None:
        """Jump to `sim_time` (scenario units) as if played: the callers of the last moment are in flight.
        For screenshots and tests: it waits (up to `timeout` wall seconds) for the scout and the feed."""
        end = time.perf_counter() + timeout
        while sim_time > self.sim_time + 1e-12 and self.ended_at is None and time.perf_counter() < end:
            self._watch_scout()
            self._advance_to(float(sim_time), budget=max(0.0, end - time.perf_counter()))
            if self.sim_time < sim_time and self.ended_at is None:
                time.sleep(0.01)  # the scout has not proven that far yet
        self.live = self._kpis()

    # ---- the day -------------------------------------------------------------------------------------
    def day_number(self, t: float | None = None) -> int:
        t = self.day.now if t is None else t
        return int((clock_minutes(self.scenario) + t * self.scenario.time.hours_per_unit * 60) // (24 * 60)) + 1

    def span_words(self) -> str:
        """What 1x plays in DAY_SECONDS_1X: 'a day', or '14 days' for a longer horizon."""
        if self.horizon_hours < 4:  # a short tutorial shift: say its length
            hours = self.horizon_hours
            return f"{hours:.0f} hour{'s' if round(hours) != 1 else ''}" if hours >= 1 else f"{hours * 60:.0f} minutes"
        if not self.multi_day:
            return "a day"
        days = self.horizon_hours / 24
        return f"{days:.0f} days" if abs(days - round(days)) < 0.05 else f"{days:.1f} days"

    def clock(self, t: float | None = None) -> str:
        t = self.day.now if t is None else t
        m = clock_minutes(self.scenario) + t * self.scenario.time.hours_per_unit * 60
        m = int(m) % (24 * 60)
        return f"{m // 60:02d}:{m % 60:02d}"

    # ---- the scout -----------------------------------------------------------------------------------
    def _send_scout(self) -> None:
        """(Re)start the scout on the day as it stands: the levers pulled so far, at their moments."""
        if self.scout is not None:
            self.scout.cancel()
        changes, rules = [], dict(self.round.rules)
        for t, rule_id, old, _new in self.changes:  # the rules the day began with, then each change
            rules[rule_id] = old
        for t, rule_id, _old, new in self.changes:
            changes.append((t, {rule_id: new}))
        self.proven = min(self.proven, self.day.now)
        self._proven_at = time.perf_counter()
        self.doomed = None
        self.scout = Job(scout_day, self.scenario, self.pmap, rules, self.round.run_seed, changes,
                         name="scout", process=True, with_progress=True)  # no deadline: stalls are watched

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

    # ---- the watched day -------------------------------------------------------------------------------
    def _kpis(self) -> dict:
        try:
            return self.day.kpis()
        except Exception:  # an engine that misbehaves: no numbers rather than no game
            return {}

    def _advance_to(self, target: float, animate: bool = True, budget: float | None = None) -> None:
        """Feed the watched day towards `target` (inf: its end) for at most `budget` wall seconds (None: no
        limit), never past what the scout has proven; what is left is fed on the next frames."""
        day = self.day
        if day.done or self.ended_at is not None:
            return
        if self.doomed is not None and day.now >= self.doomed[0] - 1e-9 and self._feed is None:
            self._give_up(self.doomed[1])
            return
        wanted = target
        target = min(target, self.proven)
        deadline = math.inf if budget is None else time.perf_counter() + budget
        try:
            while True:
                if self._feed is None:
                    if target <= day.now and not math.isinf(target):
                        break
                    self._feed = day.advance(None if math.isinf(target) else target)
                    self._feed_target = target
                if not self._consume(self._feed, animate, deadline):
                    break  # the frame's budget is spent: go on next frame
                self._feed = None
                if day.done or self.ended_at is not None or self._feed_target >= target:
                    break
        except Exception as exc:  # an engine that misbehaves: the day ends calmly, the game goes on
            self._feed = None
            self._give_up(end_words(self.scenario, exc))
            return
        if self.ended_at is not None:
            return
        reached = self._feed_target if self._feed is None else day.now
        self.sim_time = day.now if math.isinf(reached) else max(self.sim_time, min(reached, max(day.now, reached)))
        self.gated = self.gated + 1 / 60 if wanted > self.proven and self._feed is None else 0.0
        if day.now > self.horizon * RUNAWAY:
            self._give_up(loop_words(self.scenario))
        elif day.done:
            self._end_of_day()

    def _consume(self, feed, animate: bool, deadline: float) -> bool:
        """Take the feed's records into the picture until it ends (True) or `deadline` passes (False)."""
        day = self.day
        rate = max(1e-9, self.rate_1x * self.speed)
        target = self._feed_target
        links, born = [], []
        index = self.link_index
        kinds = self.kinds
        tl = self.timeline
        wall = self.wall
        finished = True
        late = False  # past the deadline: stop once the records caught up with the day's clock
        n = 0
        for rec in feed:
            k = rec[0]
            if k == "move":
                t, ent, src, port, dst = rec[1], rec[2], rec[3], rec[4], rec[5]
                tl.move(t, ent, kinds.get(src, ""), dst)
                if animate and dst is not None:
                    i = index.get((src, port))
                    if i is not None:
                        links.append(i)
                        born.append(wall - (target - t) / rate)
            elif k == "start":
                tl.start(rec[1], rec[2], rec[4])
            elif k == "queue":
                self.queues[rec[2]] = rec[3]
                tl.queue(rec[1], rec[2], rec[3])
            elif k == "busy":
                self.busy[rec[2]] = (rec[3], rec[4])
            elif k == "stock":
                self.stock[rec[2]] = rec[3]
            elif k == "event":
                if rec[4]:
                    self.banners.append([rec[3], rec[4], 0.0])
            n += 1
            if late and rec[1] >= day.now:  # the budget is spent and the day's clock is shown in full
                finished = False
                break
            if n & 255 == 0:
                if self._runaway(rec[1]):
                    finished = False
                    break
                late = time.perf_counter() > deadline
        if links:
            self.tokens.spawn(links, born)
        return finished

    def _runaway(self, clock) -> bool:
        """Every 256 records: a clock far past the horizon, or standing still under a flood of records."""
        if not isinstance(clock, (int, float)) or clock > self._still_clock:
            self._still_clock = clock if isinstance(clock, (int, float)) else self._still_clock
            self._still_records = 0
        else:
            self._still_records += 256
        if self._still_records >= RECORD_FLOOD or self.day.now > self.horizon * RUNAWAY:
            self._give_up(loop_words(self.scenario))
            return True
        return False

    def _give_up(self, words: str) -> None:
        """The day cannot finish: end it here, keep what ran, say so; no results run (the same day again)."""
        if self.ended_at is not None:
            return
        self.stuck = self.error = words
        self._feed = None
        self.skipping = False
        if self.scout is not None:
            self.scout.cancel()
            self.scout = None
        rnd = self.round
        rnd.run_error = words
        rnd.day_unfinished = True
        rnd.result = None
        self.ended_at = self.wall
        self.levers_open = False
        self.banners.clear()
        self.live = self._kpis()
        end = max(1e-9, min(self.day.now, self.horizon * RUNAWAY))
        try:
            rnd.timeline = self.timeline.as_dict(end)
        except Exception:
            rnd.timeline = None
        rnd.watched_kpis = dict(self.live)
        rnd.rule_changes = list(self.changes)

    def _fix(self) -> None:
        if self.on_map is not None:
            self.stop_work()
            self.on_map()

    def _end_of_day(self) -> None:
        if self.ended_at is not None:
            return
        self.ended_at = self.wall
        self.skipping = False
        self.levers_open = False
        self.banners.clear()
        if self.scout is not None:  # the watched day itself got there
            self.scout.cancel()
            self.scout = None
        day = self.day
        end = day.end_time if day.end_time else day.now
        self.live = self._kpis()
        rnd = self.round
        rnd.timeline = self.timeline.as_dict(max(end, 1e-9))
        rnd.watched_kpis = dict(self.live)
        rnd.rule_changes = list(self.changes)
        if self.background:
            self._tally_job = Job(run_days, self.scenario, self.pmap, dict(self.round.rules),
                                  replications=self.replications, seed=self.round.run_seed, name="results-run",
                                  process=True, with_progress=True, deadline=TALLY_DEADLINE)
        else:
            self._tally()

    def _tally(self) -> None:
        """The results run, in this thread: the scenario's replications on the same map, rules and seed."""
        try:
            self.result = run_days(self.scenario, self.pmap, dict(self.round.rules), replications=self.replications,
                                   seed=self.round.run_seed, progress=self._progress)
        except Exception as exc:  # the results screen says so rather than the game stopping
            self.error = describe(exc)
        self._keep_tally()

    def _keep_tally(self) -> None:
        if self.cancelled:
            return
        self.round.result = self.result
        if self.error:
            self.round.run_error = self.error

    def _watch_tally(self) -> None:
        job = self._tally_job
        if job is None:
            return
        self.progress = job.progress
        if job.done:
            self._tally_job = None
            if job.error is None:
                self.result = job.result
            elif job.timed_out:
                self.error = "The results took far too long to tally, so we stopped."
            else:
                self.error = job.error
            self._keep_tally()

    def _progress(self, done: int, total: int) -> None:
        self.progress = (done, total)

    @property
    def tallied(self) -> bool:
        if self.ended_at is None:
            return False
        self._watch_tally()
        return self._tally_job is None and (self.result is not None or self.error is not None)

    def _call_done(self) -> None:
        if not self.tallied or self._done_called:
            return
        self._done_called = True
        if self.on_done:
            self.on_done()

    def leave(self) -> None:
        """Off the stack (not merely covered): the day's background work stops with it. A day already
        known not to finish (the round timer ended it early) tells the results so: nothing to tally."""
        if self in self.app.stack:
            return
        self._watch_scout()
        if self.doomed is not None and self.ended_at is None:
            self.round.run_error = self.doomed[1]
            self.round.day_unfinished = True
        self.stop_work()

    def stop_work(self) -> None:
        """Stop the scout and the results run; a result still coming must not write into the round."""
        self.cancelled = True
        for job in (self.scout, self._tally_job):
            if job is not None:
                job.cancel()
        self.scout = self._tally_job = None

    # ---- frame -------------------------------------------------------------------------------------
    def update(self, dt, events):
        dt = min(dt, 0.25)
        for e in events:
            if self.levers_open:
                if self.b_close_levers.handle(e):
                    continue
                if e.type == pygame.KEYDOWN and e.key in (pygame.K_ESCAPE, pygame.K_RETURN):
                    self.close_levers()
                    continue
                for w in self.widgets:
                    if w.handle(e):
                        break
                continue
            buttons = self.buttons()
            if any(b.handle(e) for b in buttons):
                continue
            if e.type == pygame.KEYDOWN:
                keys = {pygame.K_1: 0, pygame.K_2: 1, pygame.K_3: 2, pygame.K_4: 3}
                if e.key in keys:
                    self.set_speed(SPEEDS[keys[e.key]][1])
                elif e.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.ended_at is not None:
                    self._call_done()
                elif e.key == pygame.K_ESCAPE and self.on_back is not None and self.ended_at is None:
                    self.stop_work()  # a results run still going must not write into the round
                    self.on_back()
        self.wall += dt
        # one banner at a time; the next waits its turn (shorter turns while others wait)
        self.banners = self.banners[-4:]
        if self.banners:
            first = self.banners[0]
            first[2] += dt
            limit = BANNER_SECONDS if len(self.banners) == 1 else BANNER_SECONDS / 2
            if first[2] >= limit:
                self.banners.pop(0)
        self._watch_scout()
        if self.ended_at is None and (self.skipping or not self.paused):
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

    def buttons(self) -> list[Button]:
        if self.ended_at is not None:
            self.b_results.enabled = self.b_after.enabled = self.tallied
            if self.stuck is not None:
                return [self.b_fix, self.b_after] if self.on_map is not None else [self.b_after]
            return [self.b_results]
        return [self.b_pause, *self.b_speeds, self.b_levers, self.b_skip]

    def end_rect(self, stuck: bool | None = None) -> pygame.Rect:
        """The end-of-day card: taller when it must explain why the day could not finish."""
        stuck = self.stuck is not None if stuck is None else stuck
        w, h = (1100, 500) if stuck else (840, 300)  # stuck: room for five lines of why
        return pygame.Rect(BOARD_RECT.centerx - w // 2, BOARD_RECT.centery - h // 2, w, h)

    def status_line(self) -> str | None:
        """A line over the board while the day is not simply playing: fast-forwarding, or getting ready."""
        if self.ended_at is not None:
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
        self._draw_queues(surface)
        self._draw_stock(surface)
        self._draw_top(surface)
        self._draw_side(surface)
        self._draw_banners(surface)
        if self.levers_open:
            self._draw_levers(surface)
        if self.ended_at is not None:
            self._draw_end(surface)
        else:
            self._draw_status(surface)

    def _draw_status(self, surface) -> None:
        line = self.status_line()
        if line is None:
            return
        img = T.render(line, T.SIZE_BODY, T.TEXT, "semibold")
        box = img.get_rect().inflate(56, 24)
        box.midbottom = (BOARD_RECT.centerx, BOARD_RECT.bottom - 20)
        T.panel(surface, box, T.PANEL_HI, radius=box.height // 2, border=T.ACCENT, width=3)
        surface.blit(img, img.get_rect(center=box.center))

    def _draw_top(self, surface) -> None:
        T.text(surface, "The day", (24, 14), T.SIZE_HEAD, T.TEXT, "bold")
        T.text(surface, T.ellipsize(self.scenario.title, 700, T.SIZE_SMALL), (26, 66), T.SIZE_SMALL, T.TEXT_DIM)
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
        for i, ev in enumerate(self.scenario.events):  # where the scripted events fall
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
        self._draw_pause_icon(surface)
        if self.ended_at is None:
            T.text(surface, f"1x = {self.span_words()} in {DAY_SECONDS_1X:.0f} s", (SPEED_X + 16, top + 124),
                   T.SIZE_SMALL, T.TEXT_DIM)
            T.text(surface, "Space pauses", (STAFF_X - 32, top + 124), T.SIZE_SMALL, T.TEXT_DIM, anchor="topright")
        else:
            n = len(self.changes)
            note = f"You pulled {n} lever{'s' if n != 1 else ''} during the day." if n else "No lever pulled today."
            T.paragraph(surface, note, pygame.Rect(SPEED_X + 16, top + 40, STAFF_X - SPEED_X - 48, 120),
                        T.SIZE_SMALL, T.TEXT_DIM)
        self._draw_staff(surface, STAFF_X + 12, top + 14)
        self._draw_live(surface, TODAY_X + 12, top + 14)
        if self.ended_at is not None and self.stuck is None and self.tallied:
            self.b_results.draw(surface)

    def _draw_pause_icon(self, surface) -> None:
        """Pause as two bars, play as a triangle: the usual signs, no words to squeeze in."""
        if self.ended_at is not None:
            return
        c = self.b_pause.rect.center
        if self.paused:
            pygame.draw.polygon(surface, T.YELLOW, [(c[0] - 12, c[1] - 16), (c[0] - 12, c[1] + 16), (c[0] + 16, c[1])])
        else:
            pygame.draw.rect(surface, T.TEXT, (c[0] - 13, c[1] - 15, 9, 30), border_radius=2)
            pygame.draw.rect(surface, T.TEXT, (c[0] + 4, c[1] - 15, 9, 30), border_radius=2)

    def _mult(self, b: Button) -> float:
        return dict(SPEEDS)[b.label]

    def _speed_label(self) -> str:
        return next((label for label, m in SPEEDS if abs(m - self.speed) < 1e-9), f"{self.speed:g}x")

    def _draw_staff(self, surface, x: int, y: int) -> int:
        """Per pool: its name, busy of staffed, and a figure per person (filled: busy; outlined: idle);
        a pool too big for the room left is a bar instead."""
        width = TODAY_X - STAFF_X - 40
        right = x + width
        per_row = width // 22
        pools = []
        for pid, pool in self.scenario.resources.items():
            busy, staff = self.busy.get(pid, (0, pool.count))
            pools.append([pool, busy, staff, max(1, -(-max(staff, busy) // per_row))])
        room = STRIP.bottom - 12 - y
        while sum(32 + p[3] * 26 for p in pools) > room and any(p[3] > 0 for p in pools):
            biggest = max(pools, key=lambda p: p[3])
            biggest[3] = 0  # drawn as a bar (as tall as a row of figures)
            if all(p[3] == 0 for p in pools):
                break
        for pool, busy, staff, rows in pools:
            count = f"{busy} busy of {staff}"
            cw = T.font(T.SIZE_SMALL, "semibold").size(count)[0]
            T.text(surface, T.ellipsize(pool.label, width - cw - 16, T.SIZE_SMALL, "semibold"), (x, y),
                   T.SIZE_SMALL, T.TEXT, "semibold")
            T.text(surface, count, (right, y), T.SIZE_SMALL, T.ORANGE if busy >= staff > 0 else T.TEXT_DIM,
                   "semibold", anchor="topright")
            fy = y + 32
            if rows:
                for k in range(max(staff, busy)):
                    r, c = divmod(k, per_row)
                    surface.blit(_figure(k < busy), (x + c * 22, fy + r * 26))
            else:
                bar = pygame.Rect(x, fy + 2, width, 20)
                pygame.draw.rect(surface, T.BG_LIGHT, bar, border_radius=6)
                pygame.draw.rect(surface, T.ORANGE, (x, fy + 2, int(width * busy / max(1, staff, busy)), 20),
                                 border_radius=6)
            y += 32 + max(1, rows) * 26 + 4
        return y

    def live_rows(self) -> list[tuple[str, str, tuple]]:
        """Today's numbers: arrivals, the scenario's targets (or waiting and giving up), profit."""
        from game.ui import words

        k, sc = self.live, self.scenario
        rows = [(words.label("arrivals", sc), f"{k.get('arrivals', 0):,.0f}", T.TEXT)]
        targets = list(sc.objective.targets)[:2]
        if not targets:
            names = [("service_level", None), ("abandon_rate", None)]
        else:
            names = [(t.kpi, t) for t in targets]
        for name, t in names:
            v = k.get(name)
            if v is None:
                continue
            base = name.split(".")[0]
            text = f"{v * 100:.0f} %" if base in words.SHARES else words.value(name, v, sc)
            colour = T.TEXT
            if t is not None:
                colour = T.GREEN if t.met(v) else T.ORANGE
                text += "  ✓" if t.met(v) else "  ✗"
            rows.append((words.label(name, sc), text, colour))
        rows.append(("Profit", T.money(k.get("profit", 0.0), sc.currency), T.TEXT))
        return rows[:4]

    def _draw_live(self, surface, x: int, y: int) -> None:
        right = x + TODAY_W - 24
        T.text(surface, "Today" if self.ended_at is not None else "So far", (x, y), T.SIZE_SMALL, T.TEXT, "bold")
        y += 38
        for label, value, colour in self.live_rows():
            vw = T.font(T.SIZE_SMALL, "semibold").size(value)[0]
            T.text(surface, T.ellipsize(label, right - x - vw - 12, T.SIZE_SMALL), (x, y), T.SIZE_SMALL, T.TEXT_DIM)
            T.text(surface, value, (right, y), T.SIZE_SMALL, colour, "semibold", anchor="topright")
            y += 34

    def _draw_stock(self, surface) -> None:
        """Each stock point's shelf, in a pill on its card's top-right corner (red when empty)."""
        for sid, on_hand in self.stock.items():
            if sid not in self.board.layout:
                continue
            r = self.board.card_rect(sid)
            n = max(0.0, on_hand)
            text = f"{n:,.0f}" if n else "0: out"
            fg = T.BG if n else T.TEXT
            img = T.render(text, T.SIZE_SMALL, fg, "bold")
            box = img.get_rect().inflate(48, 4)
            box.midright = (r.right + 10, r.top)
            T.panel(surface, box, T.GREEN if n else T.VERMILION, radius=box.height // 2)
            shelf = pygame.Rect(box.left + 12, box.centery - 8, 18, 16)  # a little shelf: stock, not a queue
            pygame.draw.rect(surface, fg, shelf, 2)
            pygame.draw.line(surface, fg, (shelf.left, shelf.centery), (shelf.right - 1, shelf.centery), 2)
            surface.blit(img, img.get_rect(midleft=(shelf.right + 6, box.centery)))

    def _draw_queues(self, surface) -> None:
        """Each desk's queue as a stack of discs left of its card, growing upwards, then a count."""
        board = self.board
        for sid, n in self.queues.items():
            if n <= 0 or sid not in board.layout:
                continue
            r = board.card_rect(sid)
            rows_max = max(3, (r.height - 10) // 12)
            cols = 3
            shown = min(n, rows_max * cols)
            for k in range(shown):
                c, row = divmod(k, rows_max)
                cx = r.left - 12 - c * 12
                cy = r.bottom - 8 - row * 12
                pygame.draw.circle(surface, T.YELLOW, (cx, cy), 5)
            # the count in a pill on the card's top-left corner (the gap above may hold another card)
            img = T.render(str(n), T.SIZE_SMALL, T.BG if n < 20 else T.TEXT, "bold")
            box = img.get_rect(center=(r.left, r.top)).inflate(18, 4)
            box.width = max(box.width, box.height)
            box.center = (r.left, r.top)
            T.panel(surface, box, T.YELLOW if n < 20 else T.VERMILION, radius=box.height // 2)
            surface.blit(img, img.get_rect(center=box.center))

    def _draw_banners(self, surface) -> None:
        y = 10
        for advisor_id, text, age in self.banners[:1]:
            adv = self.scenario.advisors.get(advisor_id) if advisor_id else None
            box = pygame.Rect(BOARD_RECT.left + 300, y, BOARD_RECT.width - 600, 128)
            colour = T.hex_colour(getattr(adv, "colour", None), T.SKY) if adv else T.SKY
            T.panel(surface, box, T.PANEL_HI, radius=20, border=colour, width=4)
            tx = box.left + 24
            if adv is not None:
                surface.blit(portraits.portrait(adv, 84, self.scenario.path), (box.left + 14, box.top + 14))
                tx = box.left + 118
                T.text(surface, adv.name, (tx, box.top + 12), T.SIZE_SMALL, colour, "semibold")
                lines = T.wrap(text, box.right - tx - 24, T.SIZE_BODY)[:2]
                for i, line in enumerate(lines):
                    T.text(surface, line, (tx, box.top + 46 + i * 36), T.SIZE_BODY, T.TEXT)
            else:
                T.text(surface, "Rule changed", (tx, box.top + 14), T.SIZE_SMALL, colour, "semibold")
                T.text(surface, T.ellipsize(text, box.width - 48, T.SIZE_BODY, "semibold"), (tx, box.top + 52),
                       T.SIZE_BODY, T.TEXT, "semibold")
            y += box.height + 12

    def _draw_levers(self, surface) -> None:
        shade = pygame.Surface(T.LOGICAL_SIZE, pygame.SRCALPHA)
        shade.fill((8, 12, 20, 170))
        surface.blit(shade, (0, 0))
        box = self.lever_rect()
        T.panel(surface, box, T.BG_LIGHT, radius=22, border=T.LINE, width=3)
        T.text(surface, "Change the rules", (box.left + 36, box.top + 24), T.SIZE_HEAD, T.TEXT, "bold")
        T.text(surface, f"A change holds from {self.clock()} on. The day waits while you choose.",
               (box.left + 36, box.top + 84), T.SIZE_SMALL, T.TEXT_DIM)
        for w in self.widgets:
            w.draw(surface)
        self.b_close_levers.draw(surface)

    def _draw_end(self, surface) -> None:
        if self.stuck is not None:
            self._draw_stuck(surface)
            return
        box = self.end_rect()
        T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.ACCENT, width=3)
        T.text(surface, "That's the day!", (box.centerx, box.top + 40), T.SIZE_HEAD, T.TEXT, "bold", anchor="midtop")
        if self.error:
            msg = T.ellipsize(self.error, box.width - 80, T.SIZE_BODY)
        elif self.tallied:
            msg = "Results ready."
        else:
            done, total = self.progress
            msg = f"Playing {total or 'more'} days like it for fair results… {done}/{total}" if total else \
                "Playing more days like it for fair results…"
        T.text(surface, msg, (box.centerx, box.top + 130), T.SIZE_BODY, T.TEXT_DIM, anchor="midtop")
        done, total = self.progress
        bar = pygame.Rect(box.left + 60, box.top + 200, box.width - 120, 18)
        pygame.draw.rect(surface, T.PANEL, bar, border_radius=9)
        frac = 1.0 if self.tallied else (done / total if total else 0.05)
        pygame.draw.rect(surface, T.ACCENT, (bar.left, bar.top, int(bar.width * frac), bar.height), border_radius=9)

    def _draw_stuck(self, surface) -> None:
        """The day that cannot finish: why, in the player's words, and the ways on."""
        box = self.end_rect()
        T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.WARN, width=4)
        T.text(surface, "This day cannot finish", (box.centerx, box.top + 36), T.SIZE_HEAD, T.TEXT, "bold",
               anchor="midtop")
        T.paragraph(surface, self.stuck, pygame.Rect(box.left + 60, box.top + 112, box.width - 120, 200),
                    T.SIZE_BODY, T.TEXT)
        when = f"at {self.clock()}" if self.day.now <= self.horizon else "after closing time"
        T.text(surface, f"It stopped {when}. The results show what ran until then.",
               (box.centerx, box.bottom - 168), T.SIZE_SMALL, T.TEXT_DIM, anchor="midtop")
        for b in self.buttons():
            b.draw(surface)
