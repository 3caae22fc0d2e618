"""The events of one traced day, in the log's terms: `day_events(records, scenario, context, day_index)`.

A `Context` says where the cases come from (scenario, workshop, team, round, seed) and on which date day 0
falls, with which UTC offset. Each event is an `Event`; the last event of a case says so (`ends`), so a
writer that groups events by case (XES) can let the case go at once.
"""
from __future__ import annotations

import datetime as _dt
import heapq
import math
from dataclasses import dataclass
from typing import Iterable, Iterator

from engine.model import HOURS_PER_UNIT, Scenario

DEFAULT_DATE = "2026-01-05"  # a Monday: day 0 of a log no date was given for
QUEUED = ("service",)
PASSED = ("branch", "route", "inventory", "batch")  # steps a case leaves as it passes: one `complete`
UNLOGGED = ("busy", "queue", "stock", "order", "batch", "event")  # trace records that make no event


@dataclass(frozen=True)
class Context:
    """Where a log's cases come from, and when its day 0 is."""

    scenario: str
    workshop: str = ""
    team: str = ""
    round: int | None = None
    seed: int | None = None
    date: str = DEFAULT_DATE
    utc_offset: str = "+00:00"

    def case_prefix(self) -> str:
        parts = [self.scenario, self.workshop, self.team, f"r{self.round}" if self.round is not None else "",
                 f"s{self.seed}" if self.seed is not None else ""]
        return "/".join(p for p in parts if p)

    def zone(self) -> _dt.timezone:
        sign = -1 if self.utc_offset.startswith("-") else 1
        hh, mm = (int(x) for x in self.utc_offset.lstrip("+-").split(":"))
        return _dt.timezone(sign * _dt.timedelta(hours=hh, minutes=mm))


@dataclass(frozen=True)
class Event:
    case: str
    activity: str
    transition: str
    timestamp: str
    resource: str
    group: str
    replication: int
    ends: bool = False  # the case's last event


def clock(scenario: Scenario, context: Context, day_index: int):
    """t (in the scenario's unit from the day's start) -> ISO 8601 with offset; day k starts k horizons
    (whole days, at least one) after day 0, at the scenario's clock start."""
    hh, mm = (int(x) for x in (scenario.time.clock_start or "00:00").split(":")[:2])
    seconds_per_unit = HOURS_PER_UNIT[scenario.time.unit] * 3600.0
    days_per_run = max(1, math.ceil(float(scenario.time.horizon) * seconds_per_unit / 86400 - 1e-9))
    start = _dt.datetime.fromisoformat(context.date).replace(tzinfo=context.zone()) + _dt.timedelta(
        days=day_index * days_per_run, hours=hh, minutes=mm)

    def stamp(t: float) -> str:
        return (start + _dt.timedelta(seconds=t * seconds_per_unit)).isoformat(timespec="milliseconds")

    return stamp


class Staff:
    """Who serves: each start takes the lowest-numbered free member of its pool, each finish frees them."""

    def __init__(self):
        self.free: dict[str, list[int]] = {}
        self.next: dict[str, int] = {}
        self.serving: dict[int, tuple[str, int]] = {}  # entity -> (pool, member)

    def start(self, entity: int, pool: str) -> str:
        free = self.free.setdefault(pool, [])
        if free:
            n = heapq.heappop(free)
        else:
            n = self.next.get(pool, 0) + 1
            self.next[pool] = n
        self.serving[entity] = (pool, n)
        return f"{pool}-{n:02d}"

    def finish(self, entity: int) -> str:
        pool, n = self.serving.pop(entity)
        heapq.heappush(self.free[pool], n)
        return f"{pool}-{n:02d}"


def finishes_first(records: Iterable[tuple]) -> Iterator[tuple]:
    """The records with each service's finish before the starts it made possible: a unit that finishes
    takes the next waiting case at once, and the day records that start before the finish (both at the
    same moment). A start waits until a record of another kind or time comes, letting a finish at its
    moment go first unless it is the same case's (a service that took no time); the records that make no
    event (`UNLOGGED`) pass meanwhile."""
    waiting: list[tuple] = []
    for rec in records:
        if rec[0] == "start":
            if waiting and waiting[0][1] != rec[1]:
                yield from waiting
                waiting = []
            waiting.append(rec)
            continue
        if rec[0] in UNLOGGED:  # read-outs of queues, staff and stock: no event, no order to keep
            yield rec
            continue
        if waiting and not (rec[0] == "finish" and rec[1] == waiting[0][1] and
                            all(w[2] != rec[2] for w in waiting)):
            yield from waiting
            waiting = []
        yield rec
    yield from waiting


def day_events(records: Iterable[tuple], scenario: Scenario, context: Context, day_index: int = 0
               ) -> Iterator[Event]:
    """The events of one traced day (engine.sim.trace records), lazily, in time order."""
    stamp = clock(scenario, context, day_index)
    steps = scenario.steps
    prefix = f"{context.case_prefix()}/d{day_index}/"
    staff = Staff()

    def label(step_id: str) -> str:
        step = steps.get(step_id)
        return step.label if step is not None and step.label else step_id

    def ev(entity, step_id, transition, t, resource="", group="", ends=False) -> Event:
        return Event(prefix + str(entity), label(step_id), transition, stamp(t), resource, group, day_index, ends)

    for rec in finishes_first(records):
        kind = rec[0]
        if kind == "start":
            pool = rec[4]
            yield ev(rec[2], rec[3], "start", rec[1], staff.start(rec[2], pool) if pool else "", pool or "")
        elif kind == "finish":
            pool = rec[4]
            yield ev(rec[2], rec[3], "complete", rec[1], staff.finish(rec[2]) if pool else "", pool or "")
        elif kind == "move":
            _, t, entity, src_id, port, dst_id = rec
            src = steps.get(src_id)
            if src is not None and src.kind == "source":
                yield ev(entity, src_id, "complete", t)
            elif port in ("abandoned", "overflow"):
                yield ev(entity, src_id, "withdraw", t, ends=dst_id is None)
            elif src is not None and src.kind in PASSED:
                yield ev(entity, src_id, "complete", t)
            dst = steps.get(dst_id) if dst_id is not None else None
            if dst is not None and dst.kind in QUEUED:
                yield ev(entity, dst_id, "schedule", t)
        elif kind == "end" and rec[3] is not None:
            yield ev(rec[2], rec[3], "complete", rec[1], ends=True)
