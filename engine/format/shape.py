"""The shape of a scenario file, declared once: every key, its type and range, and what it means.

`FORMAT` is built from the `engine.format.spec` combinators, which give both the first pass of the check
(`FORMAT.check`: every value against the declared shape, each problem at its place) and the JSON Schema
editors use (`json_schema`, `python main.py schema`). The few shapes the combinators do not say well
(a distribution, an edge's text, an advisor's line, a priority, a slider or a choice) are `Custom` specs
with a function of their own. What needs more than one place of the file is the second pass
(`engine.format.checks`).

The ceilings here (`MAX_AMOUNT`, `MAX_TIME`, `MAX_RATE`, `MAX_COUNT`) say why each exists where it is set.
"""
from __future__ import annotations

import re

from ..distributions import KINDS as DIST_KINDS, PARAMETERS, Distribution, parse_params
from ..model import DOMAINS, HOURS_PER_UNIT, OUTCOMES, Edge
from ..words import suggest, what
from .raw import is_scalar
from .spec import Checker, Custom, DictOf, Enum, Field, ListOf, Map, Num, Prob, Tagged, Text, Tuple, Union, label

FORMAT_VERSION = 1
MAX_COUNT = 100000  # units in a pool, written or made by an event's scale

# ==================================================================================================
# Values

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


# --- distributions (their written form is engine.distributions.parse_params') ----------------------

def _check_dist(value, path, ck: Checker) -> bool:
    if is_scalar(value) and not isinstance(value, str):
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
    if kind not in PARAMETERS:
        ck.error(path + (kind,), f"unknown distribution '{kind}'{suggest(kind, DIST_KINDS)} "
                                 f"(one of {', '.join(DIST_KINDS)})", at="key")
        return False
    try:
        parse_params(kind, params)
    except ValueError as e:
        # At the parameter the message is about ({mean: 4, sd: 1e308}: at the sd) when there is one.
        named = [n for n in PARAMETERS[kind] if str(e).startswith(f"{kind} {n} ") and isinstance(params, dict)
                 and n in params]
        ck.error(path + (kind,) + tuple(named[:1]), f"{label(path)}: {e}")
        return False
    return True


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


def edge_of(item):
    """The Edge of a map item (text, or {edge: text, hint: ...}), or None when it is not one."""
    text = item.get("edge") if isinstance(item, dict) else item
    try:
        return parse_edge(text)
    except ValueError:
        return None


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
    if not isinstance(order, list) or not order or not all(is_scalar(v) for v in order):
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
DECISION_CHOICE = Map({
    "id": Field(ID, True), "label": Field(TEXT, True, "the button, short"),
    "say": Field(TEXT, doc="one line saying what the choice means"),
    "cost": Field(COST, doc="one-off money when it is taken (the KPI decision_cost)"),
    "scale": Field(DictOf(NONNEG, key=PATH), doc="path -> factor, as an event's"),
    "set": Field(DictOf(Custom(lambda v, p, ck: True, {}, "a value"), key=PATH), doc="path -> value, as an event's"),
    "for": Field(Num(0, positive=True), doc="how long scale and set last from the decision (default: the rest of the day)"),
    "rules": Field(DictOf(Custom(lambda v, p, ck: True, {}, "a value"), key=ID), doc="rule id -> value from the decision on"),
}, title="choice of a decision")
DECISION = Map({
    "ask": Field(LINE, doc="the advisor who asks, and the question"),
    "seconds": Field(Num(3, 60), doc="the kiosk's timer before it takes the default (default 12)"),
    "default": Field(ID, True, "the choice taken when nobody chooses"),
    "choices": Field(ListOf(DECISION_CHOICE, min_items=2, max_items=3), True, "2 or 3 choices"),
}, title="decision")
EVENT = Map({
    "at": Field(NONNEG, True, "when it happens"), "for": Field(Num(0, positive=True), doc="how long it lasts"),
    "scale": Field(DictOf(NONNEG, key=PATH), doc="path -> factor"),
    "set": Field(DictOf(Custom(lambda v, p, ck: True, {}, "a value"), key=PATH), doc="path -> value"),
    "say": Field(LINE, doc="what an advisor says when it happens"),
    "decision": Field(DECISION, doc="what an advisor asks the player to do about it"),
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
        "score": Field(Union((TEXT, Num())), doc="always profit: the score is money; write charges under penalties"),
        "targets": Field(DictOf(Map({"min": Field(Num()), "max": Field(Num())}, title="target"), key=KPI_NAME)),
    }, title="objective"), True),
    "fixed_costs": Field(DictOf(COST, open_keys=True)),
    "penalties": Field(DictOf(Map({
        "label": Field(TEXT), "help": Field(TEXT),
        "kpi": Field(KPI_NAME, True, "the KPI the charge counts, such as abandoned or service_level"),
        "per_unit": Field(COST, doc="money for each unit of the KPI (or of its distance below or above the threshold)"),
        "per_point": Field(COST, doc="money for each percentage point of a share KPI (or of its distance past the threshold)"),
        "below": Field(Num(), doc="only the part of the KPI below this counts (a service-level clause)"),
        "above": Field(Num(), doc="only the part of the KPI above this counts"),
    }, title="penalty"), key=ID)),
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
