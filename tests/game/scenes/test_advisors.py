"""The advisors you can ask, on every screen they stand on, and the map's hints panel; driven through
App.step with taps (tests/taps.py waits through the tap guard) and asserted on the screens' state."""
import pygame
import pytest

from engine.load import builtin_dir, load
from engine.model import Edge
from game.core.app import App
from game.play import flow
from game.play.round import Round
from game.play.tips import map_tip
from game.scenes.mapeditor import MapEditorScene
from taps import settle

DT = 1 / 60
DOWN, UP = pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "customer_service.yaml")


@pytest.fixture
def app():
    pygame.init()
    a = App((1920, 1080), headless=True)
    a.settings.background_par = False
    a.settings.par_seconds = 1.0
    return a


def tap(app, pos):
    settle(app)
    app.step(DT, [pygame.event.Event(DOWN, pos=pos, button=1)])
    app.step(DT, [pygame.event.Event(UP, pos=pos, button=1)])


def misrouted(scenario):
    """The expert map with the overflow of the technical desk sent to the wrong exit (a hinted link)."""
    edges = [e for e in scenario.reference.edges if str(e) != "tech_desk.overflow -> senior_desk"]
    return edges + [Edge("tech_desk", "overflow", "resolved")]


def editor_on(app, rnd):
    scene = MapEditorScene(app, rnd)
    app.stack.push(scene)
    settle(app)
    return scene


def test_tapping_an_advisor_on_the_map_gives_a_tip_about_the_map_and_keeps_it(app, scenario):
    rnd = Round(scenario)
    rnd.edges = [e for e in scenario.reference.edges if e.port != "abandoned" or e.src != "billing_desk"]
    scene = editor_on(app, rnd)
    rosa = scene.desk.portrait_rects()["rosa"]
    assert not rosa.colliderect(scene.b_check.rect) and not rosa.colliderect(scene.b_hints.rect)
    tap(app, rosa.center)
    assert scene.desk.tip is not None and scene.desk.tip.advisor == "rosa"
    assert scene.desk.tip == map_tip(scenario, scene.edges, scene.layout, "rosa")
    assert "'Billing desk' still needs its 'abandoned' link" in scene.desk.tip.text
    assert scene.notes.entries()[0] == ("You asked", "rosa", scene.desk.tip.text)
    edges = list(scene.edges)
    tap(app, scene.desk.tip_rect().center)  # a tap on the tip closes it and touches nothing under it
    assert scene.desk.tip is None and scene.edges == edges
    scene.draw(app.surface)


def test_a_missed_attempts_hints_stay_in_the_side_panel_and_come_back_on_the_next_visit(app, scenario):
    rnd = Round(scenario)
    rnd.edges = misrouted(scenario)
    scene = editor_on(app, rnd)
    tap(app, scene.b_check.rect.center)
    attempt = scene.panel.attempt
    said = [line.text for h in attempt.hints for line in h.lines]
    assert said and not scene.notes.is_open
    tap(app, scene.panel.b_again.rect.center)  # "Improve my map": the hints stay beside the board
    assert scene.notes.is_open
    assert [text for _, _, text in scene.notes.entries()] == said
    assert all(head == "After attempt 1" for head, _, _ in scene.notes.entries())
    assert scene.b_hints.label == f"Hints ({len(said)})"
    card = next(s for s in scene.layout if scene.notes.rect().collidepoint(scene.board.card_rect(s).center))
    tap(app, scene.board.card_rect(card).center)  # under the panel: the tap is the panel's
    assert scene.selected != card
    tap(app, scene.notes.b_close.rect.center)
    assert not scene.notes.is_open
    tap(app, scene.b_hints.rect.center)
    assert scene.notes.is_open
    scene.draw(app.surface)
    again = editor_on(app, rnd)  # the map phase entered again: the hints are still there, open
    assert again.notes.is_open and [t for _, _, t in again.notes.entries()] == said


