"""The state of one round of play, passed from scene to scene.

A round is one scenario played from briefing to results: the player's map (with where the cards stand),
the map attempts, the rule values, what the watched day left, and the outcome of the run. Scenes read and
change it; the engine computes everything from it. Nothing here draws.

Every field is declared here, with the module that writes it, so a reader finds who hands what to whom:
the flow keeps the phase and forgets an outcome the map or the rules may have changed; the run screen
(game.scenes.run) leaves the watched day's read-outs and, when the day could not finish, why; the
outcome (game.play.outcome) is kept once tallied; a mode keeps what it did with the round (recorded for a
team, a lead saved).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.model import Edge, ProcessMap, Scenario, frozen_map

if TYPE_CHECKING:  # pragma: no cover
    from game.play.outcome import Outcome


@dataclass
class Round:
    """One scenario being played."""

    scenario: Scenario
    seed: int | None = None  # the day's seed (a daily challenge), None for the scenario's own
    edges: list[Edge] = field(default_factory=list)  # the player's map
    layout: dict[str, tuple[float, float]] = field(default_factory=dict)  # card positions, logical px
    attempts: Any = None  # engine.maps.Attempts, made by the map scene
    map_score: int = 0  # 0-100, the best attempt's
    rules: dict[str, Any] = field(default_factory=dict)  # rule id -> value chosen by the player
    result: Any = None  # what the run returned (KPIs per replication, summary)
    day: Any = None  # the engine Day being watched, for the run scene
    phase: str | None = None  # the flow's phase on screen ("briefing" ... "results")
    # --- left by the run screen (game.scenes.run's docstring says what each holds) ---------------------
    run_error: str | None = None  # why the day could not run, finish or be tallied
    day_unfinished: bool = False  # the watched day could not finish: no results run was made
    timeline: dict[str, list] | None = None  # the watched day by clock hour (or by day)
    watched_kpis: dict[str, float] | None = None  # the watched day's own KPIs (Day.kpis())
    rule_changes: list[tuple] = field(default_factory=list)  # (sim_time, rule_id, old, new) mid-day
    start_rules: dict[str, Any] | None = None  # the rules the watched day began with (None: no day yet)
    played: list[tuple] = field(default_factory=list)  # the watched day's script (engine.sim.Day.played)
    # [(sim_time, event_index, chosen_id, {choice_id: forecast profit})]: the decisions taken, in order
    decisions: list[tuple] = field(default_factory=list)
    changes_made: int = 0  # mid-day rule changes the player made (one per change, however the slider moved)
    # --- the outcome, once tallied (game.play.outcome) ---------------------------------------------------
    outcome: Outcome | None = None
    # --- what a mode did with the round --------------------------------------------------------------
    recorded: Any = None  # the workshop's record of it for the team (game.data.store.RoundRecord)
    save_failed: str | None = None  # the workshop could not keep it: the sentence the screen shows
    lead_saved: bool = False  # the kiosk's visitor left their details after it

    def __post_init__(self):
        if not self.rules:
            self.rules = self.scenario.default_rules()
        if not self.edges:
            self.edges = list(self.scenario.start_map.edges)

    @property
    def pmap(self) -> ProcessMap:
        """The player's map as the engine takes it."""
        return ProcessMap(tuple(self.edges), frozen_map(self.layout), self.scenario.id)

    def forget_day(self) -> None:
        """A phase before the run: the day as played no longer holds (the run starts a new one)."""
        self.start_rules, self.played, self.decisions, self.changes_made = None, [], [], 0

    @property
    def measured_rules(self) -> dict[str, Any]:
        """The rules the results run begins with: the watched day's start rules, else the round's."""
        return dict(self.start_rules if self.start_rules is not None else self.rules)

    @property
    def script(self) -> tuple:
        """What the results run plays on top of `measured_rules`: the watched day's script (empty before a day)."""
        return tuple(self.played) if self.start_rules is not None else ()

    @property
    def run_seed(self) -> int:
        return self.scenario.run.seed if self.seed is None else self.seed
