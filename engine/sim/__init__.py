"""The simulation: a day of the business, event by event, and runs of many days.

`run(scenario, ...)` simulates replications and returns KPIs per replication with their means and 95 %
half-widths. `Day` is one replication the game advances a little at a time: it streams what happens (trace
records, see engine.sim.trace) and accepts changes mid-day: levers pulled and decisions taken at the shocks
(engine.decisions), which make the day's script; `run(..., script=)` plays one on every replication.

The package, in the order a day uses it:

| module | what it holds |
|---|---|
| `plan` | a scenario, a map and rule values compiled into the integer-indexed tables the loop reads |
| `rng`, `streams` | random streams per purpose; a day's streams, per entity by arrival number (common random numbers) |
| `agenda` | the heap of what is still to happen, and lazy cancellation |
| `entity`, `tally`, `knobs` | an entity on its way; what a day counted; the quantities changes move |
| `state` | what a day is made of while it runs, set up from a plan |
| `sources`, `service`, `stock` | arrivals; pools and queues; shelves and batches |
| `changes` | schedules, scripted events, mid-day values and rules |
| `loop` | the event loop |
| `kpis`, `stats` | a day's KPIs; means and 95 % half-widths over replications |
| `day` | `Day`: set-up, `advance`, changes and read-outs, the day's script (levers pulled and decisions taken at their times), `fork`: the public face |
| `run`, `parallel` | runs of many replications, on several processes |
| `trace` | what a traced day reports, and the event log |

The modules from `agenda` to `day` (and `plan`, `rng`, `stats`) may run compiled by mypyc (engine._build).
"""
from .day import TRACE_CHUNK, Day
from .plan import MapError, compile_for
from .run import RunResult, run

__all__ = ["run", "RunResult", "Day", "MapError", "compile_for", "TRACE_CHUNK"]
