"""The scene stack's tap guard: a tap belongs to the screen it landed on.

Driven through App.step like real frames; the screens' buttons and the round are asserted on, never
pixels. `taps.settle` (the helper every tapping test uses) is checked here too: it waits, it does not
switch the guard off.
"""
import pygame
import pytest

from engine.load import builtin_dir, load
from game.core.app import App
from game.core.scene import SETTLE, Scene, TapGuard
from game.play import flow
from game.ui.widgets import Button
from taps import settle

DT = 1 / 60
DOWN, UP = pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP


def down(pos, **extra):
    return pygame.event.Event(DOWN, pos=pos, button=1, **extra)


def up(pos, **extra):
    return pygame.event.Event(UP, pos=pos, button=1, **extra)


class Pad(Scene):
    """A screen with one button that counts its clicks, and what it was given."""

    def __init__(self, app, on_click=None):
        super().__init__(app)
        self.button = Button((800, 500, 300, 100), "Go", on_click)
        self.seen = []

    def update(self, dt, events):
        for e in events:
            self.seen.append(e.type)
            self.button.handle(e)


@pytest.fixture
def app():
    pygame.init()
    a = App((1920, 1080), headless=True)
    a.settings.background_par = False
    return a


def test_a_fresh_guard_drops_whole_taps_for_its_settle_time_of_given_dt():
    guard = TapGuard()
    guard.fresh()
    key = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="")
    kept = guard.admit(0.1, [down((1, 1)), up((1, 1)), key])
    assert [e.type for e in kept] == [pygame.KEYDOWN]  # keys are not taps
    frames = 1
    while guard.settling:
        assert guard.admit(DT, [down((1, 1)), up((1, 1))]) == []
        frames += 1
    elapsed = 0.1 + (frames - 1) * DT  # the clock it was given, not wall time
    assert SETTLE - 1e-9 <= elapsed < SETTLE + DT + 1e-9
    assert [e.type for e in guard.admit(DT, [down((1, 1)), up((1, 1))])] == [DOWN, UP]


def test_an_up_without_its_down_is_dropped_per_finger():
    guard = TapGuard()  # settled: a guard that never saw a screen appear
    assert guard.admit(DT, [up((5, 5))]) == []
    kept = guard.admit(DT, [down((5, 5), touch=True, finger_id=1), up((5, 5), touch=True, finger_id=2),
                            up((5, 5), touch=True, finger_id=1)])
    assert [(e.type, e.finger_id) for e in kept] == [(DOWN, 1), (UP, 1)]


def test_a_tap_begun_on_one_screen_never_presses_the_next(app):
    second = Pad(app)
    first = Pad(app, on_click=lambda: app.stack.replace(second))
    app.stack.push(first)
    settle(app)
    app.step(DT, [down((900, 550))])
    app.step(DT, [up((900, 550))])  # the first screen's button: replaced by the second
    assert app.stack.top is second and first.button.clicks == 1
    app.step(DT, [down((900, 550))])  # a quick second tap, on the same spot, as the new screen appears
    app.step(DT, [up((900, 550))])
    assert second.button.clicks == 0 and DOWN not in second.seen and UP not in second.seen
    # a tap that went down on the first screen and comes up on the second
    third = Pad(app)
    second.button.on_click = lambda: app.stack.replace(third)
    settle(app)
    app.step(DT, [down((900, 550))])
    app.stack.replace(third)
    settle(app)
    app.step(DT, [up((900, 550))])
    assert third.button.clicks == 0 and UP not in third.seen
    # once settled, the new screen takes a whole tap of its own
    app.step(DT, [down((900, 550)), up((900, 550))])
    assert third.button.clicks == 1


def test_a_scene_uncovered_by_a_pop_takes_no_up_of_the_dialog(app):
    below = Pad(app)
    dialog = Pad(app, on_click=lambda: None)
    app.stack.push(below)
    app.stack.push(dialog)
    settle(app)
    app.step(DT, [down((900, 550))])
    app.stack.pop()
    app.step(DT, [up((900, 550))])
    assert below.button.clicks == 0 and not below.button.pressed
    app.step(DT, [down((900, 550)), up((900, 550))])  # no settling after a pop: the screen was there
    assert below.button.clicks == 1


def test_repeated_taps_on_the_briefings_next_never_land_on_check_my_map(app):
    """The issue's report: taps on Next as fast as a finger goes, one tap split across the change."""
    scenario = load(builtin_dir() / "customer_service.yaml")
    rnd = flow.start(app, scenario)
    app.step(DT, [])
    briefing = app.stack.top
    assert briefing.name == "briefing"
    spot = briefing.next_button.rect.center
    settle(app)
    map_screen, frame = None, 0
    for frame in range(600):  # a tap every 6 frames (0.1 s), down and up in different frames
        phase = frame % 6
        events = [down(spot)] if phase == 0 else [up(spot)] if phase == 2 else []
        app.step(DT, events)
        if app.stack.top.name == "map" and map_screen is None:
            map_screen, frame_in = app.stack.top, frame
        if map_screen is not None and frame - frame_in > SETTLE / DT:
            break
    assert map_screen is not None and map_screen.b_check.rect.collidepoint(spot)  # the same place
    assert map_screen.b_check.clicks == 0 and app.stack.top is map_screen
    # the guard waits, it does not refuse: a tap once the map has settled checks the map
    settle(app)
    app.step(DT, [down(spot)])
    app.step(DT, [up(spot)])
    assert map_screen.b_check.clicks == 1
