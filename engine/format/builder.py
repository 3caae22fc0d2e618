"""The typed model of a scenario file that passed the check: plain data in, `engine.model` objects out.

`build` reads a file the check found no problem in, so it does not check again; it fills in the defaults
the format documents (a label from the id, `run.replications` 10, a resolve of 1 for every pool), turns
each distribution into a `Distribution`, each map item into an `Edge` (its hints kept beside it), the
objective into its targets and each penalty into a `Penalty`, and freezes every mapping. Rule values are applied by building again
from changed plain data (`engine.rules.apply_rules`).
"""
from __future__ import annotations

from ..decisions import build_decision
from ..distributions import to_distribution
from ..model import (
    Advisor, Attribute, Batch, Branch, Choice, Delay, Edge, EntityType, Event, Exit, Inventory, Kiosk, Late, Line,
    Objective, Penalty, Policy, Pool, ProcessMap, Revenue, Route, RunSpec, Scenario, Service, Slider, Source, Target,
    TimeSpec, frozen_map,
)
from .raw import as_dict, as_list, pools_of, route_values
from .shape import edge_of

def build(raw: dict, path: str | None = None) -> Scenario:
    """The model of a scenario that passed `check`."""
    time = as_dict(raw.get("time"))
    ts = TimeSpec(time.get("unit", "minute"), float(time["horizon"]), float(time.get("warmup", 0)),
                  time.get("close", "drain"), str(time.get("clock_start", "00:00")))
    run = as_dict(raw.get("run"))
    rs = RunSpec(int(run.get("replications", 10)), int(run.get("seed", 1)), float(run.get("service_level_wait", 0)))
    entities = {}
    for eid, e in raw["entities"].items():
        attrs = tuple(Attribute(a, tuple(map(str, vals)), tuple(float(p) for p in vals.values()))
                      for a, vals in as_dict(e.get("attributes")).items())
        patience = to_distribution(e["patience"]) if e.get("patience") is not None else None
        entities[eid] = EntityType(eid, e.get("label", _title(eid)), attrs, patience)
    pools = {}
    for pid, p in as_dict(raw.get("resources")).items():
        sched = tuple((float(a), int(b)) for a, b in p["schedule"]) if p.get("schedule") else None
        skills = tuple(p["skills"]) if p.get("skills") is not None else None
        pools[pid] = Pool(pid, p.get("label", _title(pid)), int(p["count"]), float(p.get("cost_per_hour", 0)), skills, sched)
    has_patience = any(e.patience is not None for e in entities.values())
    steps = {sid: _build_step(sid, s, raw, entities, has_patience) for sid, s in raw["steps"].items()}
    hints: dict[Edge, tuple[Line, ...]] = {}

    def pmap(items) -> ProcessMap:
        edges = []
        for item in items:
            e = edge_of(item)
            edges.append(e)
            if isinstance(item, dict) and item.get("hint"):
                hints[e] = tuple(Line(a, t) for a, t in item["hint"].items())
        return ProcessMap(tuple(edges), scenario=raw["id"])

    reference = pmap(raw["reference"])
    alternatives = tuple(pmap(a) for a in as_list(raw.get("alternatives")))
    start = pmap(as_list(raw.get("start_map")))
    rules = tuple(_build_rule(r) for r in as_list(raw.get("rules")))
    events = tuple(
        Event(float(ev["at"]), float(ev["for"]) if ev.get("for") is not None else None,
              tuple((p, float(v)) for p, v in as_dict(ev.get("scale")).items()), tuple(as_dict(ev.get("set")).items()),
              _line(ev.get("say")), build_decision(ev.get("decision")))
        for ev in as_list(raw.get("events")))
    obj = raw["objective"]
    objective = Objective(tuple(Target(k, t.get("min"), t.get("max")) for k, t in as_dict(obj.get("targets")).items()))
    penalties = tuple(_build_penalty(pid, as_dict(p)) for pid, p in as_dict(raw.get("penalties")).items())
    advisors = {a: Advisor(a, v["name"], v.get("role", ""), v.get("portrait"), v.get("colour"))
                for a, v in as_dict(raw.get("advisors")).items()}
    kiosk = as_dict(raw.get("kiosk"))
    return Scenario(
        id=raw["id"], title=raw["title"], summary=raw.get("summary", ""), domain=raw.get("domain", "generic"),
        currency=raw.get("currency", "USD"), time=ts, run=rs, entities=frozen_map(entities),
        resources=frozen_map(pools), steps=frozen_map(steps), reference=reference, alternatives=alternatives,
        start_map=start, hints=frozen_map(hints), rules=rules, events=events, objective=objective,
        fixed_costs=frozen_map({k: float(v) for k, v in as_dict(raw.get("fixed_costs")).items()}),
        advisors=frozen_map(advisors), briefing=tuple(_line(x) for x in as_list(raw.get("briefing"))),
        kiosk=Kiosk(float(kiosk.get("round_seconds", 180)), int(kiosk.get("attempts", 3))),
        raw=raw, path=path, penalties=penalties)


def _build_penalty(pid: str, p: dict) -> Penalty:
    """`per_point` is money per percentage point: a unit of 0.01 of the share."""
    point = "per_point" in p
    return Penalty(pid, p.get("label") or _title(pid), p["kpi"], float(p["per_point"] if point else p["per_unit"]),
                   0.01 if point else 1.0, p.get("below"), p.get("above"), p.get("help", ""))


