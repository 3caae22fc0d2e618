"""The state of one round of play, passed from scene to scene.

A round is one scenario played from briefing to results: the player's map (with where the cards stand),
the map attempts, the rule values, and the outcome of the run. Scenes read and change it; the engine
computes everything from it. Nothing here draws.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.model import Edge, ProcessMap, Scenario, frozen_map


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
    extra: dict[str, Any] = field(default_factory=dict)  # what a scene keeps for later scenes

    def __post_init__(self):
        if not self.rules:
            self.rules = self.scenario.default_rules()
        if not self.edges:
            self.edges = list(self.scenario.start_map.edges)

    @property
    def pmap(self) -> ProcessMap:
        """The player's map as the engine takes it."""
        return ProcessMap(tuple(self.edges), frozen_map(self.layout), self.scenario.id)

    @property
    def run_seed(self) -> int:
        return self.scenario.run.seed if self.seed is None else self.seed
