"""Every screen of the screenshot set, on every built-in scenario, with every text held to its box.

Each state of `game.tools.screenshots.STATES` is reached as the screenshot tool reaches it; at each of its
saves one more frame is drawn inside `game.ui.textfit.recording()`, and the test fails naming the screen and
the string of any text cut (an ellipsis with no tap to read it whole, a paragraph longer than its box),
drawn past its box, under the reading size (26 logical px; 20 in dense tables) or over another text. There
is no allow-list.

The window sizes: the app draws on a constant logical 1920x1080 surface and only scales it into the window
(`App.viewport`, letterboxed in 1024x768 and in the portrait 1080x1920), so where a text lands and whether it
fits is the same at every size; the findings above are measured once. What differs with the window is how
many window pixels a logical pixel becomes: `test_touch_size` checks, at 1920x1080, 1280x720, 1024x768 and
1080x1920, that the map's tray cards stay 48 window px tall, and that the reading size stays the size asked;
`test_every_text_fits` that every button, choice and slider drawn in every state is at least 72 logical px a
side (`widgets.MIN_TARGET`): 48 window px from a 1280x720 window up (38 px at 1024x768, 40 in the portrait).

The modes' screens (`game.tools.modeshots`: the kiosk's, the workshop's, the demo's what-if) are checked the
same way.
"""
from __future__ import annotations

import contextlib
import types

import pygame
import pytest

from game.tools import screenshots
from game.ui import textfit
from game.ui import theme as T

SIZES = ((1920, 1080), (1280, 720), (1024, 768), (1080, 1920))
SCENARIOS = ("customer_service.yaml", "supply_chain.yaml",
             pytest.param("field_service.yaml", marks=pytest.mark.slow),
             pytest.param("tutorial.yaml", marks=pytest.mark.slow))


def checked_session(tmp_path, scenario, targets: dict | None = None) -> tuple[screenshots.Session, dict]:
    """A screenshot session whose saves draw one frame under the text-fit check instead of writing a PNG;
    the dict maps each saved screen to what the check found on it. With `targets`, each saved screen's
    tap targets drawn in that frame go there too (`drawn_targets`)."""
    session = screenshots.open_session(tmp_path, (1920, 1080), lambda line: None, scenario)
    found: dict[str, list[textfit.Finding]] = {}

    def save(self, name: str, note: str = "") -> None:
        with textfit.recording() as recorder, drawn_targets() as drawn:
            self.frames(1)
        found[name] = list(recorder.findings)
        if targets is not None:
            targets[name] = drawn
        self.shots.append((name, None))

    session.save = types.MethodType(save, session)
    return session, found


@contextlib.contextmanager
def drawn_targets():
    """The tap targets drawn meanwhile, as (what, rect): every button, every choice's segment, every
    slider's track as widgets.Slider takes a press on it, every advisor's portrait."""
    from game.ui import widgets
    from game.ui.advisor_panel import AdvisorDesk

    drawn: list[tuple[str, pygame.Rect]] = []
    real = {cls: cls.draw for cls in (widgets.Button, widgets.Choice, widgets.Slider, AdvisorDesk)}

    def button(self, surface):
        drawn.append((f"button {self.label!r}", pygame.Rect(self.rect)))
        real[widgets.Button](self, surface)

    def choice(self, surface):
        drawn.extend((f"choice {self.label!r}", seg) for seg in self.segments())
        real[widgets.Choice](self, surface)

    def slider(self, surface):
        drawn.append((f"slider {self.label!r}", self.track.inflate(40, widgets.MIN_TARGET)))
        real[widgets.Slider](self, surface)

    def desk(self, surface, *args, **kwargs):
        drawn.extend((f"advisor {aid}", r) for aid, r in self.portrait_rects().items())
        real[AdvisorDesk](self, surface, *args, **kwargs)

    widgets.Button.draw, widgets.Choice.draw, widgets.Slider.draw, AdvisorDesk.draw = button, choice, slider, desk
    try:
        yield drawn
    finally:
        for cls, draw in real.items():
            cls.draw = draw


def small_targets(targets: dict, window) -> list[str]:
    """The targets under 48 window px (either side) in a window of `window`."""
    return [f"{screen}: {what} {tuple(r)}" for screen, drawn in targets.items() for what, r in drawn
            if textfit.window_px(min(r.width, r.height), window) < 48 - 0.01]


def report(found: dict) -> str:
    return "\n".join(f"{screen}: {f}" for screen, findings in found.items() for f in findings)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_text_fits(tmp_path, scenario):
    """Every text of every state held to its box; and every tap target drawn there (buttons, choices,
    sliders) at least 48 window px a side from a 1280x720 window up: 72 logical px."""
    targets: dict = {}
    session, found = checked_session(tmp_path, scenario, targets)
    for state in screenshots.STATES:
        state(session)
    assert len(found) >= len(screenshots.STATES)  # every state saved at least one screen
    assert not any(found.values()), f"{scenario}:\n{report(found)}"
    assert sum(len(d) for d in targets.values()) > 5 * len(screenshots.STATES)  # the targets were seen
    for window in ((1920, 1080), (1280, 720)):
        assert not small_targets(targets, window), small_targets(targets, window)


LONG = "A deliberately long label that no card in the tray can hold on three lines however it wraps"


def test_a_long_label_fails_the_check(tmp_path):
    from engine.load import builtin_dir, load

    yaml = (builtin_dir() / "tutorial.yaml").read_text()
    assert "label: FAQ page" in yaml
    path = tmp_path / "long_label.yaml"
    path.write_text(yaml.replace("label: FAQ page", f"label: {LONG}", 1))
    session, found = checked_session(tmp_path, load(path))
    screenshots._briefing(session)
    screenshots._map_empty(session)
    assert any(f.kind == "cut" and f.text == LONG for f in found["map_empty"]), report(found)


