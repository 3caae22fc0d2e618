"""A scenario discovered from an event log: `discover(frame, name)` gives the scenario's plain data.

The log is read with pm4py and pandas (`read_log`: XES through `pm4py.read_xes`, CSV with its timestamps
parsed), the optional `mining` extra; the flow is pm4py's directly-follows graph of the cases' visits, and
the rest is counted and fitted here:

- **Visits.** A case's events are grouped into visits of one activity: `schedule` (joined a queue),
  `start`, `complete` or `withdraw` (left the queue unserved). A visit with a `start` and a resource is a
  service of the resources' pools (`org:group`, or the resource id without its number; the pool that
  served most first, as a scenario lists the pool tried first); with a `start`
  and no resource a delay; an activity that only ever completes is where cases arrive (first in every
  case: a source), leave (last: an exit) or pass (a branch, split by what came next).
- **The flow.** The directly-follows counts between visits give each step's ports: a branch's shares, a
  service's `done` (its most frequent next step) and `unresolved` (the other, with `resolve` its share),
  and for a `withdraw` an `abandoned` port (the case ended, or went to an exit) or an `overflow` (the case
  went on to another desk, after the shortest wait seen). More ways out than a step has ports: a branch
  after it.
- **Numbers.** Arrivals per minute by hour (by quarter hour for a day under six hours) of the source, on
  average over the log's days; each duration fitted to the best of the format's distributions
  (engine.eventlog.fit); each pool as large as the most people it had at work in one day; the patience an
  exponential whose mean is the time all queued cases waited (served or not) over the hang-ups, the
  maximum-likelihood estimate when waits are censored by service.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from engine.eventlog.fit import best_fit
from engine.words import slug

CASE, ACT, LIFE, TIME = "case:concept:name", "concept:name", "lifecycle:transition", "time:timestamp"


class LogError(ValueError):
    """The log cannot be read or holds nothing to discover; the message says why."""


def read_log(path: str):
    """The log at `path` as a pandas DataFrame with pm4py's column names and parsed timestamps."""
    import contextlib
    import io

    try:
        import pandas as pd

        with contextlib.redirect_stdout(io.StringIO()):  # pm4py greets on its first import
            import pm4py
    except ImportError:
        raise LogError('discovering needs pm4py: pip install -e ".[mining]"') from None
    import warnings

    try:
        if str(path).lower().endswith(".xes"):
            with warnings.catch_warnings():  # pm4py's advice to install a faster reader
                warnings.simplefilter("ignore")
                frame = pm4py.read_xes(str(path), show_progress_bar=False)
        else:
            frame = pd.read_csv(path, dtype={CASE: str})
            frame[TIME] = pd.to_datetime(frame[TIME], format="ISO8601", utc=True)
    except Exception as e:  # a malformed file: said in one line
        raise LogError(f"cannot read the log ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})") from None
    missing = [c for c in (CASE, ACT, TIME) if c not in frame.columns]
    if missing:
        raise LogError(f"the log has no column {', '.join(missing)}")
    if LIFE not in frame.columns:
        frame[LIFE] = "complete"
    return frame


@dataclass
class Visit:
    act: str
    schedule: float | None = None
    start: float | None = None
    end: float | None = None
    withdrew: bool = False
    resource: str = ""
    group: str = ""


def _visits(frame) -> tuple[dict[str, list[Visit]], dict[str, Any], Any]:
    """Each case's visits (times in minutes from its day's first hour), each case's day, and the origin."""
    frame = frame.reset_index(drop=True)
    frame["_row"] = range(len(frame))
    day_of = frame["case:replication"].astype(str) if "case:replication" in frame.columns else \
        frame[TIME].dt.strftime("%Y-%m-%d")
    frame["_day"] = day_of
    origins = frame.groupby("_day")[TIME].min().dt.floor("h")
    frame = frame.sort_values([CASE, TIME, "_row"])
    cases: dict[str, list[Visit]] = defaultdict(list)
    days: dict[str, Any] = {}
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        rec = dict(zip(columns, row))
        case, act, life = str(rec[CASE]), str(rec[ACT]), str(rec[LIFE]).lower()
        t = (rec[TIME] - origins[rec["_day"]]).total_seconds() / 60.0
        days[case] = rec["_day"]
        vs = cases[case]
        open_visit = vs[-1] if vs and vs[-1].act == act and vs[-1].end is None else None
        if open_visit is None:
            open_visit = Visit(act)
            vs.append(open_visit)
        if life == "schedule":
            open_visit.schedule = t
        elif life == "start":
            open_visit.start = t
            res = rec.get("org:resource")
            if isinstance(res, str) and res:
                open_visit.resource = res
                grp = rec.get("org:group")
                open_visit.group = grp if isinstance(grp, str) and grp else re.sub(r"[-_ ]?\d+$", "", res)
        else:
            open_visit.end = t
            open_visit.withdrew = life == "withdraw"
    return cases, days, origins.iloc[0] if len(origins) else None


