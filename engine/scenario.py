"""Load a scenario file, check all of it, and build the typed model the engine and the game use.

    scenario = load("scenarios/customer_service.yaml")     # or raises ScenarioError(problems)
    problems = validate_file("my.yaml")                      # every problem at once, FILE:LINE:COL
    cheaper = apply_rules(scenario, {"seniors": 3})          # a new model with rule values applied

Checking happens in two passes. The first compares the file with the declared shape (`FORMAT`, built from
`engine.spec` combinators, which also gives the JSON Schema). The second checks what needs more than one
place of the file: references between steps, pools, entities and advisors; probabilities that must sum to
one; ports of edges; rule and event paths; KPI names in the objective; routes on attributes that the
entities reaching them lack. Only a file with no problem at all is built into a model.
"""
from __future__ import annotations

import copy
import math
import re
from typing import Any, Iterable

from . import expression
from .distributions import KINDS as DIST_KINDS, Distribution
from .model import (
    DOMAINS, HOURS_PER_UNIT, OUTCOMES, PART_KPIS, Advisor, Attribute, Batch, Branch, Choice, Delay, Edge,
    EntityType, Event, Exit, Inventory, Kiosk, Late, Line, Objective, Policy, Pool, ProcessMap, Revenue,
    Route, RunSpec, Scenario, Service, Slider, Source, Target, TimeSpec, frozen_map, BASE_KPIS,
)
from .spec import (
    Checker, Custom, DictOf, Enum, Field, ListOf, Map, Num, Prob, Spec, Tagged, Text, Tuple, Union, label,
    suggest, what,
)
from .yamlpos import Document, Position, Problem, YamlError, no_gc, parse, read_text, shorten

FORMAT_VERSION = 1
SUM_TOLERANCE = 1e-6
MAX_COUNT = 100000  # units in a pool, written or made by an event's scale


