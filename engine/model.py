"""The typed, immutable model of a scenario: what the engine simulates and the screens show.

`engine.format.builder` builds these from a checked YAML file; nothing here knows about YAML. Every class
is a frozen dataclass, and every mapping a read-only `MappingProxyType`, so a model can be shared between
the game, the engine and worker processes without anyone changing it under the others' feet. To try other
rule values, `engine.rules.apply_rules` builds a new model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from .distributions import Distribution

if TYPE_CHECKING:
    from .decisions import Decision

#: Hours in one unit of scenario time: staff cost is per hour, every other duration in the file's unit.
HOURS_PER_UNIT = {"second": 1 / 3600, "minute": 1 / 60, "hour": 1.0, "day": 24.0}
DOMAINS = ("call_center", "supply_chain", "logistics", "generic")
OUTCOMES = ("completed", "abandoned", "lost")


def frozen_map(d: Mapping | None = None) -> Mapping:
    """A read-only view of a fresh dict: the model's mappings cannot be changed after loading."""
    return MappingProxyType(dict(d or {}))


# ---- What flows, and who works on it


@dataclass(frozen=True, slots=True)
class Attribute:
    """A categorical property drawn once when an entity is created (a caller's `need`)."""

    name: str
    values: tuple[str, ...]
    probs: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class EntityType:
    """A kind of thing that flows through the process: callers, orders, service requests."""

    id: str
    label: str
    attributes: tuple[Attribute, ...] = ()
    patience: Distribution | None = None  # longest wait in a queue before abandoning

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True, slots=True)
class Pool:
    """A pool of interchangeable people, machines or vehicles.

    `skills` None means the pool serves any skill. `schedule` is a tuple of (from_time, count) pieces; when
    it is set it overrides `count` from each piece's time on.
    """

    id: str
    label: str
    count: int
    cost_per_hour: float = 0.0
    skills: tuple[str, ...] | None = None
    schedule: tuple[tuple[float, int], ...] | None = None

    def serves(self, skill: str | None) -> bool:
        return skill is None or self.skills is None or skill in self.skills

    def staffing(self) -> tuple[tuple[float, int], ...]:
        """The count as (from_time, count) pieces starting at time 0."""
        if not self.schedule:
            return ((0.0, self.count),)
        pieces = list(self.schedule)
        if pieces[0][0] > 0:
            pieces.insert(0, (0.0, self.count))
        return tuple(pieces)


# ---- Steps: the cards of the palette. Each has output ports; an edge leaves a step through one port.


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    label: str

    kind = "step"

    @property
    def ports(self) -> tuple[str, ...]:
        return ()

    @property
    def optional_ports(self) -> tuple[str, ...]:
        """Ports that may stay unconnected (an unconnected `abandoned` port ends as abandoned)."""
        return ()


@dataclass(frozen=True, slots=True)
class Source(Step):
    """Where entities arrive, as a Poisson process with a piecewise-constant rate per time unit."""

    entity: str = ""
    rate: tuple[tuple[float, float], ...] = ((0.0, 1.0),)  # (from_time, rate) pieces, first at 0

    kind = "source"

    @property
    def ports(self):
        return ("out",)


@dataclass(frozen=True, slots=True)
class Delay(Step):
    """A step that takes time but no resource (self-service, travel, an IVR menu)."""

    duration: Distribution = Distribution.constant(0)
    cost_per_entity: float = 0.0

    kind = "delay"

    @property
    def ports(self):
        return ("out",)


@dataclass(frozen=True, slots=True)
class Branch(Step):
    """A random split: each entity leaves through one branch with its probability (`rest` resolved)."""

    branches: tuple[tuple[str, float], ...] = ()

    kind = "branch"

    @property
    def ports(self):
        return tuple(name for name, _ in self.branches)


@dataclass(frozen=True, slots=True)
class Route(Step):
    """A split by an attribute's value: one port per value of that attribute."""

    by: str = ""
    values: tuple[str, ...] = ()

    kind = "route"

    @property
    def ports(self):
        return self.values


@dataclass(frozen=True, slots=True)
class Revenue:
    """Money an entity may bring at a service (a cross-sell): `chance` by pool, `amount` each time."""

    chance: Mapping[str, float]
    amount: float


