"""The map editor's parts on their own, without events: the draft and its history, the tray's pages, the
score panel, the idle hints' next move and the reveal's marks."""
from __future__ import annotations

import pygame
import pytest

from engine.load import builtin_dir, load
from engine.maps import Attempts, compare_map
from engine.model import Edge, ProcessMap
from game.play.round import Round
from game.scenes.mapeditor.check import ScorePanel
from game.scenes.mapeditor.draft import HISTORY, MapDraft
from game.scenes.mapeditor.hints import suggested_move
from game.scenes.mapeditor.regions import BOARD, TRAY
from game.scenes.mapeditor.reveal import reveal_marks
from game.scenes.mapeditor.tray import Tray


@pytest.fixture(scope="module")
def scenario():
    pygame.init()
    return load(builtin_dir() / "customer_service.yaml")


def test_the_draft_keeps_the_round_in_step_and_undoes_in_order(scenario):
    rnd = Round(scenario)
    draft = MapDraft(rnd)
    start = (list(draft.edges), dict(draft.layout))
    assert draft.place("self_service", BOARD.center) and "self_service" in rnd.layout
    assert not draft.place("self_service", BOARD.center)  # already placed: nothing to undo
    assert draft.link("ivr", "out", "self_service")
    assert not draft.link("ivr", "out", "self_service")  # already so: no snapshot
    assert rnd.edges == draft.edges and Edge("ivr", "out", "self_service") in rnd.edges
    assert len(draft.undo_stack) == 2
    assert draft.undo() and Edge("ivr", "out", "self_service") not in rnd.edges
    assert draft.undo() and (draft.edges, draft.layout) == start and rnd.layout == start[1]
    assert not draft.undo()
    assert draft.redo() and draft.redo() and not draft.redo()
    assert Edge("ivr", "out", "self_service") in draft.edges


def test_a_port_has_one_link_and_a_new_one_replaces_it(scenario):
    draft = MapDraft(Round(scenario))
    for step in ("self_service", "self_served", "hung_up"):
        draft.place(step, BOARD.center)
    draft.link("self_service", "solved", "self_served")
    draft.link("self_service", "solved", "hung_up")
    assert [e for e in draft.edges if e.src == "self_service"] == [Edge("self_service", "solved", "hung_up")]
    assert draft.unlink("self_service", "solved") and not draft.unlink("self_service", "solved")


def test_a_placed_card_stays_on_the_board_and_off_the_others(scenario):
    draft = MapDraft(Round(scenario))
    draft.place("self_service", (5000, -300))  # far outside: clamped in
    draft.place("billing_desk", draft.layout["self_service"])  # on it: nudged off
    for step in ("self_service", "billing_desk"):
        assert BOARD.contains(draft.board.card_rect(step))
    assert not draft.board.card_rect("self_service").colliderect(draft.board.card_rect("billing_desk"))


def test_the_history_is_bounded_and_a_shown_map_is_not_undoable(scenario):
    draft = MapDraft(Round(scenario))
    draft.place("self_service", BOARD.center)
    for i in range(HISTORY + 20):
        draft.save()
    assert len(draft.undo_stack) == HISTORY
    draft.undo_stack.clear()
    draft.show(ProcessMap(tuple(scenario.reference.edges)))
    assert set(draft.edges) == set(scenario.reference.edges) and draft.undo_stack == []


def test_the_tray_pages_clamp_and_answer_a_point(scenario):
    layout: dict = {}
    tray = Tray(load(builtin_dir() / "supply_chain.yaml"), layout)
    per_page, pages = tray.pages()
    assert pages == 2 and tray.buttons() == [tray.b_up, tray.b_down] and not tray.b_up.enabled
    first = tray.items()
    assert len(first) == per_page and all(TRAY.contains(r) for _, r in first)
    assert tray.hit(first[1][1].center) == first[1][0] and tray.hit((TRAY.right + 50, 300)) is None
    tray.turn(5)
    assert tray.page == pages - 1
    tray.turn(-9)
    assert tray.page == 0
    small = Tray(scenario, {s: (0, 0) for s in scenario.steps if s != "survey"})
    assert small.ids() == ["survey"] and small.buttons() == []


def test_the_score_panel_grows_with_its_hints_and_names_its_last_button(scenario):
    attempts = Attempts(scenario)
    panel = ScorePanel(scenario, attempts, on_again=lambda: None, on_keep=lambda: None)
    plain = panel.rect().height
    edges = [e for e in scenario.reference.edges if str(e) != "tech_desk.overflow -> senior_desk"]
    edges.append(Edge("tech_desk", "overflow", "resolved"))
    miss = attempts.submit(ProcessMap(tuple(edges)))
    panel.open(miss)
    assert panel.is_open and panel.lines() and panel.rect().height > plain
    assert panel.b_again.label == "Improve my map" and panel.buttons() == [panel.b_again, panel.b_keep]
    assert panel.b_keep.rect.bottom == panel.rect().bottom - 30
    panel.open(attempts.submit(ProcessMap(tuple(scenario.reference.edges))))
    assert attempts.finished and panel.b_again.label == "Continue" and panel.buttons() == [panel.b_again]


def test_the_hints_teach_the_gestures_then_only_point_at_open_ports(scenario):
    draft = MapDraft(Round(scenario))
    tray = Tray(scenario, draft.layout)
    move = suggested_move(scenario, draft.board, dict(tray.items()), 0, 0)
    assert move[:2] == ("place", "self_service") and BOARD.collidepoint(move[3])
    draft.place("self_service", move[3])
    assert suggested_move(scenario, draft.board, dict(tray.items()), 1, 0) == ("connect", "ivr", "out",
                                                                                "self_service")
    draft.link("ivr", "out", "self_service")
    move = suggested_move(scenario, draft.board, dict(tray.items()), 1, 1)
    assert move[0] == "connect" and move[3] is None and draft.board.port_state(move[1], move[2]) == "missing"


def test_the_reveal_marks_missing_links_ghost_cards_and_extra_links(scenario):
    edges = [e for e in scenario.reference.edges if e.dst != "resolved"]
    edges.append(Edge("senior_desk", "done", "hung_up"))
    draft = MapDraft(Round(scenario))
    draft.show(ProcessMap(tuple(edges)))
    comparison = compare_map(scenario, ProcessMap(tuple(edges)))
    marks = reveal_marks(scenario, comparison, draft.layout)
    assert set(marks.ghost_edges) == set(comparison.missing) and marks.ghost_edges
    assert "resolved" in marks.ghost_cards and "resolved" not in draft.layout
    assert marks.edges == {Edge("senior_desk", "done", "hung_up"): "extra"}
    assert marks.ports[("senior_desk", "done")] == "extra"
