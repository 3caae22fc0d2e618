"""Event logs for process mining: one format for every export, as CSV or XES, that pm4py reads as it is.

Every export (`simulate --events-csv/--events-xes`, a workshop round's log, a kiosk day) writes the same
events (`rows`) through the same writers (`writers`), simulated by `export` on the evaluation days:

| column (CSV) / attribute (XES) | what it holds |
| --- | --- |
| `case:concept:name` | the case id, unique across files: scenario, workshop, team, round, seed, day, entity |
| `concept:name` | the activity: the step's label as on its card |
| `lifecycle:transition` | `schedule` (joined a service's queue), `start`, `complete`, `withdraw` (left a queue unserved: hung up or overflowed) |
| `time:timestamp` | ISO 8601 with its UTC offset, from the scenario's clock start on the log's date; evaluation day k falls k days (k horizons) after day 0 |
| `org:resource` | the member of staff who did the work (`junior-07`), for a service |
| `org:group` | their pool (`junior`) |
| `case:scenario`, `case:workshop`, `case:team`, `case:round`, `case:replication` | where the case comes from (in XES, the trace's attributes) |

An arrival is its source's `complete`; a service is `schedule` when the case joins its queue, `start` and
`complete` (or `withdraw`); a delay `start` and `complete`; a branch, a route, a stock or a batch step a
`complete` when the case leaves it; an exit a `complete` when the case ends there.

The staff ids are given when the log is written, not kept by the simulation: each start of service takes the
lowest-numbered member of its pool who is free, and the finish frees them, so no one serves two cases at
once and a pool of 12 shows at most 12 people.
"""
