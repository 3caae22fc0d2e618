"""The day's clock: how fast it plays, and how its time reads in the scenario's terms.

Speed: 1x plays the scenario's horizon (its day, or its fortnight) in `DAY_SECONDS_1X` = 90 s of wall
time, and says so on screen ("1x = a day in 90 s", "1x = 14 days in 90 s", `span_words`); 10x, 60x and
Max are multiples of it (`SPEEDS`). Sim time reads as a wall clock from the scenario's `clock_start`
(`clock_text`: "08:00"), and over several days as the day it falls in (`day_number`).
"""
from __future__ import annotations

DAY_SECONDS_1X = 90.0  # wall seconds for the scenario's horizon at 1x
SPEEDS = (("1x", 1.0), ("10x", 10.0), ("60x", 60.0), ("Max", 400.0))


def clock_minutes(scenario) -> float:
    """The minute of the day the scenario's clock starts at ("08:00": 480); midnight when unreadable."""
    try:
        hh, mm = (int(x) for x in (scenario.time.clock_start or "00:00").split(":")[:2])
    except ValueError:
        hh, mm = 0, 0
    return hh * 60 + mm


def clock_text(scenario, t: float) -> str:
    """Sim time `t` on the day's clock: "HH:MM"."""
    m = clock_minutes(scenario) + t * scenario.time.hours_per_unit * 60
    m = int(m) % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def day_number(scenario, t: float) -> int:
    """The day (from 1) that sim time `t` falls in."""
    return int((clock_minutes(scenario) + t * scenario.time.hours_per_unit * 60) // (24 * 60)) + 1


def span_words(horizon_hours: float) -> str:
    """What 1x plays in DAY_SECONDS_1X: 'a day', or '14 days' for a longer horizon."""
    if horizon_hours < 4:  # a short tutorial shift: say its length
        hours = horizon_hours
        return f"{hours:.0f} hour{'s' if round(hours) != 1 else ''}" if hours >= 1 else f"{hours * 60:.0f} minutes"
    if horizon_hours <= 24:
        return "a day"
    days = horizon_hours / 24
    return f"{days:.0f} days" if abs(days - round(days)) < 0.05 else f"{days:.1f} days"