class ScenarioError(Exception):
    """A scenario (or map, or rules file) that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class RuleError(ValueError):
    """A rule value that the scenario does not offer (unknown lever, out of range, not a choice)."""


# ==================================================================================================
# The shape of the file

ID = Text(r"[A-Za-z0-9_][A-Za-z0-9_\-]*", "a name of letters, digits, _ and -")
SLUG = Text(r"[a-z0-9][a-z0-9_\-]*", "a lowercase id of letters, digits, - and _")
NONNEG = Num(0)
#: Money and stock have a ceiling, so that a day's sums and their variance stay finite numbers: a trillion
#: per entity, per hour or per unit is beyond any business, and 1e308 was a crash in the statistics.
MAX_AMOUNT = 1e12
MONEY = Num(-MAX_AMOUNT, MAX_AMOUNT)
COST = Num(0, MAX_AMOUNT)
QUANTITY = Num(0, MAX_AMOUNT)
#: Times and rates too: a horizon or a rate of 1e308 made a day's expected arrivals infinite, and the
#: work budget could not say which value to lower. 1e12 minutes is two million years; a billion arrivals
#: a time unit is the ceiling of every other quantity drawn in a day (engine.distributions.MAX_VALUE).
MAX_TIME = MAX_AMOUNT
MAX_RATE = 1e9
TEXT = Text()
PATH = Text(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)+", "a dotted path such as resources.senior.count")
KPI_NAME = Text(r"[a-z_]+(\.[A-Za-z0-9_\-]+)?", "a KPI name such as service_level or utilization.senior")
EDGE_RE = re.compile(r"\s*([A-Za-z0-9_][A-Za-z0-9_\-]*)\.([A-Za-z0-9_][A-Za-z0-9_\-]*)\s*->\s*([A-Za-z0-9_][A-Za-z0-9_\-]*)\s*")


def _scalar(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


# --- distributions ---------------------------------------------------------------------------------

_DIST_PARAMS = {  # kind -> (form, names): how the parameters are written
    "constant": ("number", ("value",)),
    "exponential": ("mapping", ("mean",)),
    "uniform": ("list", ("low", "high")),
    "triangular": ("list", ("low", "mode", "high")),
    "normal": ("mapping", ("mean", "sd")),
    "lognormal": ("mapping", ("mean", "sd")),
    "gamma": ("mapping", ("mean", "cv")),
    "empirical": ("values", ()),
}


def _check_dist(value, path, ck: Checker) -> bool:
    if _scalar(value) and not isinstance(value, str):
        if not NONNEG.check(value, path, ck):
            return False
        problem = Distribution.constant(value).problem()
        if problem:
            ck.error(path, f"{label(path)}: {problem}")
        return not problem
    if not isinstance(value, dict) or len(value) != 1:
        ck.error(path, f"{label(path)} must be a distribution such as {{exponential: {{mean: 4}}}} or a number, "
                       f"not {what(value)}" + (" of several keys" if isinstance(value, dict) and value else ""))
        return False
    (kind, params), = value.items()
    if kind not in _DIST_PARAMS:
        ck.error(path + (kind,), f"unknown distribution '{kind}'{suggest(kind, DIST_KINDS)} "
                                 f"(one of {', '.join(DIST_KINDS)})", at="key")
        return False
    try:
        _dist_params(kind, params)
    except ValueError as e:
        # At the parameter the message is about ({mean: 4, sd: 1e308}: at the sd) when there is one.
        named = [n for n in _DIST_PARAMS[kind][1] if str(e).startswith(f"{kind} {n} ") and isinstance(params, dict)
                 and n in params]
        ck.error(path + (kind,) + tuple(named[:1]), f"{label(path)}: {e}")
        return False
    return True


def _dist_params(kind: str, params) -> tuple[float, ...]:
    """The parameters of a distribution as a tuple, or ValueError saying what is wrong."""
    form, names = _DIST_PARAMS[kind]

    def num(x, name, positive=False):
        if not _scalar(x) or isinstance(x, str) or not math.isfinite(x):
            raise ValueError(f"{kind} {name} must be a number, not {what(x)}")
        if x < 0 or (positive and x == 0):
            raise ValueError(f"{kind} {name} must be {'above' if positive else 'at least'} 0, not {x:g}")
        return float(x)

    if form == "number" or (form == "mapping" and len(names) == 1 and _scalar(params)):
        return _in_range(kind, (num(params, names[0]),))
    if form == "mapping":
        if not isinstance(params, dict):
            raise ValueError(f"{kind} needs {{{', '.join(f'{n}: ...' for n in names)}}}, not {what(params)}")
        extra = [k for k in params if k not in names]
        if extra:
            raise ValueError(f"{kind} takes {', '.join(names)}; unknown '{extra[0]}'{suggest(extra[0], names)}")
        missing = [n for n in names if n not in params]
        if missing:
            raise ValueError(f"{kind} needs '{missing[0]}'")
        out = tuple(num(params[n], n, positive=(n == "mean" and kind in ("lognormal", "gamma"))) for n in names)
        return _in_range(kind, out)
    if form == "list":
        if not isinstance(params, list) or len(params) != len(names):
            raise ValueError(f"{kind} needs a list [{', '.join(names)}], not {what(params)}")
        out = tuple(num(x, n) for x, n in zip(params, names))
        if list(out) != sorted(out):
            raise ValueError(f"{kind} needs {' <= '.join(names)}, not {list(params)}")
        return _in_range(kind, out)
    if not isinstance(params, list) or not params:
        raise ValueError(f"empirical needs a list of observed values, not {what(params)}")
    return _in_range(kind, tuple(num(x, "value") for x in params))


def _in_range(kind: str, params: tuple[float, ...]) -> tuple[float, ...]:
    """`params` when they can be sampled soundly (engine.distributions judges), else ValueError."""
    problem = Distribution(kind, params).problem()
    if problem:
        raise ValueError(problem)
    return params


def to_distribution(value) -> Distribution:
    """A validated YAML distribution (or bare number) as a Distribution."""
    if not isinstance(value, dict):
        return Distribution.constant(float(value))
    (kind, params), = value.items()
    return Distribution(kind, _dist_params(kind, params))


_DIST_SCHEMA = {"anyOf": [
    {"type": "number", "minimum": 0},
    {"type": "object", "properties": {"constant": {"type": "number", "minimum": 0}}, "required": ["constant"], "additionalProperties": False},
    {"type": "object", "properties": {"exponential": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "object", "properties": {"mean": {"type": "number", "minimum": 0}}, "required": ["mean"], "additionalProperties": False}]}}, "required": ["exponential"], "additionalProperties": False},
    {"type": "object", "properties": {"uniform": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}, "required": ["uniform"], "additionalProperties": False},
    {"type": "object", "properties": {"triangular": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3}}, "required": ["triangular"], "additionalProperties": False},
    *({"type": "object", "properties": {k: {"type": "object", "properties": {n: {"type": "number", "minimum": 0} for n in names}, "required": list(names), "additionalProperties": False}}, "required": [k], "additionalProperties": False}
      for k, names in (("normal", ("mean", "sd")), ("lognormal", ("mean", "sd")), ("gamma", ("mean", "cv")))),
    {"type": "object", "properties": {"empirical": {"type": "array", "items": {"type": "number", "minimum": 0}, "minItems": 1}}, "required": ["empirical"], "additionalProperties": False},
]}

DIST = Custom(_check_dist, _DIST_SCHEMA, "a distribution such as {exponential: {mean: 4}} or a number",
              types=(int, float, dict))


# --- edges and advisor lines -----------------------------------------------------------------------

def parse_edge(text: str) -> Edge:
    """`"src.port -> dst"` as an Edge, or ValueError."""
    m = EDGE_RE.fullmatch(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"an edge is written 'step.port -> step', not {what(text)}")
    return Edge(*m.groups())


def _check_line(value, path, ck) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        ck.error(path, f"{label(path)} must be one advisor and what they say, e.g. {{maria: \"...\"}}, not {what(value)}")
        return False
    (who, text), = value.items()
    if not isinstance(text, str):
        ck.error(path + (who,), f"what {who} says must be text, not {what(text)}")
        return False
    return True


LINE = Custom(_check_line, {"type": "object", "minProperties": 1, "maxProperties": 1,
                            "additionalProperties": {"type": "string"}},
              "one advisor and their words, {advisor: text}", types=(dict,))


def _check_edge_text(value, path, ck) -> bool:
    try:
        parse_edge(value)
        return True
    except ValueError as e:
        ck.error(path, f"{label(path)}: {e}")
        return False


EDGE_TEXT = Custom(_check_edge_text, {"type": "string", "pattern": EDGE_RE.pattern.replace(r"\s*", r"\s*")},
                   "an edge 'step.port -> step'", types=(str,))
EDGE = Union((EDGE_TEXT, Map({
    "edge": Field(EDGE_TEXT, True, "the edge, 'step.port -> step'"),
    "hint": Field(DictOf(TEXT, min_items=1), doc="what an advisor says when the player's map lacks this edge"),
}, title="edge")), "an edge 'step.port -> step' or {edge: ..., hint: {advisor: text}}")
EDGES = ListOf(EDGE)


# --- steps -------------------------------------------------------------------------------------------

def _check_priority(value, path, ck) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        ck.error(path, f"{label(path)} must be one attribute and its order, e.g. {{segment: [premium, standard]}}")
        return False
    (attr, order), = value.items()
    if not isinstance(order, list) or not order or not all(_scalar(v) for v in order):
        ck.error(path + (attr,), f"the priority order for '{attr}' must be a list of its values, first served first")
        return False
    return True


PRIORITY = Custom(_check_priority, {"type": "object", "minProperties": 1, "maxProperties": 1,
                                    "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                  "{attribute: [first, second, ...]}", types=(dict,))
BY_POOL_PROB = Union((Prob(), DictOf(Prob())), "a probability, or a probability per pool")
RATE = Union((Num(0, MAX_RATE),
              ListOf(Tuple((Num(0, MAX_TIME), Num(0, MAX_RATE)), ("from", "rate")), min_items=1)),
             "a rate per time unit, or a list of [from, rate] pieces")

_COMMON = {"kind": Field(TEXT, True), "label": Field(TEXT, doc="the name on the card"),
           "help": Field(TEXT, doc="one sentence shown on the card")}


def _step(fields: dict[str, Field], doc: str) -> Map:
    return Map({**_COMMON, **fields}, doc=doc, title="step")


STEP_SPECS = {
    "source": _step({
        "entity": Field(ID, doc="what arrives (an entity id); may be left out when there is one entity type"),
        "rate": Field(RATE, True, "arrivals per time unit, or [[from, rate], ...] pieces"),
    }, "where entities arrive, as a Poisson process"),
    "delay": _step({
        "duration": Field(DIST, True, "how long the step takes"),
        "cost_per_entity": Field(COST, doc="cost for each entity passing"),
    }, "a step that takes time and no resource"),
    "branch": _step({
        "branches": Field(DictOf(Union((Prob(), Enum(("rest",))), "a probability or 'rest'"), min_items=1), True,
                          "port name -> probability; one may be 'rest'"),
    }, "a random split"),
    "route": _step({"by": Field(ID, True, "the attribute whose value chooses the port")}, "a split by an attribute"),
    "service": _step({
        "pools": Field(Union((ID, ListOf(ID, min_items=1)), "a pool id or a list of pool ids"), True, "pools tried in order"),
        "skill": Field(ID, doc="the skill a pool must have to serve here"),
        "duration": Field(DIST, True, "how long the work takes"),
        "duration_by_pool": Field(DictOf(DIST), doc="pool -> duration, where a pool works at its own pace"),
        "priority": Field(PRIORITY, doc="{attribute: [first, second, ...]}: who is served first"),
        "resolve": Field(BY_POOL_PROB, doc="chance the work is resolved; else the entity leaves through 'unresolved'"),
        "revenue": Field(Map({"chance": Field(BY_POOL_PROB, True), "amount": Field(MONEY, True)}, title="revenue"),
                         doc="{chance, amount}: money the entity may bring (a cross-sell)"),
        "overflow": Field(Map({"after": Field(NONNEG, True, "the wait after which the entity leaves through 'overflow'")},
                              title="overflow"), doc="{after: WAIT}"),
        "cost_per_entity": Field(COST),
    }, "work done by a unit of a pool, after a wait in the queue"),
    "inventory": _step({
        "initial": Field(QUANTITY, doc="stock on the shelf at the start (default: the order-up-to level)"),
        "policy": Field(Tagged("type", {
            "sS": Map({"type": Field(TEXT, True), "s": Field(QUANTITY, True), "S": Field(QUANTITY, True)}, title="policy"),
            "rQ": Map({"type": Field(TEXT, True), "r": Field(Num(-MAX_AMOUNT, MAX_AMOUNT), True),
                       "Q": Field(Num(1, MAX_AMOUNT, integer=True), True)}, title="policy"),
            "base_stock": Map({"type": Field(TEXT, True), "S": Field(Num(0, MAX_AMOUNT, integer=True), True),
                               "forecast": Field(Map({
                                   "smoothing": Field(Prob(), True, "weight of the latest period's demand"),
                                   "cover": Field(QUANTITY, True, "time units of forecast demand added to S"),
                                   "initial": Field(QUANTITY, doc="demand per time unit forecast at the start"),
                               }, title="forecast"), doc="{smoothing, cover}: order up to S + cover x forecast")},
                              title="policy"),
        }), True, "the replenishment policy"),
        "review": Field(Union((Enum(("continuous",)), Map({"period": Field(Num(0, positive=True), True)}, title="review")),
                              "'continuous' or {period: P}"), doc="when stock is checked"),
        "lead_time": Field(DIST, True, "from order to delivery"),
        "supplier": Field(ID, doc="another inventory step that supplies this one"),
        "unit_cost": Field(COST), "order_cost": Field(COST),
        "holding_cost": Field(COST, doc="per unit on the shelf per time unit"),
        "when_out": Field(Enum(("backorder", "lost"))),
    }, "a stock point"),
    "batch": _step({
        "size": Field(Num(1, integer=True), True), "max_wait": Field(NONNEG), "cost_per_batch": Field(COST),
    }, "entities move on together"),
    "exit": _step({
        "outcome": Field(Enum(OUTCOMES)), "revenue": Field(MONEY), "penalty": Field(COST),
        "late": Field(Map({"after": Field(NONNEG, True), "penalty": Field(COST, True)}, title="late")),
    }, "where entities leave"),
}
STEP = Tagged("kind", STEP_SPECS)


# --- rules and events ----------------------------------------------------------------------------------

SLIDER = Map({
    "id": Field(ID, True), "label": Field(TEXT, True),
    "sets": Field(Union((PATH, ListOf(PATH, min_items=1)), "a dotted path or a list of them"), True),
    "min": Field(Num(), True), "max": Field(Num(), True), "step": Field(Num(0, positive=True)),
    "default": Field(Num(), True), "unit": Field(TEXT, doc="shown after the value"),
    "help": Field(TEXT, doc="one sentence under the lever"),
}, title="slider")
CHOICE = Map({
    "id": Field(ID, True), "label": Field(TEXT, True),
    "default": Field(Union((TEXT, Num())), True),
    "choices": Field(DictOf(DictOf(Custom(lambda v, p, ck: True, {}, "a value"), key=PATH), min_items=2,
                            key=Text(r".+", "an option name")), True, "option -> {path: value}"),
    "unit": Field(TEXT), "help": Field(TEXT),
}, title="choice")


def _check_rule(value, path, ck) -> bool:
    if not isinstance(value, dict):
        ck.error(path, f"{label(path)} must be a slider {{id, label, sets, min, max, default}} or a choice "
                       f"{{id, label, default, choices}}, not {what(value)}")
        return False
    return (CHOICE if "choices" in value else SLIDER).check(value, path, ck)


RULE = Custom(_check_rule, {"anyOf": [SLIDER.schema(), CHOICE.schema()]}, "a slider or a choice", types=(dict,))
EVENT = Map({
    "at": Field(NONNEG, True, "when it happens"), "for": Field(Num(0, positive=True), doc="how long it lasts"),
    "scale": Field(DictOf(NONNEG, key=PATH), doc="path -> factor"),
    "set": Field(DictOf(Custom(lambda v, p, ck: True, {}, "a value"), key=PATH), doc="path -> value"),
    "say": Field(LINE, doc="what an advisor says when it happens"),
}, title="event")

FORMAT = Map({
    "format": Field(Enum((FORMAT_VERSION,)), True, "the format version, 1"),
    "id": Field(SLUG, True, "a short lowercase id"),
    "title": Field(TEXT, True), "summary": Field(TEXT),
    "domain": Field(Enum(DOMAINS)), "currency": Field(TEXT),
    "time": Field(Map({
        "unit": Field(Enum(tuple(HOURS_PER_UNIT))),
        "horizon": Field(Num(0, MAX_TIME, positive=True), True, "when arrivals stop"),
        "warmup": Field(NONNEG), "close": Field(Enum(("drain", "cutoff"))),
        "clock_start": Field(Text(r"([01]?\d|2[0-3]):[0-5]\d", "a time such as 08:00")),
    }, title="time"), True),
    "run": Field(Map({
        "replications": Field(Num(1, 10000, integer=True)), "seed": Field(Num(0, 2**63 - 1, integer=True)),
        "service_level_wait": Field(NONNEG),
    }, title="run")),
    "entities": Field(DictOf(Map({
        "label": Field(TEXT), "help": Field(TEXT),
        "attributes": Field(DictOf(DictOf(Prob(), min_items=1, key=Text(r".+", "a value name")))),
        "patience": Field(DIST),
    }, title="entity"), min_items=1), True),
    "resources": Field(DictOf(Map({
        "label": Field(TEXT), "help": Field(TEXT), "count": Field(Num(0, MAX_COUNT, integer=True), True),
        "cost_per_hour": Field(COST), "skills": Field(ListOf(ID)),
        "schedule": Field(ListOf(Tuple((NONNEG, Num(0, MAX_COUNT, integer=True)), ("from", "count")), min_items=1)),
    }, title="resource"))),
    "steps": Field(DictOf(STEP, min_items=1), True),
    "reference": Field(ListOf(EDGE, min_items=1), True, "the expert map"),
    "alternatives": Field(ListOf(ListOf(EDGE, min_items=1))),
    "start_map": Field(EDGES),
    "rules": Field(ListOf(RULE)),
    "events": Field(ListOf(EVENT)),
    "objective": Field(Map({
        "score": Field(Union((TEXT, Num())), doc="an expression over KPI names; higher is better"),
        "targets": Field(DictOf(Map({"min": Field(Num()), "max": Field(Num())}, title="target"), key=KPI_NAME)),
    }, title="objective"), True),
    "fixed_costs": Field(DictOf(COST, open_keys=True)),
    "advisors": Field(DictOf(Map({
        "name": Field(TEXT, True), "role": Field(TEXT), "portrait": Field(TEXT),
        "colour": Field(Text(r"#[0-9a-fA-F]{6}", "a colour such as \"#e07a5f\"")),
    }, title="advisor"))),
    "briefing": Field(ListOf(LINE)),
    "kiosk": Field(Map({"round_seconds": Field(Num(10, 3600)), "attempts": Field(Num(1, 10, integer=True))}, title="kiosk")),
}, title="scenario")


def json_schema() -> dict:
    """The JSON Schema of the format, for editors (`python main.py schema`)."""
    s = FORMAT.schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://processplay.dev/scenario-1.json",
            "title": "ProcessPlay scenario (format 1)", **s}


# ==================================================================================================
# Checks across the file


def _d(x) -> dict:
    return x if isinstance(x, dict) else {}


def _l(x) -> list:
    return x if isinstance(x, list) else []


def _pools_of(step: dict) -> list[str]:
    p = step.get("pools")
    return [p] if isinstance(p, str) else [x for x in _l(p) if isinstance(x, str)]


def _edge_of(item):
    text = item.get("edge") if isinstance(item, dict) else item
    try:
        return parse_edge(text)
    except ValueError:
        return None


def step_ports(sid: str, step: dict, raw: dict) -> tuple[str, ...] | None:
    """The output ports of a raw step (None when its kind is unknown); the model's Step.ports, before building."""
    kind = step.get("kind")
    if kind == "source" or kind in ("delay", "batch"):
        return ("out",)
    if kind == "branch":
        return tuple(_d(step.get("branches")))
    if kind == "route":
        return _route_values(step, raw)
    if kind == "service":
        ports = ["done"]
        res = step.get("resolve", 1)
        if (isinstance(res, (int, float)) and res < 1) or (isinstance(res, dict) and any(
                isinstance(v, (int, float)) and v < 1 for v in res.values())):
            ports.append("unresolved")
        if step.get("overflow") is not None:
            ports.append("overflow")
        if any(isinstance(e, dict) and e.get("patience") is not None for e in _d(raw.get("entities")).values()):
            ports.append("abandoned")
        return tuple(ports)
    if kind == "inventory":
        return ("ok", "out") if step.get("when_out") == "lost" else ("ok",)
    if kind == "exit":
        return ()
    return None


