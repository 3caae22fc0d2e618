"""Knobs: the quantities of a day that schedules, scripted events and mid-day changes move.

A knob is a staff count, a source's rate, a step's duration scale or an inventory step's lead-time scale.
Its value is its base (from the rules and the schedules) unless a scripted event sets it, the latest active
`set` winning, times every active `scale`. Whenever any of these changes, the knob hands its new value to the
part of the day it drives (`apply`).
"""
from __future__ import annotations

from typing import Callable


class Knob:
    """A number with a base (the rules and schedules), `set`s (the latest active wins) and `scale`s."""

    __slots__ = ("base", "sets", "scales", "apply")

    def __init__(self, base: float, apply: Callable[[float, float], None]):
        self.base = base
        self.sets: list[tuple[int, float]] = []  # (event index, value)
        self.scales: list[tuple[int, float]] = []  # (event index, factor)
        self.apply = apply  # (now, value) -> None

    def value(self) -> float:
        v = self.sets[-1][1] if self.sets else self.base
        for _, f in self.scales:
            v *= f
        return v

    def update(self, now: float) -> None:
        self.apply(now, self.value())