@dataclass(frozen=True, slots=True)
class Service(Step):
    """Work done by one unit of a pool, after a wait in this step's queue.

    `pools` are tried in order; `skill` (if any) must be among a pool's skills for it to serve here.
    `priority` is (attribute, ordered values): earlier values are served first. `resolve` and the revenue
    chance are given per pool (a single number in the file applies to every pool).
    """

    pools: tuple[str, ...] = ()
    skill: str | None = None
    duration: Distribution = Distribution.constant(0)
    duration_by_pool: Mapping[str, Distribution] = field(default_factory=frozen_map)
    priority: tuple[str, tuple[str, ...]] | None = None
    resolve: Mapping[str, float] = field(default_factory=frozen_map)  # pool -> probability; {} = 1
    revenue: Revenue | None = None
    overflow_after: float | None = None
    cost_per_entity: float = 0.0
    patience_port: bool = False  # some entity of the scenario has patience

    kind = "service"

    def duration_for(self, pool: str) -> Distribution:
        return self.duration_by_pool.get(pool, self.duration)

    def resolve_for(self, pool: str) -> float:
        return self.resolve.get(pool, 1.0)

    @property
    def ports(self):
        ports = ["done"]
        if any(p < 1 for p in self.resolve.values()):
            ports.append("unresolved")
        if self.overflow_after is not None:
            ports.append("overflow")
        if self.patience_port:
            ports.append("abandoned")
        return tuple(ports)

    @property
    def optional_ports(self):
        return ("abandoned",) if self.patience_port else ()


@dataclass(frozen=True, slots=True)
class Policy:
    """A replenishment policy: `sS` (order up to S when at or below s), `rQ` (order Q when the
    inventory position is at or below r), `base_stock` (order what was used, up to S)."""

    type: str
    s: float = 0.0  # reorder level: s for sS, r for rQ, S - 1 for base_stock
    S: float = 0.0  # order-up-to level (sS, base_stock)
    Q: float = 0.0  # order quantity (rQ)
    # base_stock with a forecast: the level is S + cover x the demand per time unit, smoothed at each review
    forecast_smoothing: float = 0.0
    forecast_cover: float = 0.0
    forecast_initial: float = 0.0  # the forecast before the first review


@dataclass(frozen=True, slots=True)
class Inventory(Step):
    """A stock point: each entity takes one unit; stock is replenished by a policy after a lead time."""

    initial: float = 0.0
    policy: Policy = Policy("base_stock")
    review_period: float | None = None  # None = continuous review
    lead_time: Distribution = Distribution.constant(0)
    supplier: str | None = None  # another inventory step, or None for an outside supplier
    unit_cost: float = 0.0
    order_cost: float = 0.0
    holding_cost: float = 0.0  # per unit on the shelf per time unit
    when_out: str = "backorder"  # or "lost"

    kind = "inventory"

    @property
    def ports(self):
        return ("ok", "out") if self.when_out == "lost" else ("ok",)


@dataclass(frozen=True, slots=True)
class Batch(Step):
    """Entities wait until `size` are together (or the first has waited `max_wait`), then move on."""

    size: int = 1
    max_wait: float | None = None
    cost_per_batch: float = 0.0

    kind = "batch"

    @property
    def ports(self):
        return ("out",)


@dataclass(frozen=True, slots=True)
class Late:
    after: float
    penalty: float


@dataclass(frozen=True, slots=True)
class Exit(Step):
    """Where entities leave: with an outcome, money earned, a penalty, and a late penalty."""

    outcome: str = "completed"
    revenue: float = 0.0
    penalty: float = 0.0
    late: Late | None = None

    kind = "exit"


STEP_KINDS: Mapping[str, type[Step]] = frozen_map(
    {c.kind: c for c in (Source, Delay, Branch, Route, Service, Inventory, Batch, Exit)}
)


# ---- Maps


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """`src.port -> dst`: entities leaving `src` through `port` go on to `dst`."""

    src: str
    port: str
    dst: str

    def __str__(self) -> str:
        return f"{self.src}.{self.port} -> {self.dst}"


@dataclass(frozen=True, slots=True)
class Line:
    """One thing an advisor says (a briefing line, an event's `say`, a hint)."""

    advisor: str
    text: str


@dataclass(frozen=True, slots=True)
class ProcessMap:
    """A map: the edges placed on the board, and optionally where the cards stand on screen."""

    edges: tuple[Edge, ...]
    layout: Mapping[str, tuple[float, float]] = field(default_factory=frozen_map)
    scenario: str | None = None

    @property
    def steps(self) -> tuple[str, ...]:
        """Every step the map places, in first-seen order."""
        seen: dict[str, None] = {}
        for e in self.edges:
            seen.setdefault(e.src)
            seen.setdefault(e.dst)
        for s in self.layout:
            seen.setdefault(s)
        return tuple(seen)

    def target(self, src: str, port: str) -> str | None:
        return next((e.dst for e in self.edges if e.src == src and e.port == port), None)


# ---- Levers, shocks, scoring, people


@dataclass(frozen=True, slots=True)
class Slider:
    """A lever with a number: `sets` each of `paths` to the chosen value."""

    id: str
    label: str
    paths: tuple[str, ...]
    min: float
    max: float
    step: float
    default: float
    unit: str = ""
    integer: bool = True

    kind = "slider"

    def values(self) -> tuple[float, ...]:
        n = int(round((self.max - self.min) / self.step))
        out = [self.min + i * self.step for i in range(n + 1)]
        return tuple(int(round(v)) if self.integer else round(v, 10) for v in out)

    def assignments(self, value) -> tuple[tuple[str, Any], ...]:
        return tuple((p, value) for p in self.paths)