def test_the_check_sees_overlap_smallness_and_overflow():
    import pygame

    pygame.init()
    surface = pygame.Surface(T.LOGICAL_SIZE)
    with textfit.recording() as recorder:
        T.text(surface, "09:00", (100, 100), T.SIZE_SMALL)
        T.text(surface, "09:30", (140, 100), T.SIZE_SMALL)  # 09:00 is wider than 40 px: they collide
        T.text(surface, "tiny", (100, 300), T.SIZE_SMALL - 4)
        T.text(surface, "dense", (100, 400), T.SIZE_DENSE, dense=True)
        T.text(surface, "far too wide for its box", (100, 500), T.SIZE_SMALL, box=pygame.Rect(100, 490, 80, 50))
        T.panel(surface, pygame.Rect(0, 580, 400, 200))
        T.text(surface, "under", (100, 600), T.SIZE_SMALL)
        T.panel(surface, pygame.Rect(0, 580, 400, 200))  # a dialog drawn over "under"
        T.text(surface, "over", (100, 600), T.SIZE_SMALL)
    kinds = {(f.kind, f.text) for f in recorder.findings}
    assert kinds == {("overlap", "09:30"), ("small", "tiny"), ("past its box", "far too wide for its box")}
    assert T.recorder is None  # the game path is left without a recorder


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_touch_size(tmp_path, size):
    from game.scenes.mapeditor.tray import CARD_H

    session = screenshots.open_session(tmp_path, size, lambda line: None)
    screenshots._briefing(session)
    session.save = types.MethodType(lambda self, name, note="": None, session)
    screenshots._map_empty(session)
    tray = session.app.stack.top.tray
    cards = tray.items()
    assert cards and all(r.height == CARD_H for _, r in cards)
    vp = session.app.viewport(size)
    assert textfit.window_px(CARD_H, size) == pytest.approx(CARD_H * vp.height / T.H, abs=1)
    assert textfit.window_px(min(r.height for _, r in cards), size) >= 48


@pytest.mark.parametrize("scenario", ("customer_service.yaml", "supply_chain.yaml", "field_service.yaml",
                                      "tutorial.yaml"))
def test_every_cards_help_fits_the_top_bar(tmp_path, scenario):
    """The map's top bar with each card selected in turn: the card's help line, read whole."""
    session, found = checked_session(tmp_path, scenario)
    expert = screenshots.Round(session.scenario)
    expert.edges = list(session.scenario.reference.edges)
    editor = screenshots.flow.go(session.app, expert, "map")
    session.frames(2)
    for step_id in session.scenario.steps:
        editor.selected = step_id
        assert editor.instruction().startswith(session.scenario.steps[step_id].label)
        session.save(f"map_selected_{step_id}")
    assert len(found) == len(session.scenario.steps)
    assert not any(found.values()), f"{scenario}:\n{report(found)}"


def test_every_mode_text_fits(tmp_path):
    """The kiosk's, the workshop's and the demo's screens of `game.tools.modeshots`, each held to the same check."""
    import pygame

    from engine.load import builtin_dir, load
    from game.tools import modeshots

    pygame.init()
    found: dict[str, list[textfit.Finding]] = {}
    session = modeshots.Session(tmp_path, (1920, 1080), lambda line: None, tmp_path / "data",
                                load(builtin_dir() / "customer_service.yaml"))

    def save(self, name: str) -> None:
        with textfit.recording() as recorder:
            self.frames(0.0)
        found[name] = list(recorder.findings)

    session.save = types.MethodType(save, session)
    states = list(modeshots.STATES)
    assert modeshots._demo in states  # the what-if screen, running, done, stale and run again
    for state in states:
        state(session)
    assert len(found) >= len(states)
    assert not any(found.values()), report(found)


def test_the_rules_note_on_another_map_fits(tmp_path):
    """The note under the forecast when the player's map is not the expert's (its own defaults' money
    added) is read whole at the reading size: not a state of the screenshot set, whose map is the expert's."""
    session, found = checked_session(tmp_path, "customer_service.yaml")
    for state in (screenshots._briefing, screenshots._map_empty, screenshots._map_hints, screenshots._map_finished,
                  screenshots._rules):
        state(session)
    rules = session.app.stack.top
    rules.expert_map = False
    rules.reset()  # the levers at their defaults: the defaults' forecast on this map is the one worked out
    rules.wait_forecast()
    base = rules.baseline_forecast
    assert base is not None and not isinstance(base, str) and base.complete
    session.save("rules_own_map")
    assert not any(found.values()), report(found)


def test_a_screenshot_shows_the_window_letterboxed(tmp_path):
    """A screenshot at a portrait size is what the window shows: the canvas scaled to its width, not
    stretched, with black bands above and below."""
    from game.core.app import App

    pygame.init()
    app = App((1080, 1920), headless=True)
    app.surface.fill(T.BG)
    app.screenshot(tmp_path / "portrait.png", (1080, 1920))
    img = pygame.image.load(str(tmp_path / "portrait.png"))
    vp = app.viewport((1080, 1920))
    assert img.get_size() == (1080, 1920) and vp.size == (1080, 607)
    assert tuple(img.get_at((540, vp.top - 5)))[:3] == tuple(T.BLACK)[:3]
    inside = tuple(img.get_at((540, vp.centery)))[:3]
    assert all(abs(a - b) <= 4 for a, b in zip(inside, tuple(T.BG)[:3])), inside  # smoothscale rounds a little
