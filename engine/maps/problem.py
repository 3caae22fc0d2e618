"""What is wrong with a map, said in the cards' words, and what a screen should highlight for it.

Every judge of a map (the drawing, `engine.maps.check`; its loops, `engine.maps.loops`; a map file,
`engine.maps.io`) reports a `MapProblem`: a stable `kind` for screens and tests, a message a player can act
on, and the step, port or edge concerned. Messages name cards by their labels (`step_label`) and edges as
the player sees them (`describe_edge`).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Edge, Scenario


@dataclass(frozen=True, slots=True)
class MapProblem:
    """Something wrong with a map, said so a player can fix it.

    `kind` is a stable code for screens and tests: `no_source`, `unknown_step`, `unknown_port`,
    `exit_port` (an edge leaving an exit), `into_source`, `duplicate_port`, `unreachable`,
    `unconnected_port`, `dead_end` (steps that can never reach an exit), `trap` (a loop whose every way
    out has probability 0, see `engine.maps.loops`), `zero_time_loop` (a loop that takes no time), and for map
    files `file`.
    `step`, `port` and `edge` say what to highlight; `steps` every step concerned (the cards cut off
    behind an unreachable one, the cards of a closed loop); `edge_index` is the edge's position in the
    map's list, so a file's line and column can be found for it.
    """

    kind: str
    message: str
    step: str | None = None
    port: str | None = None
    edge: Edge | None = None
    steps: tuple[str, ...] = ()
    edge_index: int | None = None
    line: int | None = None  # 1-based, when the map came from a file
    col: int | None = None

    def __str__(self) -> str:
        return self.message


def step_label(scenario: Scenario, step_id: str) -> str:
    """The name on a step's card (its id when it has none, or when the scenario has no such step)."""
    step = scenario.steps.get(step_id)
    return step.label if step is not None and step.label else step_id


def describe_edge(scenario: Scenario, edge: Edge) -> str:
    """An edge in the cards' words: "'Route by need' (billing) -> 'Billing desk'"."""
    return f"'{step_label(scenario, edge.src)}' ({edge.port}) -> '{step_label(scenario, edge.dst)}'"
