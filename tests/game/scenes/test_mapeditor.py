"""The map editor driven by pointer and key events, headless: placing, connecting, moving, removing,
undo and redo, tidying up, checking, attempts and hints."""
from __future__ import annotations

import pygame
import pytest

from engine.load import builtin_dir, load
from engine.maps import compare_map
from engine.model import Edge, ProcessMap
from game.core.app import App
from game.ui.layout import auto_layout, overlaps
from game.play.round import Round
from game.scenes.mapeditor import BOARD, LAYOUT_RECT, MapEditorScene
from game.ui.board import Board
from game.ui.cards import card_size
from taps import settle

DOWN, UP, MOTION = pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "customer_service.yaml")


@pytest.fixture
def editor(scenario):
    pygame.init()
    app = App((1920, 1080), headless=True)
    done = []
    rnd = Round(scenario)
    scene = MapEditorScene(app, rnd, on_done=lambda: done.append(True))
    app.stack.push(scene)
    scene.done = done
    return app, scene


def ev(kind, pos, **extra):
    d = {"pos": tuple(int(v) for v in pos), "button": 1, **extra}
    if kind == MOTION:
        d = {"pos": d["pos"], "buttons": (1, 0, 0), "rel": (0, 0)}
    return pygame.event.Event(kind, d)


def key(k, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, {"key": k, "mod": mod, "unicode": ""})


def drag(app, start, end, steps: int = 4):
    """Press at `start`, move to `end` in a few motions, release: through App.step like a real frame."""
    settle(app)
    events = [ev(DOWN, start)]
    for i in range(1, steps + 1):
        events.append(ev(MOTION, (start[0] + (end[0] - start[0]) * i / steps,
                                  start[1] + (end[1] - start[1]) * i / steps)))
    app.step(1 / 60, events)
    app.step(1 / 60, [ev(UP, end)])


def tap(app, pos):
    settle(app)
    app.step(1 / 60, [ev(DOWN, pos), ev(UP, pos)])


def tray_rect(scene, step):
    """The tray card of `step`, on the page the tray turns to for it."""
    per_page, _ = scene.tray.pages()
    scene.tray.page = scene.tray.ids().index(step) // per_page
    return dict(scene.tray.items())[step]


def test_starts_from_the_start_map_with_a_layout(editor, scenario):
    app, scene = editor
    assert scene.edges == list(scenario.start_map.edges)
    assert set(scene.layout) == {"incoming", "ivr"}
    assert all(BOARD.collidepoint(xy) for xy in scene.layout.values())
    assert "incoming" not in dict(scene.tray.items())
    assert scene.instruction() == "Drag a card onto the board, then connect its ports"


def test_place_a_card_by_dragging_it_from_the_tray(editor):
    app, scene = editor
    start = tray_rect(scene, "self_service").center
    drag(app, start, (1200, 300))
    assert "self_service" in scene.layout
    x, y = scene.layout["self_service"]
    assert abs(x - 1200) < 5 and abs(y - 300) < 40
    assert "self_service" not in dict(scene.tray.items())
    assert scene.round.layout["self_service"] == scene.layout["self_service"]


def test_a_drop_outside_the_board_places_nothing(editor):
    app, scene = editor
    start = tray_rect(scene, "self_service").center
    drag(app, start, (start[0] + 40, start[1] + 30))
    assert "self_service" not in scene.layout


def test_place_a_card_by_tapping_it_then_the_board(editor):
    app, scene = editor
    tap(app, tray_rect(scene, "billing_desk").center)
    assert scene.armed_card == "billing_desk"
    assert "Billing desk" in scene.instruction()
    tap(app, (1500, 800))
    assert "billing_desk" in scene.layout
    assert scene.armed_card is None


def _place(app, scene, step, pos):
    tap(app, tray_rect(scene, step).center)
    tap(app, pos)
    assert step in scene.layout


def test_connect_a_port_by_dragging_to_a_card(editor):
    app, scene = editor
    scene.remove("ivr")
    _place(app, scene, "ivr", (900, 500))
    assert scene.board.port_state("incoming", "out") == "missing"
    drag(app, scene.board.port_pos("incoming", "out"), scene.board.card_rect("ivr").center)
    assert Edge("incoming", "out", "ivr") in scene.edges
    assert scene.board.port_state("incoming", "out") == "connected"


def test_connect_a_port_by_tapping_it_then_the_card(editor):
    app, scene = editor
    _place(app, scene, "self_service", (1300, 400))
    tap(app, scene.board.port_pos("ivr", "out"))
    assert scene.armed_port == ("ivr", "out")
    tap(app, scene.board.card_rect("self_service").center)
    assert Edge("ivr", "out", "self_service") in scene.edges
    assert scene.armed_port is None