@dataclass
class Discovery:
    name: str
    cases: dict[str, list[Visit]]
    days: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def kinds(self) -> dict[str, str]:
        firsts = {vs[0].act for vs in self.cases.values() if vs}
        kinds: dict[str, str] = {}
        acts = {v.act for vs in self.cases.values() for v in vs}
        for a in acts:
            vs = [v for c in self.cases.values() for v in c if v.act == a]
            if any(v.start is not None and v.resource for v in vs):
                kinds[a] = "service"
            elif any(v.start is not None for v in vs):
                kinds[a] = "delay"
            elif a in firsts:
                kinds[a] = "source"
            else:
                kinds[a] = "pass"
        return kinds


def discover(frame, name: str = "log") -> tuple[dict, list[str]]:
    """The scenario's plain data discovered from the log `frame` (see `read_log`), and notes."""
    cases, days, origin = _visits(frame)
    if not cases:
        raise LogError("the log has no case")
    d = Discovery(name, cases, days)
    kinds = d.kinds()
    follows: dict[tuple[str, str], Counter] = defaultdict(Counter)  # (act, how it ended) -> next act counts
    for vs in cases.values():
        for i, v in enumerate(vs):
            nxt = vs[i + 1].act if i + 1 < len(vs) else None
            follows[(v.act, "withdraw" if v.withdrew else "complete")][nxt] += 1
    ends = {a for (a, how), c in follows.items() if how == "complete" and set(c) == {None}}
    for a in ends:
        if kinds[a] == "pass":
            kinds[a] = "exit"
    ids: set[str] = set()
    sid = {a: slug(a, ids) for a in sorted(kinds)}
    steps, edges = _steps_and_edges(d, kinds, sid, follows, ids)
    n_days = max(1, len(set(days.values())))
    raw = _sections(d, kinds, sid, steps, edges, n_days, origin)
    return raw, d.notes


def _steps_and_edges(d: Discovery, kinds, sid, follows, ids) -> tuple[dict, list[str]]:
    steps: dict[str, dict] = {}
    edges: list[str] = []
    visits_of: dict[str, list[Visit]] = defaultdict(list)
    for vs in d.cases.values():
        for v in vs:
            visits_of[v.act].append(v)
    for a, kind in sorted(kinds.items(), key=lambda kv: ("source", "delay", "service", "pass", "exit").index(kv[1])):
        s = sid[a]
        done = follows.get((a, "complete"), Counter())
        nexts = [(b, n) for b, n in done.most_common() if b is not None]
        if kind == "exit":
            withdrawn_before = sum(1 for vs in d.cases.values() for i, v in enumerate(vs)
                                   if v.act == a and i > 0 and vs[i - 1].withdrew)
            steps[s] = {"kind": "exit", "label": a}
            if withdrawn_before > len(visits_of[a]) / 2:
                steps[s]["outcome"] = "abandoned"
            continue
        if kind == "source":
            steps[s] = {"kind": "source", "label": a}
            port = "out"
        elif kind == "delay":
            steps[s] = {"kind": "delay", "label": a,
                        "duration": best_fit([v.end - v.start for v in visits_of[a] if v.end is not None and v.start is not None])}
            port = "out"
        elif kind == "service":
            pools = [g for g, _ in Counter(v.group for v in visits_of[a] if v.group).most_common()]
            steps[s] = {"kind": "service", "label": a, "pools": [slug(g, set()) for g in pools],
                        "duration": best_fit([v.end - v.start for v in visits_of[a]
                                              if v.end is not None and v.start is not None and not v.withdrew])}
            port = "done"
            _timers(d, a, s, steps[s], follows, sid, kinds, edges)
        else:
            steps[s] = _branch(a, s, nexts, sid, edges)
            continue
        if kind == "service" and len(nexts) == 2:
            (b1, n1), (b2, n2) = nexts
            steps[s]["resolve"] = round(n1 / (n1 + n2), 4)
            edges += [f"{s}.done -> {sid[b1]}", f"{s}.unresolved -> {sid[b2]}"]
        elif len(nexts) == 1:
            edges.append(f"{s}.{port} -> {sid[nexts[0][0]]}")
        elif nexts:
            fork = slug(f"{s}_which_way", ids)
            edges.append(f"{s}.{port} -> {fork}")
            steps[fork] = _branch(f"{a}: which way", fork, nexts, sid, edges)
    return steps, edges


