"""Links that never hide: on every built-in expert map, in every view that draws a map, no link passes under
a card other than its two ends, none leaves its board, none turns back on itself, no two links are drawn
on top of one another (but links into one card once they have met, `game.ui.channels.overlaps`) and no
two port labels overlap; a player's own layout still routes round the cards, and over them when they
touch."""
from __future__ import annotations

from types import SimpleNamespace

import pygame
import pytest

from engine.load import load
from engine.model import Edge
from engine.resources import builtin_scenario_files
from game.data import report
from game.scenes.mapeditor.draft import MapDraft
from game.scenes.mapeditor.regions import BOARD
from game.scenes.run.regions import BOARD_RECT
from game.ui.board import EDGE_COLOUR, Board
from game.ui.mapview import map_board
from game.ui.curves import cubic
from game.ui.channels import overlaps
from linkcheck import box, problems
from game.ui.routing import crossings, doubles_back, leaves, orthogonal_route, segment_enters

SCENARIOS = {f.stem: load(f) for f in builtin_scenario_files()}


def editor_board(sc) -> Board:
    """The board the map editor draws for the expert map, laid out as the editor lays out a map anew."""
    rnd = SimpleNamespace(scenario=sc, edges=list(sc.reference.edges), layout={})
    return MapDraft(rnd).board


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_expert_map_routes_round_the_cards_in_every_view(name):
    pygame.init()
    sc = SCENARIOS[name]
    edges = list(sc.reference.edges)
    editor = editor_board(sc)
    assert editor.edges and problems(editor, BOARD) == []
    assert any(len(editor.port_labels(s)) > 1 for s in editor.layout)  # labels were there to check
    if name == "customer_service":  # its desks' links share the channels on either side of them
        assert overlaps([editor._routed(e) for e in edges], [e.dst for e in edges])
    run = Board(sc, edges, dict(editor.layout))  # the run screen draws the player's layout
    run.fit(BOARD_RECT.inflate(-8, -16), margin=12)
    assert problems(run, BOARD_RECT.inflate(-8, -16)) == []
    for size in ((1180, 700), (760, 430), (480, 270)):  # the results map, workshop thumbnails
        view = pygame.Rect(0, 0, *size)
        for layout in (editor.layout, None):  # the player's places, or laid out anew
            board = map_board(sc, edges, layout, view)
            assert problems(board, view) == [], (size, layout is None)
    page = report.map_board(sc, edges)
    assert problems(page, page.bounds) == []


def test_a_link_goes_round_a_card_the_player_dropped_in_its_way():
    pygame.init()
    sc = SCENARIOS["customer_service"]
    link = Edge("incoming", "out", "ivr")
    layout = {"incoming": (500, 400), "self_served": (850, 405), "ivr": (1200, 400)}
    board = Board(sc, [link], layout, bounds=BOARD)
    straight = cubic((board.port_pos("incoming", "out")[0], 400), (1100, 390), (800, 400), board.input_pos("ivr"))
    assert crossings(straight, {"self_served": box(board.card_rect("self_served"))})  # the way it would go
    assert problems(board, BOARD) == []
    assert not board.over_cards(link)


def test_with_no_way_round_the_link_is_drawn_over_the_cards_not_under():
    pygame.init()
    sc = SCENARIOS["customer_service"]
    link = Edge("incoming", "out", "ivr")
    # a card touching the destination's left side: the link's arrival is walled off
    layout = {"incoming": (500, 400), "self_served": (1000, 400), "ivr": (1216, 400)}
    board = Board(sc, [link], layout, bounds=BOARD)
    pts = board.edge_points(link)
    blocker = board.card_rect("self_served")
    assert crossings(pts, {"self_served": box(blocker)})
    assert board.over_cards(link)
    surface = pygame.Surface((1920, 1080))
    board.draw(surface)
    # a point of the link over the blocking card, away from its label: the link's colour, not the card's
    over = [p for p in pts if blocker.inflate(-20, -20).collidepoint(p) and p[1] > blocker.top + 60]
    assert over
    x, y = over[len(over) // 2]
    assert tuple(surface.get_at((round(x), round(y))))[:3] == EDGE_COLOUR
    cards_only = pygame.Surface((1920, 1080))  # the run: links in its backdrop, cards over them each frame
    board.draw(cards_only, edges=False)
    assert tuple(cards_only.get_at((round(x), round(y))))[:3] == EDGE_COLOUR


def test_the_checks_bite():
    # a curve to a card just right of its port overshoots and comes back; a run straight back is a cusp;
    # a loop crossing itself; a link back to an earlier column goes left, as it must
    assert doubles_back(cubic((500, 300), (626, 300), (399, 420), (525, 420)))
    assert doubles_back([(0, 0), (100, 0), (100, 50), (50, 50), (50, -50)])
    assert not doubles_back(cubic((500, 300), (590, 300), (390, 330), (480, 330)))
    assert doubles_back([(0, 0), (100, 0), (40, 0)])
    assert not doubles_back([(0, 0), (50, 0), (50, 80), (120, 80)])
    assert segment_enters((0, 50), (200, 50), (80, 0, 120, 100))
    assert not segment_enters((0, 0), (200, 0), (80, 0, 120, 100))  # along a side is not under
    assert leaves([(5, 5), (-3, 5)], (0, 0, 100, 100))


def test_the_orthogonal_route_finds_the_gap_or_says_there_is_none():
    wall = [(100, -1000, 140, 40), (100, 60, 140, 1000)]  # a wall with a gap at 40..60
    path = orthogonal_route((0, 0), (300, 0), wall, (-50, -500, 400, 500))
    assert path is not None and path[0] == (0, 0) and path[-1] == (300, 0)
    assert all(not segment_enters(a, b, w) for a, b in zip(path, path[1:]) for w in wall)
    assert any(40 <= y <= 60 for _, y in path)  # through the gap
    shut = [(100, -1000, 140, 1000)]
    assert orthogonal_route((0, 0), (300, 0), shut, (-50, -500, 400, 500)) is None
