"""Which ports the map score asks to be linked: what the board's port markers must say.

A step may have a port the map can run without (`Step.optional_ports`: an unconnected `abandoned` port
lets those callers end as abandoned), but the map score (`engine.maps.compare.compare_map`) is the F1 of
edges against the expert maps, so a port that every expert map links costs points when it is left open:
for the player it is not optional at all. `scored_ports` is the ports some expert map links; a port is
`optional_unscored` (drawn with the "optional" marker) only when the map can run without it *and* an
expert map leaves it open too, so leaving it open can still score 100.
"""
from __future__ import annotations

from ..model import Scenario


def linked_ports(pmap) -> set[tuple[str, str]]:
    """The (step, port) pairs an edge of `pmap` leaves from."""
    return {(e.src, e.port) for e in pmap.edges}


def scored_ports(scenario: Scenario) -> set[tuple[str, str]]:
    """The ports every expert map (the reference and each alternative) links: leaving one open costs
    map points whichever expert map the player's is compared with."""
    experts = [scenario.reference, *scenario.alternatives]
    linked = [linked_ports(m) for m in experts]
    return set.intersection(*linked) if linked else set()


def optional_unscored(scenario: Scenario) -> set[tuple[str, str]]:
    """The ports that may stay open at no cost in map points: optional for the run, and left open by at
    least one expert map."""
    scored = scored_ports(scenario)
    return {(sid, port) for sid, step in scenario.steps.items() for port in step.optional_ports
            if (sid, port) not in scored}