def _branch(label: str, s: str, nexts: list[tuple[str, int]], sid: dict, edges: list[str]) -> dict:
    """A branch step `s` sharing its cases as the log did (`nexts`: next activity, count), its links added
    to `edges`; the shares rounded to four places, the last one the rest, so they sum to 1."""
    total = sum(n for _, n in nexts) or 1
    taken: set[str] = set()
    branches: dict[str, object] = {}
    for b, n in nexts:
        p = slug(b, taken)
        branches[p] = round(n / total, 4)
        edges.append(f"{s}.{p} -> {sid[b]}")
    if branches:
        branches[list(branches)[-1]] = "rest"
    return {"kind": "branch", "label": label, "branches": branches}


def _timers(d: Discovery, a: str, s: str, step: dict, follows, sid, kinds, edges) -> None:
    """A service's withdrawals: to another desk an overflow (after the shortest wait seen), else hang-ups."""
    gone = follows.get((a, "withdraw"), Counter())
    if not gone:
        return
    to_desk = [b for b in gone if b is not None and kinds.get(b) == "service"]
    waits = [v.end - v.schedule for vs in d.cases.values() for i, v in enumerate(vs)
             if v.act == a and v.withdrew and v.schedule is not None and v.end is not None
             and (i + 1 < len(vs) and vs[i + 1].act in to_desk)]
    if to_desk:
        step["overflow"] = {"after": round(min(waits), 4) if waits else 1.0}
        edges.append(f"{s}.overflow -> {sid[Counter({b: gone[b] for b in to_desk}).most_common(1)[0][0]]}")
    hung = [b for b in gone if b not in to_desk]
    target = next((b for b in hung if b is not None), None)
    if target is not None:
        edges.append(f"{s}.abandoned -> {sid[target]}")


def _sections(d: Discovery, kinds, sid, steps, edges, n_days: int, origin) -> dict:
    """The scenario around the steps: time, arrivals, pools, patience."""
    arrivals = [vs[0].end or 0.0 for vs in d.cases.values() if vs]
    last = max(arrivals, default=60.0)
    hours = max(1, int(last // 60) + 1)
    bucket = 60 if hours >= 6 else 15
    n_buckets = int(last // bucket) + 1
    sources = [s for a, s in sid.items() if kinds[a] == "source"]
    for s in sources:
        label = steps[s]["label"]
        mine = Counter(int((vs[0].end or 0.0) // bucket) for vs in d.cases.values() if vs and vs[0].act == label)
        steps[s]["rate"] = [[i * bucket, round(mine.get(i, 0) / n_days / bucket, 4)] for i in range(n_buckets)]
    pools: dict[str, dict] = {}
    per_day: dict[tuple, set] = defaultdict(set)
    for c, vs in d.cases.items():
        for v in vs:
            if v.resource:
                per_day[(slug(v.group, set()), d.days[c])].add(v.resource)
    for (pool, _), people in per_day.items():
        pools.setdefault(pool, {"label": pool.replace("_", " ").capitalize(), "count": 0, "cost_per_hour": 0})
        pools[pool]["count"] = max(pools[pool]["count"], len(people))
    entity: dict[str, Any] = {"label": "Case"}
    waited, hung = 0.0, 0
    overflowing = {s for s, st in steps.items() if "overflow" in st}
    for vs in d.cases.values():
        for i, v in enumerate(vs):
            if v.schedule is None or sid.get(v.act) in overflowing:
                continue
            until = v.end if v.withdrew else v.start
            if until is not None:
                waited += max(0.0, until - v.schedule)
                hung += int(v.withdrew)
    if hung:
        entity["patience"] = {"exponential": {"mean": round(waited / hung, 4)}}
    clock = origin.strftime("%H:%M") if origin is not None else "00:00"
    title = f"Discovered from {d.name}"
    return {
        "format": 1, "id": slug(d.name.rsplit(".", 1)[0], set()).replace("_", "-")[:40].strip("-") or "discovered",
        "title": title, "summary": f"A scenario discovered from the event log {d.name}: check it against the business.",
        "domain": "generic", "time": {"unit": "minute", "horizon": n_buckets * bucket, "clock_start": clock},
        "run": {"replications": n_days}, "entities": {"case": entity}, "resources": pools, "steps": steps,
        "reference": edges, "objective": {"targets": {}},
    }
