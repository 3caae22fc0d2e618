"""A day's agenda: what is still to happen, on a heap of `(time, sequence, kind, a, b)` entries.

Pending happenings sit in a `heapq` of tuples; the sequence number makes ties deterministic (first
scheduled, first done), and it is a plain integer the compiled engine keeps unboxed. Only things that take
time are entries: the end of a delay, the end of a service, a caller's patience running out, an overflow
timer, a change (a staffing piece, a scripted event, a rate piece, a delivery, a review), an entity released
from waiting for stock or for its batch. Arrivals are not on the heap: each source keeps its next arrival
time and the loop takes whichever comes first (engine.sim.sources), which saves a push and a pop per entity.
Steps that take no time (branch, route, exit) are done as the entity moves on, in the same turn of the loop.

A caller served before their patience runs out leaves their timer on the heap; the timer carries the
caller's token as it was when they joined the queue, and a token that no longer matches the caller's is
ignored when it comes up (lazy cancellation: nothing is ever searched for on the heap).

What `a` and `b` hold depends on the kind:

| kind | a | b |
|---|---|---|
| `DELAY_DONE` | the entity | the delay step |
| `SERVICE_DONE` | the entity | the pool whose unit served it |
| `ABANDON`, `OVERFLOW` | the entity | its token when it joined the queue |
| `CHANGE` | a callback `(now, b) -> None` | its argument |
| `RELEASE` | the entity | the inventory or batch step it waited at |
"""
from __future__ import annotations

from heapq import heappush
from typing import Any, Final

DELAY_DONE: Final = 0
SERVICE_DONE: Final = 1
ABANDON: Final = 2
OVERFLOW: Final = 3
CHANGE: Final = 4
RELEASE: Final = 5  # an entity leaves a step where it waited for stock or for its batch (engine.sim.stock)

#: A heap entry: (time, sequence, kind, a, b).
Entry = tuple[float, int, int, Any, Any]


class Agenda:
    """The heap of one day and the sequence number of its last entry."""

    __slots__ = ("heap", "seq")

    def __init__(self) -> None:
        self.heap: list[Entry] = []
        self.seq = 0

    def push(self, t: float, kind: int, a: Any, b: Any) -> None:
        """Schedule an entry at time `t`; entries at one time come up in the order they were pushed.
        (The event loop inlines this: a call per event costs.)"""
        self.seq += 1
        heappush(self.heap, (t, self.seq, kind, a, b))
