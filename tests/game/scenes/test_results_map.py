"""The results map's rank marks cover nothing a player reads: on every built-in scenario's map, the
player's places or laid out anew, with every card ranked (the most marks a map can carry), no mark meets a
card (so no card's name or port labels), another mark or the map's edge, each is nearer its own card than
any other, and the links still route round the cards without hiding one another."""
from __future__ import annotations

from types import SimpleNamespace

import pygame
import pytest

from engine.load import load
from engine.optimize.losses import Loss
from engine.resources import builtin_scenario_files
from game.core.app import App
from game.play.round import Round
from game.scenes.mapeditor.draft import MapDraft
from game.scenes.results import ResultsScene
from game.ui.board import _gap_to

from linkcheck import problems

SCENARIOS = {f.stem: load(f) for f in builtin_scenario_files()}
SIZE = (1100, 650)  # the results map's image on the logical 1920x1080 screen


@pytest.fixture(scope="module")
def app():
    pygame.init()
    return App((1920, 1080), headless=True)


def marked_map(app, sc, layout):
    """The results scene's map with a loss at every card, and the board it was drawn from."""
    rnd = Round(sc)
    rnd.edges = list(sc.reference.edges)
    rnd.layout = dict(layout)
    scene = ResultsScene(app, rnd)
    steps = sorted({s for e in rnd.edges for s in (e.src, e.dst)})
    losses = [Loss("step", s, sc.steps[s].label, 1000.0 - i) for i, s in enumerate(steps)]
    image = scene.map_image(SIZE, SimpleNamespace(losses=losses))
    return scene, image, steps


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("own", [True, False], ids=["own places", "laid out anew"])
def test_no_rank_mark_covers_a_card_or_another_mark(app, name, own):
    sc = SCENARIOS[name]
    layout = MapDraft(SimpleNamespace(scenario=sc, edges=list(sc.reference.edges), layout={})).board.layout if own else {}
    scene, image, steps = marked_map(app, sc, layout)
    assert image is not None and image.get_size() == SIZE
    assert problems(scene.map_shown, image.get_rect()) == []  # the room made for the marks moved cards
    marks = scene.map_marks
    assert sorted(rank for rank, _ in marks) == list(range(1, len(steps) + 1))  # every card got its mark
    board = scene.map_shown
    cards = {s: board.card_rect(s) for s in board.layout}
    frame = image.get_rect()
    for k, (rank, box) in enumerate(marks):
        step = steps[rank - 1]
        assert frame.contains(box), (step, box)
        assert [s for s, r in cards.items() if box.colliderect(r)] == [], (step, box)
        assert box.collidelist([b for _, b in marks[k + 1:]]) < 0, (step, box)
        own_gap = _gap_to(box.center, cards[step])
        assert all(_gap_to(box.center, r) > own_gap for s, r in cards.items() if s != step), step