def test_a_port_row_is_a_big_target_and_reconnecting_moves_the_link(editor):
    app, scene = editor
    _place(app, scene, "self_service", (1000, 300))
    _place(app, scene, "self_served", (1500, 250))
    _place(app, scene, "hung_up", (1500, 750))
    px, py = scene.board.port_pos("self_service", "solved")
    drag(app, (px - 60, py), scene.board.card_rect("hung_up").center)  # from the port's label
    assert Edge("self_service", "solved", "hung_up") in scene.edges
    drag(app, (px, py), scene.board.card_rect("self_served").center)
    assert Edge("self_service", "solved", "self_served") in scene.edges
    assert Edge("self_service", "solved", "hung_up") not in scene.edges


def test_nothing_can_lead_into_a_source(editor):
    app, scene = editor
    drag(app, scene.board.port_pos("ivr", "out"), scene.board.card_rect("incoming").center)
    assert not any(e.dst == "incoming" for e in scene.edges)
    assert "arrives" in scene.instruction()


def test_move_a_card_by_dragging_it(editor):
    app, scene = editor
    x, y = scene.layout["ivr"]
    r = scene.board.card_rect("ivr")
    grab = (r.left + 40, r.top + 20)
    drag(app, grab, (grab[0] + 150, grab[1] + 200))
    nx, ny = scene.layout["ivr"]
    assert (round(nx - x), round(ny - y)) == (150, 200)
    assert Edge("incoming", "out", "ivr") in scene.edges


def test_links_are_nudged_once_a_dragged_card_is_dropped_not_while_it_moves(editor):
    """Mid-drag a frame routes the links without telling shared channels apart (cheap, as every frame moves
    the card); the frame after the drop shows them nudged again."""
    app, scene = editor
    link = Edge("incoming", "out", "ivr")
    r = scene.board.card_rect("ivr")
    grab = (r.left + 40, r.top + 20)
    settle(app)
    app.step(1 / 60, [ev(DOWN, grab)])
    app.step(1 / 60, [ev(MOTION, (grab[0] + 60, grab[1] + 80))])
    assert scene.press is not None and scene.press.dragging and scene.board.moving
    assert scene.board.edge_points(link) == scene.board._routed(link, None)
    app.step(1 / 60, [ev(UP, (grab[0] + 60, grab[1] + 80))])
    app.step(1 / 60, [])
    assert not scene.board.moving and scene.board.edge_points(link) == scene.board._nudged()[link]


def test_delete_key_removes_the_selected_card_and_its_links(editor):
    app, scene = editor
    r = scene.board.card_rect("ivr")
    tap(app, (r.left + 40, r.top + 20))
    assert scene.selected == "ivr"
    app.step(1 / 60, [key(pygame.K_DELETE)])
    assert "ivr" not in scene.layout
    assert scene.edges == []
    assert "ivr" in dict(scene.tray.items())


def test_dropping_a_card_on_the_tray_removes_it(editor):
    app, scene = editor
    r = scene.board.card_rect("ivr")
    drag(app, (r.left + 40, r.top + 20), (120, 600))
    assert "ivr" not in scene.layout and scene.edges == []