def _route_values(step: dict, raw: dict) -> tuple[str, ...]:
    by = step.get("by")
    if not isinstance(by, str):
        return ()
    values: dict[str, None] = {}
    for ent in _d(raw.get("entities")).values():
        for v in _d(_d(_d(ent).get("attributes")).get(by)):
            values.setdefault(str(v))
    return tuple(values)


class _Semantics:
    """The checks that need more than one place of the file. Defensive: the shape may be wrong too."""

    def __init__(self, raw: dict, ck: Checker):
        self.raw = raw
        self.ck = ck
        self.steps = _d(raw.get("steps"))
        self.pools = _d(raw.get("resources"))
        self.entities = _d(raw.get("entities"))
        self.advisors = _d(raw.get("advisors"))

    def run(self) -> None:
        for eid, ent in self.entities.items():
            self.entity(eid, _d(ent))
        for pid, pool in self.pools.items():
            self.pool(pid, _d(pool))
        for sid, step in self.steps.items():
            if isinstance(step, dict):
                self.step(sid, step)
        self.supplier_cycles()
        self.maps()
        self.rules()
        self.events()
        self.objective()
        for i, line in enumerate(_l(self.raw.get("briefing"))):
            self.line(line, ("briefing", i))
        time = _d(self.raw.get("time"))
        h, w = time.get("horizon"), time.get("warmup", 0)
        if _scalar(h) and _scalar(w) and not isinstance(h, str) and not isinstance(w, str) and w >= h:
            self.ck.error(("time", "warmup"), f"time.warmup ({w:g}) must be shorter than time.horizon ({h:g})")

    # --- parts ---
    def entity(self, eid, ent):
        for aname, values in _d(ent.get("attributes")).items():
            probs = [v for v in _d(values).values() if _scalar(v) and not isinstance(v, str)]
            if probs and len(probs) == len(_d(values)) and abs(sum(probs) - 1) > SUM_TOLERANCE:
                self.ck.error(("entities", eid, "attributes", aname),
                              f"the probabilities of {eid}.{aname} sum to {sum(probs):.4g}; they must sum to 1")

    def pool(self, pid, pool):
        sched = [p for p in _l(pool.get("schedule")) if isinstance(p, list) and len(p) == 2]
        times = [p[0] for p in sched if _scalar(p[0]) and not isinstance(p[0], str)]
        if times != sorted(times) or len(set(times)) != len(times):
            self.ck.error(("resources", pid, "schedule"), f"the schedule of '{pid}' must list its pieces in time order")

    def step(self, sid, step):
        kind = step.get("kind")
        path = ("steps", sid)
        if kind == "source":
            ent = step.get("entity")
            if ent is None:
                if len(self.entities) != 1:
                    self.ck.error(path, f"source '{sid}' must say which entity arrives ('entity: ...'), "
                                        f"as there are {len(self.entities)} entity types", at="key")
            elif isinstance(ent, str) and ent not in self.entities:
                self.ck.error(path + ("entity",), f"unknown entity '{ent}'{suggest(ent, self.entities)}")
            rate = step.get("rate")
            if isinstance(rate, list):
                froms = [p[0] for p in rate if isinstance(p, list) and len(p) == 2 and _num(p[0])]
                if froms != sorted(froms):
                    self.ck.error(path + ("rate",), f"the rate pieces of '{sid}' must be in time order")
        elif kind == "branch":
            br = _d(step.get("branches"))
            rests = [k for k, v in br.items() if v == "rest"]
            total = sum(v for v in br.values() if _scalar(v) and not isinstance(v, str))
            if len(rests) > 1:
                self.ck.error(path + ("branches",), f"only one branch of '{sid}' may be 'rest'")
            elif rests and total > 1 + SUM_TOLERANCE:
                self.ck.error(path + ("branches",), f"the branches of '{sid}' sum to {total:.4g} before 'rest'; at most 1")
            elif not rests and br and abs(total - 1) > SUM_TOLERANCE:
                self.ck.error(path + ("branches",), f"the branches of '{sid}' sum to {total:.4g}; they must sum to 1 "
                                                    "(or make one 'rest')")
        elif kind == "route":
            by = step.get("by")
            if isinstance(by, str):
                having = [e for e, ent in self.entities.items() if by in _d(_d(ent).get("attributes"))]
                if not having:
                    known = {a for ent in self.entities.values() for a in _d(_d(ent).get("attributes"))}
                    self.ck.error(path + ("by",), f"route '{sid}' splits by '{by}', but no entity has that attribute"
                                                  f"{suggest(by, known)}")
        elif kind == "service":
            self.service(sid, step, path)
        elif kind == "inventory":
            self.inventory(sid, step, path)

    def service(self, sid, step, path):
        pools = _pools_of(step)
        for i, p in enumerate(pools):
            if p not in self.pools:
                where = path + ("pools",) + ((i,) if isinstance(step.get("pools"), list) else ())
                self.ck.error(where, f"unknown pool '{p}'{suggest(p, self.pools)}")
        if len(set(pools)) != len(pools):
            self.ck.error(path + ("pools",), f"a pool is listed twice in '{sid}'")
        skill = step.get("skill")
        if isinstance(skill, str):
            able = [p for p in pools if p in self.pools and _pool_serves(_d(self.pools[p]), skill)]
            lacking = [p for p in pools if p in self.pools and p not in able]
            if pools and not able:
                self.ck.error(path + ("skill",), f"no pool of '{sid}' has the skill '{skill}'; nobody could serve here")
            elif lacking:
                self.ck.error(path + ("pools",), f"pool '{lacking[0]}' lacks the skill '{skill}' and would never serve "
                                                 f"at '{sid}'; add the skill or remove the pool")
        for key in ("duration_by_pool", "resolve"):
            for p in _d(step.get(key)):
                if p not in pools:
                    self.ck.error(path + (key, p), f"'{p}' is not one of the pools of '{sid}' ({', '.join(pools)})", at="key")
        for p in _d(_d(step.get("revenue")).get("chance")):
            if p not in pools:
                self.ck.error(path + ("revenue", "chance", p), f"'{p}' is not one of the pools of '{sid}'", at="key")
        prio = step.get("priority")
        if isinstance(prio, dict) and len(prio) == 1:
            (attr, order), = prio.items()
            values = {str(v) for ent in self.entities.values() for v in _d(_d(_d(ent).get("attributes")).get(attr))}
            if not values:
                self.ck.error(path + ("priority", attr), f"no entity has the attribute '{attr}' to rank by", at="key")
            else:
                for i, v in enumerate(_l(order)):
                    if str(v) not in values:
                        self.ck.error(path + ("priority", attr, i), f"'{v}' is not a value of '{attr}'{suggest(str(v), values)}")

    def inventory(self, sid, step, path):
        sup = step.get("supplier")
        if isinstance(sup, str):
            if sup not in self.steps:
                self.ck.error(path + ("supplier",), f"unknown supplier step '{sup}'{suggest(sup, self.steps)}")
            elif _d(self.steps[sup]).get("kind") != "inventory":
                self.ck.error(path + ("supplier",), f"the supplier '{sup}' must be an inventory step")
            elif sup == sid:
                self.ck.error(path + ("supplier",), f"'{sid}' cannot supply itself")
        pol = _d(step.get("policy"))
        if pol.get("type") == "sS" and _num(pol.get("s")) and _num(pol.get("S")) and pol["S"] <= pol["s"]:
            self.ck.error(path + ("policy",), f"the policy of '{sid}' needs S above s")

    def supplier_cycles(self):
        for sid, step in self.steps.items():
            seen = [sid]
            cur = _d(step).get("supplier")
            while isinstance(cur, str) and cur in self.steps and cur not in seen:
                seen.append(cur)
                cur = _d(self.steps[cur]).get("supplier")
            if cur == sid and len(seen) > 1:
                self.ck.error(("steps", sid, "supplier"), f"suppliers go round in a circle: {' -> '.join(seen + [sid])}")
                return

    def maps(self):
        self.edges(_l(self.raw.get("reference")), ("reference",), check_flow=True)
        for i, alt in enumerate(_l(self.raw.get("alternatives"))):
            self.edges(_l(alt), ("alternatives", i), check_flow=True)
        self.edges(_l(self.raw.get("start_map")), ("start_map",), check_flow=False)

    def edges(self, items, path, check_flow: bool):
        used: dict[tuple[str, str], int] = {}
        placed: list[Edge] = []
        for i, item in enumerate(items):
            e = _edge_of(item)
            if e is None:
                continue
            where = path + (i,) + (("edge",) if isinstance(item, dict) else ())
            if isinstance(item, dict):
                for who in _d(item.get("hint")):
                    if who not in self.advisors:
                        self.ck.error(path + (i, "hint", who), f"unknown advisor '{who}'{suggest(who, self.advisors)}", at="key")
            ok = True
            for s in (e.src, e.dst):
                if s not in self.steps:
                    self.ck.error(where, f"edge '{e}': unknown step '{s}'{suggest(s, self.steps)}")
                    ok = False
            if not ok:
                continue
            ports = step_ports(e.src, _d(self.steps[e.src]), self.raw)
            if ports is not None and e.port not in ports:
                self.ck.error(where, f"edge '{e}': '{e.src}' has no port '{e.port}'"
                                     f"{suggest(e.port, ports) or ''} (its ports: {', '.join(ports) or 'none'})")
                continue
            if _d(self.steps[e.dst]).get("kind") == "source":
                self.ck.error(where, f"edge '{e}': nothing can flow into the source '{e.dst}'")
                continue
            if (e.src, e.port) in used:
                self.ck.error(where, f"edge '{e}': port {e.src}.{e.port} is already connected "
                                     f"(item {used[e.src, e.port] + 1}); a port leads to one step")
                continue
            used[e.src, e.port] = i
            placed.append(e)
        if check_flow and placed:
            self.flow(placed, path)

    def flow(self, edges: list[Edge], path):
        """Every placed step reachable from a source and every port connected; routes on real attributes."""
        out: dict[str, list[Edge]] = {}
        for e in edges:
            out.setdefault(e.src, []).append(e)
        steps = {s for e in edges for s in (e.src, e.dst)}
        sources = [s for s in steps if _d(self.steps.get(s)).get("kind") == "source"]
        if not sources:
            self.ck.error(path, f"{label(path)} has no source: nothing would arrive", at="key")
            return
        # which entity types reach each step
        reach: dict[str, set[str]] = {}
        for src in sources:
            ent = _d(self.steps[src]).get("entity") or (next(iter(self.entities)) if len(self.entities) == 1 else None)
            if not isinstance(ent, str):
                ent = None
            stack = [src]
            while stack:
                s = stack.pop()
                if ent in reach.setdefault(s, set()):
                    continue
                reach[s].add(ent)
                stack.extend(e.dst for e in out.get(s, ()))
        for s in sorted(steps - set(reach)):
            self.ck.error(path, f"{label(path)}: no source reaches step '{s}'", at="key")
        for s in sorted(steps):
            step = _d(self.steps.get(s))
            ports = step_ports(s, step, self.raw) or ()
            have = {e.port for e in out.get(s, ())}
            for p in ports:
                if p not in have and p != "abandoned":
                    self.ck.error(path, f"{label(path)}: port {s}.{p} is not connected", at="key")
            if step.get("kind") == "route":
                by = step.get("by")
                for ent in sorted(x for x in reach.get(s, ()) if x and isinstance(by, str)):
                    if by not in _d(_d(self.entities.get(ent)).get("attributes")):
                        self.ck.error(("steps", s, "by"), f"route '{s}' splits by '{by}', but {ent} entities "
                                                          f"reach it without that attribute")

    def line(self, line, path):
        if isinstance(line, dict) and len(line) == 1:
            who = next(iter(line))
            if who not in self.advisors:
                self.ck.error(path + (who,), f"unknown advisor '{who}'{suggest(who, self.advisors)}", at="key")

    def rules(self):
        seen: set[str] = set()
        for i, rule in enumerate(_l(self.raw.get("rules"))):
            if not isinstance(rule, dict):
                continue
            path = ("rules", i)
            rid = rule.get("id")
            if isinstance(rid, str):
                if rid in seen:
                    self.ck.error(path + ("id",), f"the rule id '{rid}' is used twice")
                seen.add(rid)
            if "choices" in rule:
                choices = _d(rule.get("choices"))
                d = rule.get("default")
                if choices and (not isinstance(d, (str, int, float)) or d not in choices):
                    self.ck.error(path + ("default",), f"the default '{d}' is not one of the choices "
                                                       f"({', '.join(map(str, choices))}){suggest(d, choices)}")
                for opt, sets in choices.items():
                    for p, v in _d(sets).items():
                        if self.path(p, path + ("choices", opt, p), at="key"):
                            self.try_value(p, v, path + ("choices", opt, p), f"rule '{rid}', option '{opt}'")
            else:
                sets = rule.get("sets")
                paths = [sets] if isinstance(sets, str) else [p for p in _l(sets) if isinstance(p, str)]
                lo, hi, d, st = (rule.get(k) for k in ("min", "max", "default", "step"))
                if not all(_num(x) for x in (lo, hi, d)):
                    continue
                st = st if _num(st) and st > 0 else 1
                if lo > hi:
                    self.ck.error(path + ("min",), f"min ({lo:g}) is above max ({hi:g})")
                    continue
                if not lo <= d <= hi:
                    self.ck.error(path + ("default",), f"the default {d:g} is outside {lo:g}..{hi:g}")
                elif abs((d - lo) / st - round((d - lo) / st)) > 1e-9:
                    self.ck.error(path + ("default",), f"the default {d:g} is not min plus a whole number of steps of {st:g}")
                if (hi - lo) / st > 10000:
                    self.ck.error(path + ("step",), f"a lever with {int((hi - lo) / st)} positions is too fine; raise the step")
                # The ends, and one step in: a count moved by half steps is fine at 1 and 8, not at 1.5.
                values = [lo, hi] + ([lo + st] if lo + st < hi else [])
                for j, p in enumerate(paths):
                    where = path + ("sets",) + ((j,) if isinstance(sets, list) else ())
                    if self.path(p, where):
                        for v in values:
                            before = len(self.ck.problems)
                            self.try_value(p, v, where, f"rule '{rid}' at {v:g}")
                            if len(self.ck.problems) > before:
                                break

    def path(self, dotted: str, where, at="value", dynamic: bool = False) -> bool:
        """Whether a dotted rule/event path names a value of this scenario; reports why not."""
        problem = resolve_path(self.raw, dotted)
        if problem:
            self.ck.error(where, f"'{dotted}': {problem}", at=at)
            return False
        if dynamic and not _dynamic_path(dotted):
            self.ck.error(where, f"'{dotted}': an event may change only {', '.join(DYNAMIC_PATHS)}", at=at)
            return False
        return True

    def try_value(self, dotted: str, value, where, who: str):
        """Check that setting `dotted` to `value` leaves a valid scenario (an option of a rule, an event)."""
        raw = _copy_branch(self.raw, dotted)
        try:
            set_path(raw, dotted, value)
        except (KeyError, TypeError, ValueError) as e:
            self.ck.error(where, f"{who}: cannot set '{dotted}': {e}")
            return
        pos = self.ck.doc.where(where) if self.ck.doc else None
        shown = shorten(repr(value), 60)
        prefix = f"{who} makes '{dotted}' = {shown} invalid: "
        sub = Checker(None, self.ck.name, fallback=pos, prefix=prefix)
        top, key = dotted.split(".")[0], dotted.split(".")[1]
        self.check_part(raw, top, key, sub)
        if not sub.problems and self.ports_changed(raw, top, key):
            # The value opens or closes a port (a resolve below 1, an overflow, a route's attribute): the
            # expert maps must still run with it, or simulate would refuse the rule with no place to point.
            _Semantics(raw, sub).maps()
        if sub.problems:  # what the file has wrong anyway is reported where it is written, not again here
            before = Checker(None, self.ck.name, fallback=pos)
            self.check_part(self.raw, top, key, before)
            known = {p.message for p in before.problems}
            sub.problems = [p for p in sub.problems if p.message[len(prefix):] not in known]
        self.ck.problems.extend(sub.problems)

    @staticmethod
    def check_part(raw: dict, top: str, key: str, ck: Checker) -> None:
        """Check only the part of `raw` that a value at `top.key...` lives in: one step, one entity, a section."""
        sem = _Semantics(raw, ck)
        part = _d(raw.get(top)).get(key)
        if top == "steps":
            STEP.check(part, ("steps", key), ck)
            if isinstance(part, dict):
                sem.step(key, part)
        elif FORMAT.at(top) is not None and top in raw:
            FORMAT.at(top).check(raw[top], (top,), ck)
            if top == "entities" and isinstance(part, dict):
                sem.entity(key, part)
            elif top == "resources" and isinstance(part, dict):
                sem.pool(key, part)

    def ports_changed(self, changed: dict, top: str, key: str) -> bool:
        """Whether `changed` (this file with one value set) gives a step other ports than the file does."""
        if top == "steps":
            sids = [key]
        elif top == "entities":
            sids = [sid for sid, st in self.steps.items() if _d(st).get("kind") in ("route", "service")]
        else:
            return False
        steps = _d(changed.get("steps"))
        return any(step_ports(sid, _d(self.steps.get(sid)), self.raw) != step_ports(sid, _d(steps.get(sid)), changed)
                   for sid in sids)

    def events(self):
        horizon = _d(self.raw.get("time")).get("horizon")
        for i, ev in enumerate(_l(self.raw.get("events"))):
            if not isinstance(ev, dict):
                continue
            path = ("events", i)
            for key in ("scale", "set"):
                for p, v in _d(ev.get(key)).items():
                    if self.path(p, path + (key, p), at="key", dynamic=True) and key == "set":
                        self.try_value(p, v, path + (key, p), f"event {i + 1}")
            at = ev.get("at")
            if _num(at) and _num(horizon) and at >= horizon:
                self.ck.error(path + ("at",), f"the event at {at:g} happens after the day ends ({horizon:g})")
            if "say" in ev:
                self.line(ev["say"], path + ("say",))
        self.event_scales()

    def event_scales(self):
        """What an event's `scale` makes of a duration or a staff count stays within what the format allows:
        the factors of all the events on a path are multiplied, as events that overlap would be."""
        factors: dict[str, list[tuple[float, int]]] = {}
        for i, ev in enumerate(_l(self.raw.get("events"))):
            for p, f in _d(_d(ev).get("scale")).items():
                if isinstance(p, str) and _dynamic_path(p) and _num(f) and f > 0 and f != 1:
                    factors.setdefault(p, []).append((float(f), i))
        for p, found in factors.items():
            for grow in (True, False):
                mine = [(f, i) for f, i in found if (f > 1) == grow]
                if not mine:
                    continue
                total = math.prod(f for f, _ in mine)
                f, i = max(mine) if grow else min(mine)
                problem = self.scaled_problem(p, total)
                if problem:
                    both = f" (with the other events on it, {total:g})" if len(mine) > 1 else ""
                    self.ck.error(("events", i, "scale", p), f"event {i + 1} scales '{p}' by {f:g}{both}: {problem}")

    def scaled_problem(self, dotted: str, factor: float) -> str | None:
        """Why `dotted` (a duration, lead time or pool count) multiplied by `factor` is out of range, or None."""
        top, name, what = dotted.split(".")
        if top == "resources":
            pool = _d(self.pools.get(name))
            counts = [pool.get("count")] + [pc[1] for pc in _l(pool.get("schedule")) if isinstance(pc, list) and len(pc) == 2]
            most = max((c for c in counts if _num(c)), default=0)
            if most * factor > MAX_COUNT:
                return f"the count would reach {most * factor:g}, above {MAX_COUNT}"
            return None
        step = _d(self.steps.get(name))
        if what == "rate":
            rate = step.get("rate")
            rates = [rate] if _num(rate) else [pr[1] for pr in _l(rate) if isinstance(pr, list) and len(pr) == 2]
            most = max((r for r in rates if _num(r) and r <= MAX_RATE), default=0)  # above: said where written
            if most * factor > MAX_RATE:
                return f"the rate would reach {most * factor:g} a {_d(self.raw.get('time')).get('unit', 'minute')}, above {MAX_RATE:g}"
            return None
        written = [step.get(what)] + (list(_d(step.get("duration_by_pool")).values()) if what == "duration" else [])
        written += [_d(ev).get("set", {}).get(dotted) for ev in _l(self.raw.get("events")) if isinstance(_d(ev).get("set"), dict)]
        for value in written:
            if value is None:
                continue
            try:
                problem = to_distribution(value).scaled(factor).problem()
            except (TypeError, ValueError, KeyError, AttributeError):  # not a distribution: reported where written
                continue
            if problem:
                return f"the {what.replace('_', ' ')} would be out of range: {problem}"
        return None

    def objective(self):
        obj = _d(self.raw.get("objective"))
        names = _kpi_names(self.raw)
        score = obj.get("score", "profit")
        if isinstance(score, (str, int, float)) and not isinstance(score, bool):
            try:
                expression.parse(score, names, defines="score")
            except expression.ExpressionError as e:
                # Point at the offending token when the expression is written plainly on its line.
                text = str(score)
                shift = e.col - 1 if "\n" not in text and "#" not in text else 0
                self.ck.error(("objective", "score"), f"objective.score: {e}", shift=shift)
        for kpi, t in _d(obj.get("targets")).items():
            if kpi not in names:
                self.ck.error(("objective", "targets", kpi), f"unknown KPI '{kpi}'{suggest(kpi, names)}", at="key")
            t = _d(t)
            if not t:
                self.ck.error(("objective", "targets", kpi), f"the target for '{kpi}' needs min or max")
            elif _num(t.get("min")) and _num(t.get("max")) and t["min"] > t["max"]:
                self.ck.error(("objective", "targets", kpi), f"the target for '{kpi}' has min above max")


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _pool_serves(pool: dict, skill: str) -> bool:
    skills = pool.get("skills")
    return skills is None or skill in _l(skills)


