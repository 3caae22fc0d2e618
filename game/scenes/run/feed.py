"""The watched day fed to the picture a frame's budget at a time, never past what the scout has proven.

`Feed` is the part of `RunScene` that advances the engine `Day`: each frame it asks the day for its trace
records up to the frame's sim time (or, skipping, to the end) and takes them into the picture, for at most
`FRAME_BUDGET` wall seconds (`SKIP_BUDGET` while fast-forwarding: Skip to the end is a fast-forward over a
few frames with a progress line); a generator of records left mid-way is finished on the next frames. It
never asks for a moment past `proven` (game.scenes.run.scout). Each record changes what is drawn: a move
along a link spawns a token born at the wall time its sim time maps to (so callers of the same moment fly
together), queues, busy staff and stock take their new sizes, a scripted event becomes a banner, and
the `Timeline` tallies the day by hour.

The watched day is also watched by itself: a clock past `RUNAWAY` horizons, `RECORD_FLOOD` records
without the clock moving, or an exception, ends it calmly (`_give_up`, game.scenes.run.ending).
"""
from __future__ import annotations

import math
import time

from game.scenes.run.scout import RUNAWAY
from game.scenes.run.stuck import end_words, loop_words

FRAME_BUDGET = 0.008  # wall seconds of engine work a frame may spend on the watched day
SKIP_BUDGET = 0.030  # ... while fast-forwarding to the end
RECORD_FLOOD = 250_000  # trace records with the clock standing still: callers going round in no time


class Feed:
    """The run scene's feed of the watched day (see the module docstring)."""

    def _init_feed(self) -> None:
        # a generator of trace records left mid-way when a frame's budget ran out
        self._feed = None
        self._feed_target = 0.0
        self._still_records = 0  # records since the clock last moved
        self._still_clock = -1.0
        self.skipping = False
        self.gated = 0.0  # wall seconds the watched day has waited on the scout

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
        if getattr(day, "asking", None) is not None:  # stopped at a decision: the clock waits there
            self._check_asking()
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
