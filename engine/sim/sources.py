"""Arrivals: each source's next arrival, kept beside the heap rather than on it.

A source's arrivals are a stream of unit-rate exponential gaps (engine.sim.streams) mapped through its rate:
the next arrival is `unit-rate time left / rate` away. A new rate keeps the unit-rate time left, so the
arrival process stays the same stream of gaps (exact for piecewise rates) and a storm or a rate piece changes
when callers come, never which callers come. A rate of zero parks the unit-rate time left until the rate
comes back. The loop takes the earliest of the sources' next arrivals and of the heap's first entry.
"""
from __future__ import annotations

from .state import INF, DayState


def next_arrival(day: DayState) -> tuple[float, int]:
    """The next arrival over all sources: (time, source number), or (inf, -1) after the horizon."""
    best, jb = INF, -1
    for j, t in enumerate(day.arrival_at):
        if t < best:
            best, jb = t, j
    return (best, jb) if best < day.horizon else (INF, -1)


def set_rate(day: DayState, j: int, r: float, now: float) -> None:
    """A new arrival rate `r` for source `j` from `now`: the time left to its next arrival, in unit-rate
    time, is kept.

    From the horizon on the source is closed: its pending arrival, if any, lies beyond the horizon and
    is never taken, and a change then (an event that outlasts the day, a rule changed while the day
    drains) must not move it. Rescaling it would put it in the past, before `now`: the clock would run
    backwards and arrivals start again (issue 10: 1,991 arrivals for 1,500 expected)."""
    old = day.rate[j]
    if now >= day.horizon:
        day.rate[j] = r
        return
    at = day.arrival_at[j]
    mass = (at - now) * old if (old > 0 and at < INF) else day.unit_time_left[j]
    day.rate[j] = r
    if r > 0:
        day.arrival_at[j] = now + mass / r
    else:
        day.unit_time_left[j] = mass
        day.arrival_at[j] = INF


def start_sources(day: DayState) -> None:
    """Each source's first gap, scheduled at its rate at time 0."""
    for j in range(len(day.plan.sources)):
        day.unit_time_left[j] = day.streams.arrive[j].next()
        day.arrival_at[j] = INF
        set_rate(day, j, day.rate[j], 0.0)
