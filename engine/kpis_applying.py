"""Which KPIs mean something for a scenario: the one answer the board, the results sheet and the debrief ask.

Every run reports every KPI of the contract (`Scenario.kpi_names`), so a help desk without a shelf still
reports a fill rate of 100 % and, without due times, an on-time rate of 100 %: numbers true by default,
which say nothing. A KPI *applies* when the scenario has what produces it:

- the stock KPIs (`fill_rate`, `stockouts`, `backorders`, `mean_on_hand.STEP`): an inventory step;
- `on_time_rate`: an exit with a due time (`late:`);
- giving up (`abandon_rate`, `abandoned`): a kind of entity with patience, or an exit for those who gave up;
- `lost`: an exit whose outcome is `lost` (a lost sale, a refused job);
- waiting (`service_level`, `asa`, `p_wait`, `mean_wait`): a service step, where a queue forms;
- `utilization.POOL`: that pool; `exits.STEP`: that exit; `penalty.ID`: that charge; `decision_cost`: a
  decision at a shock;
- the rest (`arrivals`, `completed`, `mean_time_in_system`, `revenue`, `cost`, `profit`, `score`) always.

Whatever the scenario's targets or its contract's penalties name applies too, whatever its steps are:
a scenario that sets a target on a KPI says that KPI matters. It reads only the scenario (no run), so the
command line and every screen get the same answer.
"""
from __future__ import annotations

from typing import Iterable

__all__ = ["applies", "applying"]

STOCK = ("fill_rate", "stockouts", "backorders", "mean_on_hand")
WAITING = ("service_level", "asa", "p_wait", "mean_wait")
GIVING_UP = ("abandon_rate", "abandoned")


def _kinds(scenario) -> dict[str, list]:
    out: dict[str, list] = {}
    for step in scenario.steps.values():
        out.setdefault(step.kind, []).append(step)
    return out


def _named(scenario) -> set[str]:
    """The KPIs the scenario names itself: its targets' and its penalties'."""
    return {t.kpi for t in scenario.objective.targets} | {p.kpi for p in scenario.penalties}


def applies(scenario, name: str) -> bool:
    """Whether the KPI `name` (`fill_rate`, `utilization.agents`) means something for `scenario`."""
    if name in _named(scenario):
        return True
    base, _, part = name.partition(".")
    steps = _kinds(scenario)
    exits = steps.get("exit", [])
    if base in STOCK:
        return bool(steps.get("inventory")) and (not part or part in scenario.steps)
    if base == "on_time_rate":
        return any(s.late is not None for s in exits)
    if base in GIVING_UP:
        return (any(e.patience is not None for e in scenario.entities.values())
                or any(s.outcome == "abandoned" for s in exits))
    if base == "lost":
        return any(s.outcome == "lost" for s in exits)
    if base in WAITING:
        return bool(steps.get("service"))
    if base == "utilization":
        return part in scenario.resources
    if base == "exits":
        return any(s.id == part for s in exits)
    if base == "penalty":
        return any(p.id == part for p in scenario.penalties)
    if base == "decision_cost":
        return any(e.decision is not None for e in scenario.events)
    return True


def applying(scenario, names: Iterable[str]) -> list[str]:
    """`names` (in their order, once each) that apply to `scenario`."""
    return [n for n in dict.fromkeys(names) if applies(scenario, n)]
