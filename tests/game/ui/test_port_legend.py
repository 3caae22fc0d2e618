"""The board's port markers tell the truth about the map score, for every built-in scenario.

A port drawn with the "optional" marker must cost no map points when left unlinked (an expert map leaves
it open and scores 100); a port the map can run without but that every expert map links is drawn as
"needs a link", and leaving it open costs points: the issue's Help desk `abandoned`.
"""
import pygame
import pytest

from engine.load import builtin_dir, load
from engine.maps.compare import score_map
from engine.model import ProcessMap
from game.ui.board import Board

BUILTINS = sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def board_of(scenario) -> Board:
    every = {sid: (100.0 + 10 * i, 100.0) for i, sid in enumerate(scenario.steps)}
    return Board(scenario, [], every)


def without_port(pmap: ProcessMap, step: str, port: str) -> ProcessMap:
    return ProcessMap(tuple(e for e in pmap.edges if (e.src, e.port) != (step, port)), pmap.layout)


@pytest.mark.parametrize("name", BUILTINS)
def test_every_port_drawn_optional_costs_no_map_points_left_open(name):
    pygame.init()
    scenario = load(builtin_dir() / f"{name}.yaml")
    board = board_of(scenario)
    experts = [scenario.reference, *scenario.alternatives]
    drawn = {(sid, port): board.port_state(sid, port) for sid, step in scenario.steps.items() for port in step.ports}
    for (sid, port), state in drawn.items():
        step = scenario.steps[sid]
        if state == "optional":
            open_maps = [without_port(m, sid, port) for m in experts]
            assert max(score_map(scenario, m) for m in open_maps) == 100, (sid, port)
        elif port in step.optional_ports:  # runnable without it, but the score wants it: "needs a link"
            assert state == "missing"
            costs = [100 - score_map(scenario, without_port(m, sid, port)) for m in experts]
            assert min(costs) > 0, (sid, port, costs)
        else:
            assert state == "missing"


def test_the_help_desks_hang_up_port_is_not_drawn_optional():
    """The issue: leaving a desk's `abandoned` port open cost 15 map points while it was drawn optional."""
    scenario = load(builtin_dir() / "customer_service.yaml")
    board = board_of(scenario)
    linked = [(e.src, e.port) for e in scenario.reference.edges if e.port == "abandoned"]
    assert linked  # the expert map sends hung-up callers somewhere
    for sid, port in linked:
        assert port in scenario.steps[sid].optional_ports
        assert board.port_state(sid, port) == "missing"
        assert score_map(scenario, without_port(scenario.reference, sid, port)) < 100
