"""Simulate the evaluation days and write their event log: `export_log(scenario, out, ...)`.

Each day chosen (all of the run's replications by default, or `days`) is played as `engine.sim.run` plays
it (replication k of the seed, the same rules and script), traced, turned into events (`rows.day_events`)
and written as CSV or XES (`writers`), chosen by `fmt` or by the file's suffix (`.xes`, else CSV). A path is
written atomically (engine.files): a full disk or a crash half-way leaves the previous log whole, and a
folder, a device or a missing folder is refused (WriteError) before any day is simulated.
"""
from __future__ import annotations

import io
import os
from typing import IO, Any, Iterable, Iterator, Mapping, Sequence

from engine.eventlog.rows import Context, Event, day_events
from engine.eventlog.writers import write_csv, write_xes
from engine.model import ProcessMap, Scenario
from engine.sim.day import Day


def simulated_events(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
                     seed: int | None = None, days: Iterable[int] | None = None, script: Sequence[tuple] = (),
                     context: Context | None = None) -> Iterator[Event]:
    """The events of the chosen evaluation days (replication indices, from 0), day after day."""
    seed = scenario.run.seed if seed is None else int(seed)
    context = context or Context(scenario.id, seed=seed)
    all_rules = scenario.default_rules()
    all_rules.update(rules or {})
    for k in (range(scenario.run.replications) if days is None else days):
        day = Day(scenario, pmap=pmap, rules=all_rules if scenario.rules else None, seed=seed, replication=k,
                  trace=True, script=script)
        yield from day_events(day.advance(), scenario, context, k)


def log_format(out, fmt: str | None) -> str:
    if fmt:
        return fmt
    name = os.fspath(out) if isinstance(out, (str, os.PathLike)) else getattr(out, "name", "")
    return "xes" if str(name).lower().endswith(".xes") else "csv"


def export_log(scenario: Scenario, out: str | os.PathLike | IO[str], *, fmt: str | None = None,
               pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None, seed: int | None = None,
               days: Iterable[int] | None = None, script: Sequence[tuple] = (),
               context: Context | None = None) -> int:
    """Write the event log of the chosen days to a path or an open text file; how many events."""
    kind = log_format(out, fmt)
    if isinstance(out, (str, os.PathLike)):
        from engine.files import atomic_file, check_target

        check_target(out)
        with atomic_file(out, newline="") as f:
            return export_log(scenario, f, fmt=kind, pmap=pmap, rules=rules, seed=seed, days=days, script=script,
                              context=context)
    seed = scenario.run.seed if seed is None else int(seed)
    context = context or Context(scenario.id, seed=seed)
    events = simulated_events(scenario, pmap, rules, seed, days, script, context)
    return write_xes(events, out, context) if kind == "xes" else write_csv(events, out, context)


def log_text(scenario: Scenario, **kwargs) -> str:
    """The event log as a string (small days, tests)."""
    buf = io.StringIO()
    export_log(scenario, buf, **kwargs)
    return buf.getvalue()
