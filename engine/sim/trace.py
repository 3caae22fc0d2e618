"""What a traced day reports, and the event log a process-mining tool reads.

A `Day` built with `trace=True` yields plain tuples, cheapest to make, whose first item says what they are:

| record | meaning |
|---|---|
| `("move", t, entity, from_step, port, to_step)` | the entity left `from_step` through `port` for `to_step` (None: it ended there, abandoned) |
| `("start", t, entity, step, pool)` | a service (pool set) or a delay (pool None) started |
| `("finish", t, entity, step, pool)` | and finished |
| `("queue", t, step, length)` | the queue of a service step changed length |
| `("busy", t, pool, busy, staff)` | a pool's busy units or staff changed |
| `("event", t, index, advisor, text)` | a scripted event fired, with what the advisor says |
| `("end", t, entity, exit_step, outcome)` | the entity left the system (exit_step None: an unconnected `abandoned` port) |
| `("stock", t, step, on_hand, owed)` | an inventory step's shelf changed (or what it owes: entities waiting and units owed to the steps it supplies); one record per step at time 0 |
| `("order", t, step, quantity, supplier)` | an inventory step placed a replenishment order (supplier None: an outside supplier) |
| `("batch", t, step, size)` | a group of `size` entities left a batch step |

`entity` is a number unique within the day; times are in the scenario's unit from the start of the day.

`write_event_log` turns records into a CSV event log with XES-style columns (`case:concept:name`,
`concept:name`, `org:resource`, `time:timestamp`, `lifecycle:transition`), one row per arrival, service or
delay start and completion, abandonment or overflow (`withdraw`: the work was never started) and exit.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import os
from typing import IO, Any, Iterable, Mapping

from engine.model import HOURS_PER_UNIT, ProcessMap, Scenario

from .day import Day

COLUMNS = ("case:concept:name", "concept:name", "org:resource", "time:timestamp", "lifecycle:transition")
DEFAULT_DATE = "2026-01-05"  # a Monday: the day the log's timestamps fall on


def _clock(scenario: Scenario, date: str):
    hh, mm = (int(x) for x in (scenario.time.clock_start or "00:00").split(":")[:2])
    start = _dt.datetime.fromisoformat(date) + _dt.timedelta(hours=hh, minutes=mm)
    seconds_per_unit = HOURS_PER_UNIT[scenario.time.unit] * 3600.0

    def stamp(t: float) -> str:
        return (start + _dt.timedelta(seconds=t * seconds_per_unit)).isoformat(timespec="milliseconds")

    return stamp


def event_rows(records: Iterable[tuple], scenario: Scenario, date: str = DEFAULT_DATE) -> Iterable[tuple]:
    """The event log's rows (in the order of COLUMNS) for trace records, lazily."""
    stamp = _clock(scenario, date)
    steps = scenario.steps

    def label(step_id: str) -> str:
        step = steps.get(step_id)
        return step.label if step is not None and step.label else step_id

    for rec in records:
        kind = rec[0]
        if kind == "start":
            yield (rec[2], label(rec[3]), rec[4] or "", stamp(rec[1]), "start")
        elif kind == "finish":
            yield (rec[2], label(rec[3]), rec[4] or "", stamp(rec[1]), "complete")
        elif kind == "move":
            src = steps.get(rec[3])
            if src is not None and src.kind == "source":
                yield (rec[2], label(rec[3]), "", stamp(rec[1]), "complete")
            elif rec[4] in ("abandoned", "overflow"):
                yield (rec[2], label(rec[3]), "", stamp(rec[1]), "withdraw")
        elif kind == "end" and rec[3] is not None:
            yield (rec[2], label(rec[3]), "", stamp(rec[1]), "complete")


def write_event_log(records: Iterable[tuple], out: str | os.PathLike | IO[str], scenario: Scenario,
                    date: str = DEFAULT_DATE) -> int:
    """Write the event log of trace records as CSV to a path or an open text file; return the row count.

    Rows are written as the records come, so a whole day streams through in bounded memory. A path is
    written atomically (engine.files): a full disk or a crash half-way leaves the previous log whole, and a
    folder, a device or a missing folder is refused (WriteError) before the day is simulated.
    """
    if isinstance(out, (str, os.PathLike)):
        from engine.files import atomic_file

        with atomic_file(out, newline="") as f:
            return write_event_log(records, f, scenario, date)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in event_rows(records, scenario, date):
        writer.writerow(row)
        n += 1
    return n


def export_event_log(scenario: Scenario, out: str | os.PathLike | IO[str], pmap: ProcessMap | None = None,
                     rules: Mapping[str, Any] | None = None, seed: int | None = None, replication: int = 0,
                     date: str = DEFAULT_DATE, script=()) -> int:
    """Simulate one day (replication `replication` of the run with `seed`, playing `script`) and write its
    event log: what `main.py simulate --events-csv FILE` writes."""
    all_rules = scenario.default_rules()
    all_rules.update(rules or {})
    day = Day(scenario, pmap=pmap, rules=all_rules if scenario.rules else None, seed=seed,
              replication=replication, trace=True, script=script)
    return write_event_log(day.advance(), out, scenario, date)


def event_log_text(scenario: Scenario, **kwargs) -> str:
    """The event log as a string (small days, tests)."""
    buf = io.StringIO()
    export_event_log(scenario, buf, **kwargs)
    return buf.getvalue()