def _kpi_names(raw: dict) -> tuple[str, ...]:
    steps = _d(raw.get("steps"))
    return (BASE_KPIS + tuple(f"utilization.{p}" for p in _d(raw.get("resources")))
            + tuple(f"exits.{s}" for s, st in steps.items() if _d(st).get("kind") == "exit")
            + tuple(f"mean_on_hand.{s}" for s, st in steps.items() if _d(st).get("kind") == "inventory"))


# --- dotted paths ------------------------------------------------------------------------------------

#: The sections a rule may reach: the business, not the game around it (targets, time, the maps).
RULE_SECTIONS = ("resources", "steps", "entities", "fixed_costs")
#: What an event may change while the day runs (and so what a mid-day rule change can reach).
DYNAMIC_PATHS = ("steps.SOURCE.rate", "resources.POOL.count", "steps.STEP.duration", "steps.STEP.lead_time")


def _dynamic_path(dotted: str) -> bool:
    parts = dotted.split(".")
    return len(parts) == 3 and ((parts[0] == "steps" and parts[2] in ("rate", "duration", "lead_time"))
                                or (parts[0] == "resources" and parts[2] == "count"))


def resolve_path(raw: dict, dotted: str) -> str | None:
    """Why `dotted` names no settable value of this scenario, or None when it does."""
    parts = dotted.split(".")
    if parts[0] not in RULE_SECTIONS:
        return f"rules and events may change only {', '.join(RULE_SECTIONS)}, not {parts[0]}{suggest(parts[0], RULE_SECTIONS)}"
    spec: Spec | None = FORMAT
    node: Any = raw
    for i, key in enumerate(parts):
        here = ".".join(parts[: i + 1])
        if isinstance(spec, Tagged):
            spec = spec.variant(node)
            if spec is None:
                return f"'{'.'.join(parts[:i])}' has no known kind"
        if isinstance(spec, (DictOf,)):
            if not spec.open_keys and (not isinstance(node, dict) or key not in node):
                have = list(node) if isinstance(node, dict) else []
                return f"there is no '{key}' in {'.'.join(parts[:i])}{suggest(key, have)}"
        sub = spec.at(key) if spec is not None else None
        if sub is None:
            keys = list(spec.fields) if isinstance(spec, Map) else []
            return f"'{here}' is not a setting of the format{suggest(key, keys)}"
        if isinstance(spec, Map) and key in ("kind", "id", "type"):
            return f"'{here}' cannot be changed by a rule"
        spec = sub
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(spec, (Map, DictOf, ListOf, Tagged)):
        return f"'{dotted}' is a whole section; name one value inside it"
    return None


