"""What a kiosk can be set to (`KioskOptions`): from the command line (`--idle`), by the tests and the soak.

The defaults are the stand's: 45 s without input before "Still there?", 10 s of countdown, the attract
loop's pace, and the daily challenge on (every round, the attract loop's too, is measured on the
evaluation days: nothing here changes them). The round's length is the scenario's (`kiosk.round_seconds`)
unless `round_seconds` overrides it; how it is split is game.modes.kiosk.budget's.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class KioskOptions:
    """A kiosk's settings (see the module docstring)."""

    idle_seconds: float = 45.0  # without input before "Still there?"
    countdown: float = 10.0  # seconds of "Still there?" before the round is discarded
    attract_pace: float = 0.35  # seconds between the autoplay's moves
    daily: bool = True  # the daily challenge: every player of a day meets the same simulated day
    round_seconds: float | None = None  # overrides the scenario's kiosk.round_seconds (tests)
    boards_seconds: float = 8.0  # the attract loop's leaderboard between its rounds
