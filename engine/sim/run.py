"""Runs: many replications of a day, their KPIs per replication, means and 95 % half-widths.

Replication r uses the seed's child r (engine.sim.rng), so replication r of two runs with the same seed
meets the same entities whatever the rules, and the replications can be spread over processes
(engine.sim.parallel) with the same numbers, to the last digit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from engine.model import ProcessMap, Scenario

from .parallel import replicate
from .plan import compile_for
from .stats import summarize


@dataclass
class RunResult:
    """KPIs of a run: one dict per replication, and {name: (mean, 95 % half-width)}."""

    scenario: str
    seed: int
    replications: int
    rules: dict[str, Any]
    names: tuple[str, ...]
    per_replication: list[dict[str, float]]
    summary: dict[str, tuple[float, float]] = field(default_factory=dict)

    def mean(self, name: str) -> float:
        return self.summary[name][0]

    def ci95(self, name: str) -> float:
        return self.summary[name][1]

    def means(self) -> dict[str, float]:
        return {k: v[0] for k, v in self.summary.items()}

    def to_json(self) -> dict[str, Any]:
        """The `--json` shape of the contract."""
        return {"scenario": self.scenario, "replications": self.replications, "seed": self.seed,
                "rules": self.rules,
                "kpis": {k: {"mean": m, "ci95": h} for k, (m, h) in self.summary.items()}}


def run(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
        replications: int | None = None, seed: int | None = None,
        progress: Callable[[int, int], None] | None = None, workers: int | None = 1,
        work_limit: bool = True, script: Sequence[tuple] = ()) -> RunResult:
    """Simulate `replications` days (the scenario's `run.replications` by default) of the scenario with
    a map (the reference by default) and rule values (the defaults by default).

    Replication r uses the seed's child r, so replication r of two runs with the same seed meets the same
    entities whatever the rules. `progress(done, total)` is called after each replication. `workers`
    spreads replications over processes (None: every core; see engine.sim.parallel), with the same numbers.
    `work_limit=False` lets a day go on past its work limit (engine.budget; the command line's
    --no-work-limit); it is stopped with WorkLimitExceeded otherwise. Every replication plays `script`,
    the changes made to a day after it began (engine.sim.day): levers pulled and decisions taken, in time
    order; a decision it does not take takes its default.
    """
    all_rules = scenario.default_rules()
    all_rules.update(rules or {})
    plan = compile_for(scenario, pmap, rules)
    if not work_limit:
        plan.work_limit = 0
    reps = scenario.run.replications if replications is None else int(replications)
    seed = scenario.run.seed if seed is None else int(seed)
    per_rep = replicate(scenario, rules, seed, plan, reps, workers, progress, script)
    names = plan.scenario.kpi_names()
    return RunResult(scenario=scenario.id, seed=seed, replications=reps, rules=all_rules, names=names,
                     per_replication=per_rep, summary=summarize(per_rep, names))