def _title(ident: str) -> str:
    """The label of an id the file gives none: `senior_agents` -> "Senior agents"."""
    return ident.replace("_", " ").replace("-", " ").capitalize()


def _line(x) -> Line | None:
    if not x:
        return None
    (who, text), = x.items()
    return Line(who, text)


def _by_pool(value, pools) -> dict[str, float]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {p: float(v) for p, v in value.items()}
    return {p: float(value) for p in pools}


def _build_step(sid, s, raw, entities, has_patience):
    """The model of one step of a checked file."""
    kind = s["kind"]
    common = dict(id=sid, label=s.get("label", _title(sid)))
    if kind == "source":
        rate = s["rate"]
        pieces = ((0.0, float(rate)),) if not isinstance(rate, list) else tuple((float(a), float(b)) for a, b in rate)
        if pieces[0][0] > 0:
            pieces = ((0.0, 0.0),) + pieces
        return Source(**common, entity=s.get("entity") or next(iter(entities)), rate=pieces)
    if kind == "delay":
        return Delay(**common, duration=to_distribution(s["duration"]), cost_per_entity=float(s.get("cost_per_entity", 0)))
    if kind == "branch":
        br = s["branches"]
        total = sum(v for v in br.values() if v != "rest")
        return Branch(**common, branches=tuple((k, max(0.0, 1 - total) if v == "rest" else float(v)) for k, v in br.items()))
    if kind == "route":
        return Route(**common, by=s["by"], values=route_values(s, raw))
    if kind == "service":
        return _build_service(common, s, has_patience)
    if kind == "inventory":
        return _build_inventory(common, s)
    if kind == "batch":
        return Batch(**common, size=int(s["size"]), max_wait=float(s["max_wait"]) if s.get("max_wait") is not None else None,
                     cost_per_batch=float(s.get("cost_per_batch", 0)))
    late = s.get("late")
    return Exit(**common, outcome=s.get("outcome", "completed"), revenue=float(s.get("revenue", 0)),
                penalty=float(s.get("penalty", 0)),
                late=Late(float(late["after"]), float(late["penalty"])) if late else None)


def _build_service(common: dict, s: dict, has_patience: bool) -> Service:
    """A service step; a chance written once for all its pools (`resolve: 0.8`) becomes one per pool."""
    pools = tuple(pools_of(s))
    prio = None
    if s.get("priority"):
        (attr, order), = s["priority"].items()
        prio = (attr, tuple(map(str, order)))
    rev = None
    if s.get("revenue"):
        rev = Revenue(frozen_map(_by_pool(s["revenue"]["chance"], pools)), float(s["revenue"]["amount"]))
    resolve = _by_pool(s.get("resolve"), pools)
    return Service(
        **common, pools=pools, skill=s.get("skill"), duration=to_distribution(s["duration"]),
        duration_by_pool=frozen_map({p: to_distribution(d) for p, d in as_dict(s.get("duration_by_pool")).items()}),
        priority=prio, resolve=frozen_map({p: v for p, v in resolve.items()}), revenue=rev,
        overflow_after=float(s["overflow"]["after"]) if s.get("overflow") else None,
        cost_per_entity=float(s.get("cost_per_entity", 0)), patience_port=has_patience)


def _build_inventory(common: dict, s: dict) -> Inventory:
    """An inventory step; its initial stock defaults to the policy's order-up-to level."""
    pol = s["policy"]
    t = pol["type"]
    if t == "sS":
        policy = Policy("sS", s=float(pol["s"]), S=float(pol["S"]))
        level = policy.S
    elif t == "rQ":
        policy = Policy("rQ", s=float(pol["r"]), Q=float(pol["Q"]))
        level = policy.s + policy.Q
    else:
        fc = pol.get("forecast") or {}
        policy = Policy("base_stock", s=float(pol["S"]) - 1, S=float(pol["S"]),
                        forecast_smoothing=float(fc.get("smoothing", 0)), forecast_cover=float(fc.get("cover", 0)),
                        forecast_initial=float(fc.get("initial", 0)))
        level = policy.S
    review = s.get("review", "continuous")
    return Inventory(
        **common, initial=float(s.get("initial", level)), policy=policy,
        review_period=float(review["period"]) if isinstance(review, dict) else None,
        lead_time=to_distribution(s["lead_time"]), supplier=s.get("supplier"),
        unit_cost=float(s.get("unit_cost", 0)), order_cost=float(s.get("order_cost", 0)),
        holding_cost=float(s.get("holding_cost", 0)), when_out=s.get("when_out", "backorder"))


def _build_rule(r):
    """A slider (whole numbers when every bound, the step and the default are) or a choice."""
    if "choices" in r:
        return Choice(r["id"], r["label"], r["default"],
                      frozen_map({str(k): tuple(as_dict(v).items()) for k, v in r["choices"].items()}))
    sets = r["sets"]
    step = r.get("step", 1)
    integer = all(float(x).is_integer() for x in (r["min"], r["max"], step, r["default"]))
    conv = int if integer else float
    return Slider(r["id"], r["label"], tuple([sets] if isinstance(sets, str) else sets), conv(r["min"]),
                  conv(r["max"]), conv(step), conv(r["default"]), r.get("unit", ""), integer)