@dataclass(frozen=True, slots=True)
class Choice:
    """A lever with named options: each option sets some paths to values."""

    id: str
    label: str
    default: str
    options: Mapping[str, tuple[tuple[str, Any], ...]]

    kind = "choice"

    def values(self) -> tuple[str, ...]:
        return tuple(self.options)

    def assignments(self, value) -> tuple[tuple[str, Any], ...]:
        return self.options[value]


Rule = Slider | Choice


@dataclass(frozen=True, slots=True)
class Event:
    """A scripted shock: at `at`, `scale` multiplies and `set` assigns, for `duration`; a `decision` asks what to do."""

    at: float
    duration: float | None = None
    scale: tuple[tuple[str, float], ...] = ()
    set: tuple[tuple[str, Any], ...] = ()
    say: Line | None = None
    decision: Decision | None = None


@dataclass(frozen=True, slots=True)
class Target:
    kpi: str
    min: float | None = None
    max: float | None = None

    def met(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True, slots=True)
class Objective:
    """The goals of a scenario. Its score is the profit (the contract's charges are `Penalty` lines)."""

    targets: tuple[Target, ...] = ()


#: KPIs that are shares between 0 and 1, by base name (`utilization.senior`): shown in %, counted in points.
SHARE_KPIS = ("abandon_rate", "p_wait", "service_level", "on_time_rate", "fill_rate", "utilization")


@dataclass(frozen=True, slots=True)
class Penalty:
    """A charge of the contract, a named cost line of every day: `amount` for each `unit` of the KPI (a
    hang-up, a cancelled order), or of how far it falls `below` or rises `above` a threshold (a
    service-level clause: `unit` 0.01, a percentage point). Its money is the KPI `penalty.ID`."""

    id: str
    label: str
    kpi: str
    amount: float
    unit: float = 1.0
    below: float | None = None
    above: float | None = None
    help: str = ""

    def charge(self, value: float) -> float:
        """The money this penalty costs a day whose KPI is `value` (never negative; NaN counts nothing)."""
        units = (self.below - value if self.below is not None else
                 value - self.above if self.above is not None else value)
        return self.amount * units / self.unit if units > 0 else 0.0  # NaN > 0 is False


@dataclass(frozen=True, slots=True)
class Advisor:
    id: str
    name: str
    role: str = ""
    portrait: str | None = None
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class TimeSpec:
    unit: str = "minute"
    horizon: float = 480.0
    warmup: float = 0.0
    close: str = "drain"  # or "cutoff"
    clock_start: str = "00:00"

    @property
    def hours_per_unit(self) -> float:
        return HOURS_PER_UNIT[self.unit]


@dataclass(frozen=True, slots=True)
class RunSpec:
    replications: int = 10
    seed: int = 1
    service_level_wait: float = 0.0


@dataclass(frozen=True, slots=True)
class Kiosk:
    round_seconds: float = 180.0
    attempts: int = 3


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole scenario, loaded and validated. `raw` is the plain data it was built from."""

    id: str
    title: str
    summary: str
    domain: str
    currency: str
    time: TimeSpec
    run: RunSpec
    entities: Mapping[str, EntityType]
    resources: Mapping[str, Pool]
    steps: Mapping[str, Step]
    reference: ProcessMap
    alternatives: tuple[ProcessMap, ...]
    start_map: ProcessMap
    hints: Mapping[Edge, tuple[Line, ...]]
    rules: tuple[Rule, ...]
    events: tuple[Event, ...]
    objective: Objective
    fixed_costs: Mapping[str, float]
    advisors: Mapping[str, Advisor]
    briefing: tuple[Line, ...]
    kiosk: Kiosk
    raw: Mapping[str, Any] = field(default_factory=frozen_map, compare=False, repr=False)
    path: str | None = None
    penalties: tuple[Penalty, ...] = ()

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def default_rules(self) -> dict[str, Any]:
        return {r.id: r.default for r in self.rules}

    def kpi_names(self) -> tuple[str, ...]:
        """Every KPI name this scenario's runs report, parts included (`utilization.senior`)."""
        names = list(BASE_KPIS)
        names += [f"utilization.{p}" for p in self.resources]
        names += [f"exits.{s.id}" for s in self.steps.values() if s.kind == "exit"]
        names += [f"mean_on_hand.{s.id}" for s in self.steps.values() if s.kind == "inventory"]
        names += [f"penalty.{p.id}" for p in self.penalties]
        names += ["decision_cost"] if any(e.decision for e in self.events) else []  # what choices cost
        return tuple(names)


#: KPI names without a part, in the order the contract lists them (and the CLI prints them).
BASE_KPIS = (
    "arrivals", "completed", "abandoned", "lost", "abandon_rate", "p_wait", "mean_wait", "asa",
    "service_level", "mean_time_in_system", "on_time_rate", "revenue", "cost", "profit", "fill_rate",
    "stockouts", "backorders", "score",
)
