"""The day's speed picked from the time it may take (`play_seconds`), so that the whole day plays in it.

`Pacing` is the part of `RunScene` a kiosk uses (game.modes.kiosk.timer): built with `play_seconds`, the
rest of the day (to the horizon, and a `DRAIN_SHARE` of it for the queue after closing) plays in about
that many wall seconds. Each frame the day moves (not paused, no decision asked), the seconds left shrink by the frame's time (the kiosk
may also set them anew each frame from its own clock, which pauses and decisions eat into) and the speed
becomes what plays the rest in what is left, rounded up to a tenth (below 10x) or a whole multiple;
never slower than a speed the player picked themselves. With no seconds left the day plays its end at
Max. Never a cut: the day always plays to its end, only faster.
"""
from __future__ import annotations

import math

from game.scenes.run.clock import SPEEDS

DRAIN_SHARE = 0.1  # the queue after closing, as a share of the day, allowed for in the pace


class Pacing:
    """The run scene's pace from `play_seconds` (see the module docstring)."""

    def _init_pace(self, play_seconds: float | None) -> None:
        self.play_seconds = None if play_seconds is None else max(0.0, float(play_seconds))
        self._paced = self.speed  # the speed the pace last set: another one is the player's pick
        self._picked = self.speed

    def _pace(self, dt: float) -> None:
        if self.play_seconds is None or self.ended_at is not None:
            return
        if not self.paused and getattr(self, "dialog", None) is None:  # the day moves (no decision asked)
            self.play_seconds = max(0.0, self.play_seconds - dt)
        if abs(self.speed - self._paced) > 1e-9:
            self._picked = self.speed  # a speed button: kept as the least speed
        rest = self.horizon * (1.0 + DRAIN_SHARE) - self.sim_time
        if self.play_seconds <= 1e-6 or rest <= 0:
            needed = SPEEDS[-1][1]
        else:
            needed = rest / self.play_seconds / self.rate_1x
            needed = math.ceil(needed * 10 - 1e-9) / 10 if needed < 10 else float(math.ceil(needed - 1e-9))
        self.speed = self._paced = max(self._picked, needed)
