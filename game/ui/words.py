"""KPIs in a player's words: names, values with their units, and targets, for the game's screens.

The command line prints KPIs for analysts; here they are for a visitor at a stand: "Hang-ups 4.2 %",
"Answered within 20 s", "Profit 4,060 USD". Values are shown, never changed: what a screen prints is the
engine's number, rounded for display.

The score is the profit (engine.scoring), so the KPI `score` is never shown on its own (`SHOWN` leaves it
out); a contract's penalty (`penalty.ID`) is money, under the penalty's own label.
"""
from __future__ import annotations

import math

from engine.model import SHARE_KPIS

SHARES = SHARE_KPIS  # shown in %
MONEY = ("revenue", "cost", "profit", "penalty", "decision_cost")
HIDDEN = ("score",)  # the same number as the profit: a screen shows the profit


def shown(names) -> list[str]:
    """`names` without the KPIs a screen never shows (the `score`, which is the profit)."""
    return [n for n in names if n.split(".")[0] not in HIDDEN]
TIMES = ("mean_wait", "asa", "mean_time_in_system")

UNIT_SECONDS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}


def duration(value: float, unit: str) -> str:
    """A duration in the scenario's unit, said in the unit a person would use: 0.33 minute -> '20 s'."""
    if value is None or not math.isfinite(value):
        return "–"
    s = value * UNIT_SECONDS.get(unit, 60.0)
    if s < 90:
        return f"{s:.0f} s"
    if s < 90 * 60:
        return f"{s / 60:.1f} min"
    if s < 48 * 3600:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"


def label(name: str, scenario) -> str:
    """A KPI's name for a screen."""
    base, _, part = name.partition(".")
    calls = scenario.domain == "call_center"
    if base == "utilization":
        pool = scenario.resources.get(part)
        return f"{pool.label if pool and pool.label else part} busy"
    if base == "penalty":
        charge = next((p for p in scenario.penalties if p.id == part), None)
        return charge.label if charge is not None and charge.label else part.replace("_", " ").capitalize()
    if base == "exits":
        step = scenario.steps.get(part)
        return step.label if step and step.label else part
    if base == "service_level":
        return f"Answered in {duration(scenario.run.service_level_wait, scenario.time.unit)}" if calls \
            else f"Served in {duration(scenario.run.service_level_wait, scenario.time.unit)}"
    return {
        "score": "Profit", "profit": "Profit", "revenue": "Revenue", "cost": "Cost",
        "abandon_rate": "Hang-ups" if calls else "Abandoned", "abandoned": "Hung up" if calls else "Abandoned",
        "asa": "Average wait to answer" if calls else "Average wait for service",
        "mean_wait": "Average wait", "p_wait": "Had to wait", "arrivals": "Arrivals", "completed": "Completed",
        "lost": "Lost", "mean_time_in_system": "Time on the line" if calls else "Time to finish", "on_time_rate": "On time",
        "fill_rate": "Fill rate", "stockouts": "Stock-outs", "backorders": "Backorders",
    }.get(base, name.replace("_", " ").capitalize())


def value(name: str, v: float, scenario, signed: bool = False) -> str:
    """A KPI value with its unit: shares in %, money with the currency, times in s/min/h."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    base = name.split(".")[0]
    if base in SHARES:
        return f"{v * 100:+.1f} %" if signed else f"{v * 100:.1f} %"
    if base in MONEY:
        return f"{v:+,.0f} {scenario.currency}" if signed else f"{v:,.0f} {scenario.currency}"
    if base in TIMES:
        return duration(v, scenario.time.unit)
    if base == "score":  # the profit, should a caller still name it so
        return value("profit", v, scenario, signed)
    return f"{v:+,.0f}" if signed else f"{v:,.0f}"


def option_name(option: str) -> str:
    """A choice lever's option as a person says it: `virtual_agent` -> 'Virtual agent'."""
    return str(option).replace("_", " ").capitalize()


def lever_value(rule, v) -> str:
    """A lever's value as the rules screen shows it: a slider's number with its unit ('36 reps'), a
    choice's option by name ('Speech')."""
    if rule.kind == "slider":
        return f"{v:g} {rule.unit}".strip() if isinstance(v, (int, float)) else str(v)
    return option_name(v)


def port_name(port: str) -> str:
    """A port's name as a person says it: `needs_agent` -> 'needs agent'."""
    return str(port).replace("_", " ").replace(".", " ").strip()


#: What a run of so many days is called, when the scenario's horizon is a whole number of days.
SPANS = {1: "day", 7: "week", 14: "fortnight"}


def horizon_noun(scenario) -> str:
    """What one of the scenario's runs is: 'day' up to 24 hours, 'week' for 7 days, 'fortnight' for 14,
    else 'N days' (the horizon read from `time.horizon` in the scenario's unit)."""
    hours = float(scenario.time.horizon) * scenario.time.hours_per_unit
    if hours <= 24 + 1e-9:
        return "day"
    days = hours / 24
    n = round(days)
    if abs(days - n) > 1e-6:
        return f"{days:.1f} days"
    return SPANS.get(n, f"{n} days")


def horizon_title(scenario) -> str:
    """'The day', 'The week', 'The fortnight' or 'The 3 days': the run's title on a screen."""
    return f"The {horizon_noun(scenario)}"


def run_plural(scenario) -> str:
    """Several of the scenario's runs: 'days', 'fortnights'; 'runs' where one run is '3 days'."""
    span = horizon_noun(scenario)
    return f"{span}s" if " " not in span else "runs"


def per_run(scenario) -> str:
    """'a day', 'a fortnight': what a sum of money on a screen (a mean over the evaluation runs) is for."""
    span = horizon_noun(scenario)
    return f"a {span}" if " " not in span else f"per {span.replace(' days', '-day')} run"


def evaluation_runs(scenario, n: int | None = None) -> str:
    """'the 10 evaluation days', 'the 10 evaluation fortnights' (`n`, by default the scenario's
    `run.replications`): what every profit and KPI on a screen is measured on."""
    n = scenario.run.replications if n is None else n
    if n == 1:
        span = horizon_noun(scenario)
        return f"the evaluation {span if ' ' not in span else 'run'}"
    return f"the {n} evaluation {run_plural(scenario)}"


def higher_is_better(name: str) -> bool:
    base = name.split(".")[0]
    return base not in ("abandon_rate", "abandoned", "lost", "mean_wait", "asa", "p_wait", "cost", "penalty",
                        "mean_time_in_system", "stockouts", "backorders")


def target_text(target, scenario) -> str:
    """'at least 80.0 %', 'at most 5.0 %', 'between ... and ...'."""
    lo = value(target.kpi, target.min, scenario) if target.min is not None else None
    hi = value(target.kpi, target.max, scenario) if target.max is not None else None
    if lo and hi:
        return f"between {lo} and {hi}"
    return f"at least {lo}" if lo else f"at most {hi}"


def target_short(target, scenario) -> str:
    """'≥ 80 %' for a compact badge."""
    lo = value(target.kpi, target.min, scenario) if target.min is not None else None
    hi = value(target.kpi, target.max, scenario) if target.max is not None else None
    if lo and hi:
        return f"{lo} – {hi}"
    return f"≥ {lo}" if lo else f"≤ {hi}"
