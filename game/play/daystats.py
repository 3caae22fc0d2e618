"""The day hour by hour, read from the engine's trace: the service level of those who arrived in each
hour and the mean number waiting during it, for the results screen's charts.

The service level follows the engine's reading (engine.sim): over the entities offered to a service, the
share whose total queue wait before their first service was within `run.service_level_wait`; one who
never got served counts as a miss. Only entities born after warmup count.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Hourly:
    labels: list[str]  # "08", "09", ... from the scenario's clock; "Day 1", ... for bins of a day or more
    per: str  # what one bin is: "hour", "2 hours", "day", ...
    service_level: list[float | None]  # None: nobody was offered a service that hour
    queue: list[float]  # time-average number waiting in all queues
    days: int
    offered: list[int]  # entities offered to a service, by the hour they arrived (all days)
    served_in_time: list[int]  # of those, first served within the target wait


#: Bin widths tried, in hours, until the day fits in at most MAX_BINS bars.
BIN_HOURS = (1 / 12, 1 / 6, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 24, 48, 168, 336, 720)
MAX_BINS = 14


def bin_hours(total_hours: float) -> float:
    return next((b for b in BIN_HOURS if total_hours / b <= MAX_BINS + 1e-9), BIN_HOURS[-1])


def _per(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    if hours < 24:
        return "hour" if hours == 1 else f"{hours:g} hours"
    if hours == 168:
        return "week"
    return "day" if hours == 24 else f"{hours / 24:g} days"


def _labels(scenario, n: int, hours_per_bin: float) -> list[str]:
    if hours_per_bin >= 24:
        return [f"Day {1 + i * hours_per_bin / 24:g}" for i in range(n)]
    hh, mm = (int(x) for x in (scenario.time.clock_start or "00:00").split(":")[:2])
    out = []
    for i in range(n):
        minutes = round((hh * 60 + mm + i * hours_per_bin * 60)) % (24 * 60)
        out.append(f"{minutes // 60:02d}" if hours_per_bin >= 1 and mm == 0 else f"{minutes // 60:02d}:{minutes % 60:02d}")
    return out


def hourly(scenario, pmap, rules: dict, seed: int, days: int = 2, script=()) -> Hourly:
    """Average the first `days` replications of the run with `seed` (the same days as the full run), each
    playing `script` (a day's levers and decisions, engine.sim.Day) on top of `rules`."""
    from engine.sim import Day

    sc0 = scenario
    full = {**sc0.default_rules(), **(rules or {})}
    hours = sc0.time.hours_per_unit
    horizon = float(sc0.time.horizon)
    width = bin_hours(horizon * hours) / hours  # a bar per hour, or per longer stretch for a long horizon
    n = max(1, math.ceil(horizon / width - 1e-9))
    offered = [0] * n
    hits = [0] * n
    area = [0.0] * n
    for r in range(max(1, days)):
        day = Day(sc0, pmap=pmap, rules=full if sc0.rules else None, seed=seed, replication=r, trace=True,
                  script=tuple(script))
        sc = day.scenario
        kinds = {sid: s.kind for sid, s in sc.steps.items()}
        warm, slw = float(sc.time.warmup), float(sc.run.service_level_wait)
        born: dict[int, float] = {}
        joined: dict[int, float] = {}  # entity -> when it joined the queue it is in
        waited: dict[int, float] = {}  # total wait so far, before the first service
        served: set[int] = set()
        lengths: dict[str, int] = {}
        total, last_t = 0, 0.0

        def integrate(t: float) -> None:
            nonlocal last_t
            t = min(t, horizon)
            while last_t < t:
                b = min(n - 1, int(last_t / width))
                end = min(t, (b + 1) * width)
                area[b] += total * (end - last_t)
                last_t = end

        for rec in day.advance():
            what, t = rec[0], rec[1]
            if what == "queue":
                integrate(t)
                total += rec[3] - lengths.get(rec[2], 0)
                lengths[rec[2]] = rec[3]
            elif what == "move":
                e, frm, port, to = rec[2], rec[3], rec[4], rec[5]
                if kinds.get(frm) == "source":
                    born[e] = t
                if e in joined and kinds.get(frm) == "service" and port in ("abandoned", "overflow"):
                    waited[e] = waited.get(e, 0.0) + t - joined.pop(e)
                if to is not None and kinds.get(to) == "service" and e not in served:
                    joined[e] = t
            elif what == "start" and rec[4] is not None:
                e = rec[2]
                if e not in served and e in joined:
                    w = waited.get(e, 0.0) + t - joined.pop(e)
                    served.add(e)
                    b0 = born.get(e, 0.0)
                    if b0 >= warm and b0 < horizon:
                        b = min(n - 1, int(b0 / width))
                        offered[b] += 1
                        hits[b] += w <= slw + 1e-12
            elif what == "end":
                e = rec[2]
                if e not in served and (e in waited or e in joined):  # offered, never served: a miss
                    b0 = born.get(e, 0.0)
                    if b0 >= warm and b0 < horizon:
                        offered[min(n - 1, int(b0 / width))] += 1
                joined.pop(e, None)
                waited.pop(e, None)
                born.pop(e, None)
        integrate(horizon)
    d = max(1, days)
    sl = [hits[b] / offered[b] if offered[b] else None for b in range(n)]
    queue = [area[b] / (width * d) for b in range(n)]
    return Hourly(_labels(sc0, n, width * hours), _per(width * hours), sl, queue, d, offered, hits)