def _copy_branch(raw: dict, dotted: str) -> dict:
    """A copy of `raw` in which setting `dotted` cannot touch the original: only the item the path goes
    through (one step, one pool) is copied deeply, so trying a rule's values stays cheap in big files."""
    parts = dotted.split(".")
    out = dict(raw)
    section = raw.get(parts[0])
    if isinstance(section, dict):
        out[parts[0]] = dict(section)
        if len(parts) > 2 and parts[1] in section:
            out[parts[0]][parts[1]] = copy.deepcopy(section[parts[1]])
    return out


def set_path(raw: dict, dotted: str, value) -> None:
    """Set a dotted path in plain data, creating the last mapping level where needed."""
    parts = dotted.split(".")
    node = raw
    for key in parts[:-1]:
        nxt = node.get(key) if isinstance(node, dict) else None
        if nxt is None or not isinstance(nxt, dict):
            if nxt is not None and not isinstance(nxt, dict):
                # A per-pool value written as one number (`resolve: 0.8`) becomes a mapping when a rule sets
                # one pool's value: the other pools keep the number they had.
                if key in ("resolve", "chance"):
                    pools = _pools_of(node) if key == "resolve" else _pools_of(raw["steps"][parts[1]])
                    nxt = {p: nxt for p in pools}
                else:
                    raise TypeError(f"'{key}' is not a mapping")
            else:
                nxt = {}
            node[key] = nxt
        node = nxt
    node[parts[-1]] = value


