"""The log's two files: CSV (a row per event, XES-style column names) and XES (IEEE 1849), both streamed.

`write_csv(events, f, context)` writes rows as the events come. `write_xes(events, f, context)` groups
them into traces, one per case, writing each case out as soon as its last event has come (`Event.ends`),
and the cases still open (work not finished when the day stopped) at the end: memory grows with the cases
in the system, not with the day.
"""
from __future__ import annotations

import csv
from typing import IO, Iterable
from xml.sax.saxutils import quoteattr

from engine.eventlog.rows import Context, Event

COLUMNS = ("case:concept:name", "concept:name", "lifecycle:transition", "time:timestamp", "org:resource",
           "org:group", "case:scenario", "case:workshop", "case:team", "case:round", "case:replication")


def write_csv(events: Iterable[Event], out: IO[str], context: Context, header: bool = True) -> int:
    """The events as CSV rows on `out` (with the header line unless `header` is False); how many rows."""
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    n = 0
    rnd = "" if context.round is None else context.round
    for e in events:
        writer.writerow((e.case, e.activity, e.transition, e.timestamp, e.resource, e.group, context.scenario,
                         context.workshop, context.team, rnd, e.replication))
        n += 1
    return n


_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <string key="lifecycle:transition" value="complete"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
"""


def _attr(kind: str, key: str, value) -> str:
    return f"<{kind} key={quoteattr(key)} value={quoteattr(str(value))}/>"


class XesWriter:
    """Traces written one case at a time; `close` writes the cases still open and the end of the log."""

    def __init__(self, out: IO[str], context: Context):
        self.out, self.context = out, context
        self.open: dict[str, list[Event]] = {}
        self.events = 0
        out.write(_HEAD)
        out.write(f"  {_attr('string', 'concept:name', context.case_prefix())}\n")

    def add(self, e: Event) -> None:
        self.open.setdefault(e.case, []).append(e)
        self.events += 1
        if e.ends:
            self._trace(e.case, self.open.pop(e.case))

    def _trace(self, case: str, events: list[Event]) -> None:
        c = self.context
        lines = ["  <trace>", f"    {_attr('string', 'concept:name', case)}",
                 f"    {_attr('string', 'scenario', c.scenario)}",
                 f"    {_attr('int', 'replication', events[0].replication)}"]
        lines += [f"    {_attr('string', k, v)}" for k, v in (("workshop", c.workshop), ("team", c.team)) if v]
        if c.round is not None:
            lines.append(f"    {_attr('int', 'round', c.round)}")
        for e in events:
            lines.append("    <event>")
            lines.append(f"      {_attr('string', 'concept:name', e.activity)}")
            lines.append(f"      {_attr('string', 'lifecycle:transition', e.transition)}")
            lines.append(f"      {_attr('date', 'time:timestamp', e.timestamp)}")
            if e.resource:
                lines.append(f"      {_attr('string', 'org:resource', e.resource)}")
            if e.group:
                lines.append(f"      {_attr('string', 'org:group', e.group)}")
            lines.append("    </event>")
        lines.append("  </trace>\n")
        self.out.write("\n".join(lines))

    def close(self) -> int:
        for case, events in list(self.open.items()):
            self._trace(case, events)
        self.open.clear()
        self.out.write("</log>\n")
        return self.events


def write_xes(events: Iterable[Event], out: IO[str], context: Context) -> int:
    """The events as an XES log on `out`; how many events."""
    w = XesWriter(out, context)
    for e in events:
        w.add(e)
    return w.close()