def test_remove_button_deletes_a_selected_link(editor):
    app, scene = editor
    link = Edge("incoming", "out", "ivr")
    pts = scene.board.edge_points(link)
    tap(app, pts[len(pts) // 2])
    assert scene.selected_edge == link
    tap(app, scene.b_remove.rect.center)
    assert link not in scene.edges
    assert set(scene.layout) == {"incoming", "ivr"}


def test_undo_and_redo_with_keys_and_buttons(editor):
    app, scene = editor
    _place(app, scene, "self_service", (1300, 400))
    drag(app, scene.board.port_pos("ivr", "out"), scene.board.card_rect("self_service").center)
    after = (list(scene.edges), dict(scene.layout))
    app.step(1 / 60, [key(pygame.K_z, pygame.KMOD_CTRL)])
    assert Edge("ivr", "out", "self_service") not in scene.edges and "self_service" in scene.layout
    tap(app, scene.b_undo.rect.center)
    assert "self_service" not in scene.layout
    app.step(1 / 60, [key(pygame.K_y, pygame.KMOD_CTRL)])
    assert "self_service" in scene.layout
    tap(app, scene.b_redo.rect.center)
    assert (scene.edges, scene.layout) == after
    assert scene.round.edges == after[0]


def test_undo_of_a_move_puts_the_card_back(editor):
    app, scene = editor
    before = scene.layout["ivr"]
    r = scene.board.card_rect("ivr")
    drag(app, (r.left + 40, r.top + 20), (r.left + 340, r.top + 320), steps=8)
    assert scene.layout["ivr"] != before
    scene.undo()
    assert scene.layout["ivr"] == before


def test_auto_layout_keeps_cards_inside_the_board_and_apart(editor, scenario):
    app, scene = editor
    for sid in scenario.steps:
        if sid not in scene.layout:
            scene.place(sid, BOARD.center)
    for e in scenario.reference.edges:
        scene.connect(e.src, e.port, e.dst)
    tap(app, scene.b_tidy.rect.center)
    assert set(scene.layout) == set(scenario.steps)
    assert overlaps(scenario, scene.layout) == []
    for sid in scene.layout:
        assert BOARD.contains(scene.board.card_rect(sid)), sid
    # left to right from the arrivals
    xs = scene.layout
    assert xs["incoming"][0] < xs["ivr"][0] < xs["self_service"][0] < xs["route_need"][0] < xs["billing_desk"][0]


def test_auto_layout_of_every_map_size_stays_in_its_rect(scenario):
    edges = list(scenario.reference.edges)
    for n in range(0, len(edges) + 1, 3):
        lay = auto_layout(scenario, edges[:n], ["incoming", "callback", "survey"], LAYOUT_RECT)
        assert overlaps(scenario, lay) == []
        for sid, (x, y) in lay.items():
            w, h = card_size(scenario.steps[sid])
            assert LAYOUT_RECT.contains(pygame.Rect(x - w / 2, y - h / 2, w, h)), (n, sid)


def _build(scene, edges):
    for e in edges:
        for s in (e.src, e.dst):
            if s not in scene.layout:
                scene.place(s, BOARD.center)
    for e in edges:
        scene.connect(e.src, e.port, e.dst)


def test_a_map_with_problems_uses_no_attempt_and_rings_the_card(editor):
    app, scene = editor
    _place(app, scene, "self_service", (1300, 400))
    app.step(1 / 60, [key(pygame.K_RETURN)])
    assert scene.attempts.used == 0
    assert scene.problems
    hl = scene.highlights()
    assert "ivr" in hl.cards or ("ivr", "out") in hl.ports
    scene.draw(app.surface)


def test_a_miss_counts_an_attempt_and_shows_hints(editor, scenario):
    app, scene = editor
    edges = [e for e in scenario.reference.edges if str(e) != "tech_desk.overflow -> senior_desk"]
    edges.append(Edge("tech_desk", "overflow", "resolved"))
    scene.tidy()
    _build(scene, edges)
    tap(app, scene.b_check.rect.center)
    assert scene.attempts.used == 1
    assert scene.panel.is_open and scene.panel.attempt.counted
    assert 0 < scene.panel.attempt.score < 100
    assert scene.round.map_score == scene.panel.attempt.score
    assert 1 <= len(scene.panel.attempt.hints) <= 2
    assert any("roll over" in line.text for h in scene.panel.attempt.hints for line in h.lines)
    assert "Attempt 2 of 3" in _top_text(scene)
    scene.draw(app.surface)
    tap(app, scene.panel.b_again.rect.center)
    assert not scene.panel.is_open and scene.reveal is None


def _top_text(scene):
    a = scene.attempts
    return f"Attempt {min(a.limit, a.used + (0 if a.finished else 1))} of {a.limit}"


def test_the_reference_map_scores_100_and_continues(editor, scenario):
    app, scene = editor
    _build(scene, list(scenario.reference.edges))
    attempt = scene.submit()
    assert attempt.score == 100
    assert compare_map(scenario, ProcessMap(tuple(scene.edges))).score == 100
    assert scene.round.map_score == 100 and scene.attempts.finished
    assert scene.panel.b_again.label == "Continue"
    tap(app, scene.panel.b_again.rect.center)
    assert scene.done == [True]
    assert set(scene.round.edges) == set(scenario.reference.edges)


def test_after_the_last_attempt_missing_and_extra_links_show(editor, scenario):
    app, scene = editor
    edges = [e for e in scenario.reference.edges if e.src != "senior_desk"]
    edges += [Edge("senior_desk", "done", "hung_up"), Edge("senior_desk", "abandoned", "hung_up")]
    _build(scene, edges)
    first = scene.submit().score
    scene.close_feedback()
    scene.remove("self_served")  # worse, but runnable: solved callers end as "Resolved"
    scene.connect("self_service", "solved", "resolved")
    for _ in range(2):
        assert scene.submit() is not None
        scene.close_feedback()
    assert scene.attempts.finished and scene.reveal is not None
    assert scene.round.map_score == first  # the best attempt counts
    assert Edge("senior_desk", "done", "resolved") in scene.reveal.ghost_edges
    assert scene.reveal.edges.get(Edge("senior_desk", "done", "hung_up")) == "extra"
    assert "self_served" in scene.layout  # the best map is back on the board
    scene.draw(app.surface)
    tap(app, scene.b_continue.rect.center)
    assert scene.done == [True]
    assert set(scene.round.edges) == set(edges)


def test_board_hit_test_finds_ports_cards_and_links(scenario):
    pygame.init()
    edges = list(scenario.reference.edges)
    board = Board(scenario, edges, auto_layout(scenario, edges, None, LAYOUT_RECT))
    assert board.hit_test(board.port_pos("route_need", "sales")).port == "sales"
    r = board.card_rect("resolved")
    assert board.hit_test(r.center).step == "resolved"
    hits = [board.hit_test(board.edge_points(e)[len(board.edge_points(e)) // 2]) for e in edges]
    linked = [h.edge for h in hits if h.kind == "edge"]
    assert len(linked) >= len(edges) // 3 and all(e in edges for e in linked)
    assert board.hit_test((2, 2)).kind is None
    small = pygame.Surface((480, 270))
    board.draw(small, small.get_rect())  # a thumbnail: fits, draws
    assert board.scale < 0.4
    assert small.get_rect().contains(board.card_rect("incoming"))


def test_a_still_player_is_shown_the_gestures_then_left_to_think(editor):
    app, scene = editor
    move = scene.next_move()
    assert move[0] == "place" and move[1] == "self_service"  # the card after the IVR, from the tray
    for _ in range(int(5 * 60)):
        app.step(1 / 60, [])
    assert scene.idle > 4
    scene.draw(app.surface)
    scene.place("self_service", (1200, 500))
    assert scene.next_move() == ("connect", "ivr", "out", "self_service")
    scene.connect("ivr", "out", "self_service")
    move = scene.next_move()
    assert move[0] == "connect" and move[3] is None  # after that: only which port is open
    tap(app, (1000, 900))
    assert scene.idle < 0.1


def test_touch_taps_place_and_connect_through_the_app(scenario):
    """Finger events (normalised window coordinates) in a 1280x720 window, as on the kiosk."""
    pygame.init()
    app = App((1280, 720), headless=True)
    scene = MapEditorScene(app, Round(scenario))
    app.stack.push(scene)
    settle(app)

    def finger(pos):
        x, y = pos[0] / 1920, pos[1] / 1080  # logical -> normalised (the window has the same shape)
        return [pygame.event.Event(pygame.FINGERDOWN, {"x": x, "y": y, "dx": 0, "dy": 0, "finger_id": 0,
                                                      "touch_id": 0, "pressure": 1}),
                pygame.event.Event(pygame.FINGERUP, {"x": x, "y": y, "dx": 0, "dy": 0, "finger_id": 0,
                                                    "touch_id": 0, "pressure": 0})]

    app.step(1 / 60, finger(tray_rect(scene, "self_service").center))
    assert scene.armed_card == "self_service"
    app.step(1 / 60, finger((1300, 700)))
    assert "self_service" in scene.layout
    app.step(1 / 60, finger(scene.board.port_pos("ivr", "out")))
    app.step(1 / 60, finger(scene.board.card_rect("self_service").center))
    assert Edge("ivr", "out", "self_service") in scene.edges


def test_a_long_tray_pages_at_touch_size():
    sc = load(builtin_dir() / "supply_chain.yaml")
    pygame.init()
    app = App((1920, 1080), headless=True)
    scene = MapEditorScene(app, Round(sc))
    app.stack.push(scene)
    per_page, pages = scene.tray.pages()
    assert pages == 2
    first = [s for s, _ in scene.tray.items()]
    assert all(r.height >= 64 for _, r in scene.tray.items())
    tap(app, scene.tray.b_down.rect.center)
    second = [s for s, _ in scene.tray.items()]
    assert second and not set(first) & set(second)
    assert set(first) | set(second) == set(scene.tray.ids())
    drag(app, scene.tray.items()[0][1].center, (1200, 500))
    assert second[0] in scene.layout
    tap(app, scene.tray.b_up.rect.center)
    assert scene.tray.page == 0


@pytest.mark.parametrize("name", ["customer_service", "supply_chain", "field_service", "tutorial"])
def test_every_port_is_a_touch_target_of_at_least_48_px(name):
    # a kiosk visitor's finger: neighbouring ports of a card stand at least 48 logical px apart
    sc = load(builtin_dir() / f"{name}.yaml")
    app = App((1280, 720), headless=True)
    r = Round(sc)
    r.edges = list(sc.reference.edges)
    scene = MapEditorScene(app, r)
    app.stack.push(scene)
    app.step(1 / 60, [])
    for sid in scene.layout:
        ys = [scene.board.port_pos(sid, p)[1] for p in sc.steps[sid].ports]
        assert all(b - a >= 48 for a, b in zip(ys, ys[1:])), (sid, ys)