# ==================================================================================================
# Building the model


def build(raw: dict, path: str | None = None) -> Scenario:
    """The model of a scenario that passed `check`."""
    time = _d(raw.get("time"))
    ts = TimeSpec(time.get("unit", "minute"), float(time["horizon"]), float(time.get("warmup", 0)),
                  time.get("close", "drain"), str(time.get("clock_start", "00:00")))
    run = _d(raw.get("run"))
    rs = RunSpec(int(run.get("replications", 10)), int(run.get("seed", 1)), float(run.get("service_level_wait", 0)))
    entities = {}
    for eid, e in raw["entities"].items():
        attrs = tuple(Attribute(a, tuple(map(str, vals)), tuple(float(p) for p in vals.values()))
                      for a, vals in _d(e.get("attributes")).items())
        patience = to_distribution(e["patience"]) if e.get("patience") is not None else None
        entities[eid] = EntityType(eid, e.get("label", _title(eid)), attrs, patience)
    pools = {}
    for pid, p in _d(raw.get("resources")).items():
        sched = tuple((float(a), int(b)) for a, b in p["schedule"]) if p.get("schedule") else None
        skills = tuple(p["skills"]) if p.get("skills") is not None else None
        pools[pid] = Pool(pid, p.get("label", _title(pid)), int(p["count"]), float(p.get("cost_per_hour", 0)), skills, sched)
    has_patience = any(e.patience is not None for e in entities.values())
    steps = {sid: _build_step(sid, s, raw, entities, has_patience) for sid, s in raw["steps"].items()}
    hints: dict[Edge, tuple[Line, ...]] = {}

    def pmap(items) -> ProcessMap:
        edges = []
        for item in items:
            e = _edge_of(item)
            edges.append(e)
            if isinstance(item, dict) and item.get("hint"):
                hints[e] = tuple(Line(a, t) for a, t in item["hint"].items())
        return ProcessMap(tuple(edges), scenario=raw["id"])

    reference = pmap(raw["reference"])
    alternatives = tuple(pmap(a) for a in _l(raw.get("alternatives")))
    start = pmap(_l(raw.get("start_map")))
    rules = tuple(_build_rule(r) for r in _l(raw.get("rules")))
    events = tuple(
        Event(float(ev["at"]), float(ev["for"]) if ev.get("for") is not None else None,
              tuple((p, float(v)) for p, v in _d(ev.get("scale")).items()), tuple(_d(ev.get("set")).items()),
              _line(ev.get("say")))
        for ev in _l(raw.get("events")))
    obj = raw["objective"]
    names = _kpi_names(raw)
    objective = Objective(expression.parse(obj.get("score", "profit"), names, defines="score"),
                          tuple(Target(k, t.get("min"), t.get("max")) for k, t in _d(obj.get("targets")).items()))
    advisors = {a: Advisor(a, v["name"], v.get("role", ""), v.get("portrait"), v.get("colour"))
                for a, v in _d(raw.get("advisors")).items()}
    kiosk = _d(raw.get("kiosk"))
    return Scenario(
        id=raw["id"], title=raw["title"], summary=raw.get("summary", ""), domain=raw.get("domain", "generic"),
        currency=raw.get("currency", "USD"), time=ts, run=rs, entities=frozen_map(entities),
        resources=frozen_map(pools), steps=frozen_map(steps), reference=reference, alternatives=alternatives,
        start_map=start, hints=frozen_map(hints), rules=rules, events=events, objective=objective,
        fixed_costs=frozen_map({k: float(v) for k, v in _d(raw.get("fixed_costs")).items()}),
        advisors=frozen_map(advisors), briefing=tuple(_line(x) for x in _l(raw.get("briefing"))),
        kiosk=Kiosk(float(kiosk.get("round_seconds", 180)), int(kiosk.get("attempts", 3))),
        raw=raw, path=path)


