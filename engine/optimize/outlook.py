"""The rest of the day: what each option at a decision (or a lever pulled mid-day) would give, on the same days.

When a day is stopped at a decision (engine.decisions) or the player moves a lever mid-day, the game shows
what each option gives for the rest of the day, measured the way the results will measure it: on the
scenario's evaluation days (`engine.scoring.evaluation_days`), each day playing what was played so far and
then the option (`played + option`, a day's script, engine.sim.day). The days meet the same callers whatever
the option (common random numbers), so the options' differences are the options', not luck's.

`rest_of_day` runs `engine.sim.run(..., script=played + option)` for each option: the chosen option's
outlook is then the results' figure to the last digit, and its replication 0 is the watched day. Replaying
the morning for each option costs more than copying the day at the decision would, but it is what makes
the figures exact (engine.sim.day's `fork` is the same replay); docs/performance.md says what a call costs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..model import ProcessMap, Scenario
from ..money import Money, money_lines
from ..scoring import evaluation_days


@dataclass(frozen=True)
class Outlook:
    """One option's rest of the day: the KPI means over the evaluation days, their money lines (under the
    rules in force at the end of the day), and replication 0's KPIs (the day the run screen shows)."""

    kpis: dict[str, float]
    money: Money
    watched: dict[str, float]

    @property
    def profit(self) -> float:
        return float(self.kpis.get("profit", float("nan")))


def decision_options(scenario: Scenario, i: int, at: float) -> dict[str, list[tuple]]:
    """The options of event `i`'s decision taken at `at`: {choice_id: [(at, "decide", (i, choice_id))]}."""
    decision = scenario.events[i].decision
    if decision is None:
        raise ValueError(f"event {i} asks no decision")
    return {c.id: [(float(at), "decide", (i, c.id))] for c in decision.choices}


def rules_at_end(scenario: Scenario, rules: Mapping[str, Any] | None, script: Sequence[tuple]) -> dict[str, Any]:
    """The rule values in force at the end of a day that began with `rules` and played `script`: its levers
    pulled and the rules of the choices it took (the money lines read fixed costs and fees under them)."""
    out = {**scenario.default_rules(), **(rules or {})}
    for _, kind, what in script:
        if kind == "rules":
            out.update(what)
        elif kind == "decide":
            decision = scenario.events[what[0]].decision
            if decision is not None:
                out.update(decision.choice(what[1]).rules)
    return out


def rest_of_day(scenario: Scenario, pmap: ProcessMap | None, rules: Mapping[str, Any] | None,
                played: Sequence[tuple], options: Mapping[str, Sequence[tuple]], seed: int | None = None,
                workers: int | None = 1) -> dict[str, Outlook]:
    """{name: Outlook} of each option (changes at the current moment, in the script's form) after `played`,
    on the evaluation days of `seed` (the scenario's own when None). A decision neither played nor in an
    option takes its default. `workers` spreads each option's days over processes (engine.sim.run)."""
    from engine import sim

    day_seed, reps = evaluation_days(scenario, seed)
    out: dict[str, Outlook] = {}
    for name, option in options.items():
        script = [*played, *option]
        result = sim.run(scenario, pmap, rules, replications=reps, seed=day_seed, workers=workers, script=script)
        kpis = result.means()
        out[name] = Outlook(kpis, money_lines(scenario, rules_at_end(scenario, rules, script), kpis),
                            dict(result.per_replication[0]))
    return out
