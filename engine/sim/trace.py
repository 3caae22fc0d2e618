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

The event log a process-mining tool reads is made from these records by engine.eventlog (one format for
every export: CSV and XES).
"""
from __future__ import annotations