def _title(ident: str) -> str:
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
        return Route(**common, by=s["by"], values=_route_values(s, raw))
    if kind == "service":
        pools = tuple(_pools_of(s))
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
            duration_by_pool=frozen_map({p: to_distribution(d) for p, d in _d(s.get("duration_by_pool")).items()}),
            priority=prio, resolve=frozen_map({p: v for p, v in resolve.items()}), revenue=rev,
            overflow_after=float(s["overflow"]["after"]) if s.get("overflow") else None,
            cost_per_entity=float(s.get("cost_per_entity", 0)), patience_port=has_patience)
    if kind == "inventory":
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
    if kind == "batch":
        return Batch(**common, size=int(s["size"]), max_wait=float(s["max_wait"]) if s.get("max_wait") is not None else None,
                     cost_per_batch=float(s.get("cost_per_batch", 0)))
    late = s.get("late")
    return Exit(**common, outcome=s.get("outcome", "completed"), revenue=float(s.get("revenue", 0)),
                penalty=float(s.get("penalty", 0)),
                late=Late(float(late["after"]), float(late["penalty"])) if late else None)


def _build_rule(r):
    if "choices" in r:
        return Choice(r["id"], r["label"], r["default"],
                      frozen_map({str(k): tuple(_d(v).items()) for k, v in r["choices"].items()}))
    sets = r["sets"]
    step = r.get("step", 1)
    integer = all(float(x).is_integer() for x in (r["min"], r["max"], step, r["default"]))
    conv = int if integer else float
    return Slider(r["id"], r["label"], tuple([sets] if isinstance(sets, str) else sets), conv(r["min"]),
                  conv(r["max"]), conv(step), conv(r["default"]), r.get("unit", ""), integer)


# ==================================================================================================
# The public face


def check(doc: Document) -> list[Problem]:
    """Every problem of a parsed file, in file order."""
    ck = Checker(doc, doc.name)
    FORMAT.check(doc.data, (), ck)
    _Semantics(doc.data, ck).run()
    seen = set()
    unique = []
    for p in sorted(ck.problems, key=lambda p: (p.line, p.col)):
        if (p.line, p.col, p.message) not in seen:
            seen.add((p.line, p.col, p.message))
            unique.append(p)
    return unique


def loads(text: str, name: str = "<string>") -> Scenario:
    """A scenario from YAML text; raises ScenarioError listing every problem."""
    with no_gc():  # reading a big file makes many objects and no garbage: see engine.yamlpos
        try:
            doc = parse(text, name)
        except YamlError as e:
            raise ScenarioError(e.problems) from None
        problems = check(doc)
        if problems:
            raise ScenarioError(problems)
        scenario = build(doc.data, None if name.startswith("<") else name)
        problems = expert_map_problems(scenario, doc)
        if problems:
            raise ScenarioError(problems)
        return scenario