def test_after_the_last_attempt_the_board_is_marked_and_the_hints_panel_steps_aside(app, scenario):
    rnd = Round(scenario)
    rnd.edges = misrouted(scenario)
    scene = editor_on(app, rnd)
    while not scene.attempts.finished:
        scene.submit()
        scene.close_feedback()
    assert scene.reveal is not None and not scene.notes.is_open
    assert Edge("tech_desk", "overflow", "senior_desk") in scene.reveal.ghost_edges  # dashed, missing
    assert scene.reveal.edges[Edge("tech_desk", "overflow", "resolved")] == "extra"  # the × link
    assert scene.b_hints in scene.buttons() and scene.notes.count > 0
    texts = [t for _, _, t in scene.notes.entries()]  # the same map thrice: each hint line once
    said = {line.text for a in scene.attempts.history for h in a.hints for line in h.lines}
    assert len(texts) == len(set(texts)) and set(texts) == said
    scene.draw(app.surface)


def test_the_rules_advisor_says_where_the_money_goes_in_the_forecast(app, scenario):
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    rules = flow.go(app, rnd, "rules")
    rules.wait_forecast()
    tom = rules.desk.portrait_rects()["tom"]
    assert all(not tom.colliderect(b.rect) for b in rules.buttons)
    before = dict(rnd.rules)
    tap(app, tom.center)
    tip = rules.desk.tip
    assert tip is not None and tip.advisor == "tom" and scenario.currency in tip.text
    assert rnd.rules == before
    tap(app, tom.center)  # the same portrait again closes it
    assert rules.desk.tip is None
    rules.forecaster.stop()


def test_the_run_advisor_reads_the_bottleneck_now_and_the_day_goes_on(app, scenario):
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    run = flow.go(app, rnd, "run")
    run.seek(scenario.time.horizon / 2)
    settle(app)
    before = run.sim_time
    tap(app, run.desk.portrait_rects()["rosa"].center)
    assert run.desk.tip is not None and "busy" in run.desk.tip.text
    assert run.sim_time > before and not run.paused
    run.draw(app.surface)
    run.stop_work()


def test_tapping_an_advisor_in_the_briefing_gives_a_tip_and_does_not_skip_a_line(app, scenario):
    flow.start(app, scenario)
    settle(app)
    briefing = app.stack.top
    assert briefing.name == "briefing"
    index = briefing.index
    tap(app, briefing.cast_rects()["tom"].center)
    assert briefing.desk.tip is not None and briefing.desk.tip.advisor == "tom"
    assert briefing.index == index and app.stack.top is briefing
    tap(app, (1200, 900))  # a tap elsewhere closes the tip and still goes on with the conversation
    assert briefing.desk.tip is None and (briefing.index, briefing.typing) != (index, True)


@pytest.mark.parametrize("three", [False, True], ids=["two advisors", "three advisors"])
def test_the_advisors_leave_the_kiosk_timer_its_place_on_every_screen(app, scenario, three):
    """The portraits, the kiosk timer's place and the map's buttons never meet, and stand apart (a finger
    aimed at one lands on nothing else): with customer service's two advisors and supply chain's three."""
    from game.modes.kiosk.overlays import timer_rect
    from game.ui.widgets import MIN_TARGET

    if three:
        scenario = load(builtin_dir() / "supply_chain.yaml")
        assert len(scenario.advisors) == 3
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    editor = editor_on(app, rnd)
    rules = flow.go(app, rnd, "rules")
    run = flow.go(app, rnd, "run")
    for name, screen in (("map", editor), ("rules", rules), ("run", run)):
        spots = list(screen.desk.portrait_rects().values())
        if name == "map":
            spots += [editor.b_hints.rect, editor.b_check.rect, editor.b_remove.rect]
        assert all(not timer_rect(name).colliderect(r) for r in spots), name
        assert len({tuple(r) for r in spots}) == len(spots) and \
            all(not a.inflate(16, 0).colliderect(b) for i, a in enumerate(spots) for b in spots[i + 1:]), name
        assert all(min(r.size) >= MIN_TARGET for r in screen.desk.portrait_rects().values()), name
    rules.forecaster.stop()
    run.stop_work()
