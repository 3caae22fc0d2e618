"""What a scenario sets for the kiosk (its `kiosk:` section), and the scenario a kiosk round plays.

`Kiosk`: the round's clock (`round_seconds`, 180 by default), the map's attempts (3), and where a kiosk
round's map starts (`start_map`: most of the expert's links given, a handful left to place, so that a
stranger finishes the map in a minute; None means the scenario's own `start_map`).

`kiosk_scenario(scenario)` is the scenario a kiosk round plays: the same in every way but its `start_map`,
which is the kiosk's. The map is then scored as every map is (engine.maps.compare_map): the start map's
links that the player left in place and the expert map also has are given, not earned, and count on
neither side, so the score is the player's own links against the expert's remaining ones.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .model import ProcessMap, Scenario


@dataclass(frozen=True, slots=True)
class Kiosk:
    round_seconds: float = 180.0
    attempts: int = 3
    start_map: ProcessMap | None = None  # a kiosk round's map starts here (None: the scenario's start_map)


def kiosk_scenario(scenario: Scenario) -> Scenario:
    """`scenario` as a kiosk round plays it: its start map the kiosk's (itself when it has none, or when it
    is already the kiosk's)."""
    start = scenario.kiosk.start_map
    if start is None or start.edges == scenario.start_map.edges:
        return scenario
    return replace(scenario, start_map=start)