def expert_map_problems(scenario: Scenario, doc: Document) -> list[Problem]:
    """What would stop the expert maps from running, by the map check itself (`engine.maps.map_problems`:
    one judge for the player's map and the file's), at the edge concerned; then the same for each rule at
    its default, its extremes and each of its choices, at the rule (what `validate` accepts, `simulate`
    runs with any rule value in range). A few model builds per rule: cheap."""
    from .maps import map_problems

    maps = [(("reference",), scenario.reference)]
    maps += [(("alternatives", k), alt) for k, alt in enumerate(scenario.alternatives)]
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def where(path: tuple, raw_items: list, index: int | None) -> Position:
        if index is None or index >= len(raw_items):
            return doc.where(path, "key")
        item = raw_items[index]
        return doc.where(path + (index,) + (("edge",) if isinstance(item, dict) else ()))

    for path, pmap in maps:
        raw_items = _l(doc.data.get(path[0])) if len(path) == 1 else _l(_l(doc.data.get(path[0]))[path[1]])
        for p in map_problems(scenario, pmap):
            seen.add((p.kind, p.message))
            pos = where(path, raw_items, p.edge_index)
            out.append(Problem(doc.name, pos.line, pos.col, f"{label(path)}: {p.message}"))
    for i, rule in enumerate(scenario.rules):
        raw_rule = _d(_l(doc.data.get("rules"))[i])
        for value, at in _rule_trials(rule, i):
            try:
                variant = apply_rules(scenario, {rule.id: value})
            except (RuleError, ScenarioError, ValueError, KeyError, TypeError):
                continue  # the rule checks above have said what is wrong with it
            for path, _ in maps:
                pmap = variant.reference if len(path) == 1 else variant.alternatives[path[1]]
                for p in map_problems(variant, pmap):
                    if (p.kind, p.message) in seen:
                        continue
                    seen.add((p.kind, p.message))
                    pos = doc.where(at, "key" if at[2] == "choices" or at[2] not in raw_rule else "value")
                    shown = value if isinstance(value, str) else f"{value:g}"
                    out.append(Problem(doc.name, pos.line, pos.col,
                                       f"rule '{rule.id}' at {shown} breaks {label(path)}: {p.message}"))
    return sorted(out, key=lambda p: (p.line, p.col))


def load(path) -> Scenario:
    """A scenario from a file; raises ScenarioError listing every problem."""
    path = str(path)
    try:
        text = read_text(path)
    except YamlError as e:
        raise ScenarioError(e.problems) from None
    return loads(text, path)


def validate_file(path) -> list[Problem]:
    """Every problem of a file (empty when it is a valid scenario). Never raises for bad input.

    Past the format and the maps, the run's work budget (`engine.budget`) for the file's replications,
    at the defaults and at each rule's extremes and choices: what `validate` accepts, `simulate` runs."""
    try:
        scenario = load(path)
    except ScenarioError as e:
        return e.problems
    return work_problems(scenario, rule_trials=True)


def work_problems(scenario: Scenario, pmap: ProcessMap | None = None, replications: int | None = None,
                  reps_option: str | None = None, rule_trials: bool = False) -> list[Problem]:
    """`engine.budget.problems` as FILE:LINE:COL problems at the value to change (the file is read again
    for positions, only when there is something to say). A problem about a command-line option
    (`reps_option`) has line 0. With `rule_trials`, each rule's default, extremes and choices too."""
    from .budget import problems as over

    found = [(None, path, message) for path, message in over(scenario, pmap, replications, reps_option)]
    if rule_trials:
        said = {m for _, _, m in found}
        for i, rule in enumerate(scenario.rules):
            for value, at in _rule_trials(rule, i):
                try:
                    variant = apply_rules(scenario, {rule.id: value})
                except (RuleError, ScenarioError, ValueError, KeyError, TypeError):
                    continue
                for _, message in over(variant, pmap, replications, reps_option):
                    if message not in said:
                        said.add(message)
                        shown = value if isinstance(value, str) else f"{value:g}"
                        found.append((at, None, f"rule '{rule.id}' at {shown}: {message}"))
    if not found:
        return []
    name = scenario.path or "<scenario>"
    doc = None
    if scenario.path:
        try:
            doc = parse(read_text(scenario.path), scenario.path)
        except (YamlError, OSError):
            doc = None
    out = []
    for at, path, message in found:
        if path is None and at is None:
            out.append(Problem(name, 0, 0, message))
            continue
        pos = doc.where(at or path, "key" if at and at[2] == "choices" else "value") if doc else Position(1, 1)
        out.append(Problem(name, pos.line, pos.col, message))
    return out


#: What a rule may set without changing whether a map can hold work for ever or how much work a day is
#: (staffing, money, labels): rules that set only these need no trial.
_NEUTRAL = re.compile(r"^(resources\.[^.]+\.(count|cost_per_hour|schedule)|fixed_costs\..*|"
                      r"steps\.[^.]+\.(cost_per_entity|cost_per_batch|revenue|penalty|late|unit_cost|order_cost|"
                      r"holding_cost|label|help)(\..*)?)$")


def _rule_trials(rule, i: int) -> list[tuple[Any, tuple]]:
    """The values of rule number `i` worth trying (default, extremes, every choice) and where each is;
    none for a rule that sets only what cannot trap work or change a day's work (`_NEUTRAL`)."""
    values = rule.options.values() if isinstance(rule, Choice) else [rule.assignments(rule.default)]
    if all(_NEUTRAL.match(path) for sets in values for path, _ in sets):
        return []
    if isinstance(rule, Choice):
        return [(v, ("rules", i, "choices", v)) for v in rule.options]
    return [(rule.default, ("rules", i, "default")), (rule.min, ("rules", i, "min")),
            (rule.max, ("rules", i, "max"))]


def rule_value(scenario: Scenario, rule_id: str, value) -> Any:
    """A rule value checked and converted (text from the command line becomes a number for sliders)."""
    rule = scenario.rule(rule_id)
    if rule is None:
        ids = [r.id for r in scenario.rules]
        raise RuleError(f"unknown rule '{shorten(rule_id)}'{suggest(rule_id, ids)}"
                        + (f" (rules: {', '.join(ids)})" if ids else " (this scenario has no rules)"))
    if isinstance(rule, Choice):
        if str(value) not in rule.options:
            raise RuleError(f"rule '{rule_id}' has no choice '{shorten(value)}'{suggest(str(value), rule.options)}"
                            f" (choices: {', '.join(rule.options)})")
        return str(value)
    # What the user typed, as typed ('1e400', not inf), shortened: a value may be a line of junk.
    shown = f"'{shorten(value, 24)}'" if isinstance(value, str) else None
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise RuleError(f"rule '{rule_id}' takes a number from {rule.min:g} to {rule.max:g}, "
                        f"not {shown or what(value)}") from None
    if not (math.isfinite(v) and rule.min - 1e-9 <= v <= rule.max + 1e-9):
        raise RuleError(f"rule '{rule_id}' takes a number from {rule.min:g} to {rule.max:g}, not {shown or f'{v:g}'}")
    if rule.integer:
        if not v.is_integer():
            raise RuleError(f"rule '{rule_id}' takes a whole number, not {v:g}")
        return int(v)
    return v


def apply_rules(scenario: Scenario, values: dict | None) -> Scenario:
    """A new model with these rule values (id -> value) in force; rules not named keep their defaults.

    Raises RuleError for an unknown rule or a value the rule does not offer."""
    if not values:
        return scenario
    raw = copy.deepcopy(dict(scenario.raw))
    for rid, value in values.items():
        v = rule_value(scenario, rid, value)
        for dotted, setting in scenario.rule(rid).assignments(v):
            set_path(raw, dotted, setting)
    return build(raw, scenario.path)


def builtin_dir():
    """The folder of the built-in scenarios (engine.resources: inside the wheel, or the checkout's scenarios/)."""
    from engine.resources import builtin_scenarios

    return builtin_scenarios()
