"""The score's composition: a day's (or the evaluation days' mean) profit as the lines a businessperson reads.

`money_lines(scenario, rules, kpis)` splits revenue and cost into what the KPIs give exactly: the fees paid
at exits and the rest of the revenue (sales on a call, a service's revenue); the fixed costs, the penalties
at exits, what the choices taken at the shocks cost (`decision_cost`), each penalty of the contract under its
own name (`penalty.ID`), and the rest of the cost (staff, money per entity, stock, late deliveries). The lines add up to the revenue, the cost and the profit to the
cent, so every screen, export and command that shows the score can show how it was made.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .model import Scenario

#: Lines smaller than this (in the scenario's currency) are left out: they would read as 0.
SMALLEST_LINE = 0.5


@dataclass(frozen=True)
class Money:
    """Revenue and cost lines, (label, amount) each, and the profit they make."""

    revenue: tuple[tuple[str, float], ...]
    cost: tuple[tuple[str, float], ...]
    penalties: tuple[tuple[str, float], ...]  # the contract's charges: also among `cost`
    profit: float
    currency: str

    def sentence(self, fmt=None) -> str:
        """One line: "Revenue 14,160 − costs 9,400 − penalties 2,650 = profit 2,110 USD"."""
        fmt = fmt or (lambda v: f"{v:,.0f}")
        revenue = sum(v for _, v in self.revenue)
        charged = sum(v for _, v in self.penalties)
        costs = sum(v for _, v in self.cost) - charged
        parts = [f"Revenue {fmt(revenue)}", f"costs {fmt(costs)}"]
        if self.penalties:
            parts.append(f"penalties {fmt(charged)}")
        return " − ".join(parts) + f" = profit {fmt(self.profit)} {self.currency}"


def money_lines(scenario: Scenario, rules: Mapping[str, Any] | None, kpis: Mapping[str, float]) -> Money:
    """The lines of `kpis` (one day's, or the means of the evaluation days) under `rules`."""
    from .rules import apply_rules

    sc = apply_rules(scenario, dict(rules)) if rules and scenario.rules else scenario
    exits = [s for s in sc.steps.values() if s.kind == "exit"]
    fees = sum(kpis.get(f"exits.{s.id}", 0.0) * s.revenue for s in exits)
    at_exits = sum(kpis.get(f"exits.{s.id}", 0.0) * s.penalty for s in exits)
    fixed = sum(sc.fixed_costs.values())
    charges = tuple((p.label, float(kpis.get(f"penalty.{p.id}", 0.0))) for p in sc.penalties)
    revenue, cost = float(kpis.get("revenue", 0.0)), float(kpis.get("cost", 0.0))
    calls = scenario.domain == "call_center"
    rev = (("Fees for work done", fees), ("Sales on the call" if calls else "Other revenue", revenue - fees))
    decided = float(kpis.get("decision_cost", 0.0))  # what the choices taken at the shocks cost
    rest = cost - fixed - at_exits - decided - sum(v for _, v in charges)
    costs = (("Staff and other costs", rest), ("Fixed costs", fixed), ("Penalties at exits", at_exits),
             ("Decisions at the shocks", decided)) + charges
    keep = lambda rows: tuple(r for r in rows if abs(r[1]) >= SMALLEST_LINE)  # noqa: E731
    return Money(keep(rev), keep(costs), keep(charges), float(kpis.get("profit", revenue - cost)), sc.currency)
