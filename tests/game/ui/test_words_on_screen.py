"""No identifier reaches the screen: every string the game draws in the screenshot states (and the what-if
screen) is recorded through the theme's text rendering, and none may hold a snake_case word or a step,
port, lever, pool, charge or KPI id of the scenario that is not also an ordinary word of what the scenario
says in its labels. Also the words themselves: port names, and what a run of the scenario's horizon is called."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from engine.load import builtin_dir, load
from game.ui import words

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
FILE_NAME = re.compile(r"[\w./-]+\.(?:ya?ml|json|csv|pdf|png|bpmn|txt|db)\b")  # a file's name is the file's


def scenario_ids(sc) -> set[str]:
    """Every identifier a scenario file names: steps, their ports, levers, pools, charges, KPIs asked for."""
    ids = set(sc.steps) | set(sc.resources) | {r.id for r in sc.rules} | {p.id for p in sc.penalties}
    ids |= {t.kpi for t in sc.objective.targets}
    for step in sc.steps.values():
        ids |= set(getattr(step, "ports", ()) or ())
    return {i for i in ids if isinstance(i, str)}


def _sentences(data):
    """Every string of the scenario file with a space in it: what its author wrote for people to read."""
    if isinstance(data, dict):
        for v in data.values():
            yield from _sentences(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from _sentences(v)
    elif isinstance(data, str) and " " in data.strip():
        yield data


def ordinary_words(sc) -> set[str]:
    """The words the scenario itself shows people: its title, labels, options, briefing and hints, as written
    (an id such as `done` that is also a word of those is a word on screen too)."""
    texts = [sc.title] + [s.label or "" for s in sc.steps.values()] + [r.label or "" for r in sc.rules]
    texts += list(_sentences(sc.raw))
    return {w for t in texts for w in WORD.findall(t)} | {w.lower() for t in texts for w in WORD.findall(t)}


def leaks(strings, sc) -> list[tuple[str, str]]:
    """(string, token) for every drawn string holding an identifier."""
    ids, plain = scenario_ids(sc), ordinary_words(sc)
    out = []
    for s in strings:
        s = FILE_NAME.sub("", s)
        for token in SNAKE.findall(s):
            out.append((s, token))
        for token in WORD.findall(s):
            if "_" not in token and token in ids and token not in plain:
                out.append((s, token))
    return out


@pytest.fixture
def drawn(monkeypatch):
    """The strings drawn through the theme while the test runs (its text rendering, wrapped)."""
    from game.ui import theme as T

    seen: list[str] = []
    real = T.render

    def recording(text, *args, **kwargs):
        seen.append(str(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(T, "render", recording)
    return seen


def test_the_check_sees_an_identifier_and_passes_words():
    sc = load(builtin_dir() / "tutorial.yaml")
    assert any("needs_agent" in scenario_ids(sc) for _ in [0])
    assert leaks(["Now tap the card that 'FAQ' (needs_agent) leads to."], sc)
    assert not leaks([f"Now tap the card that 'FAQ' ({words.port_name('needs_agent')}) leads to."], sc)
    step = next(iter(sc.steps))
    assert leaks([f"Waiting at {step}"], sc) or step in ordinary_words(sc)


def test_port_names_and_horizons_in_words():
    assert words.port_name("needs_agent") == "needs agent"
    names = {p.stem: words.horizon_title(load(p)) for p in sorted(builtin_dir().glob("*.yaml"))}
    assert names["customer_service"] == "The day"
    sc = load(builtin_dir() / "supply_chain.yaml")
    assert sc.time.horizon * sc.time.hours_per_unit == 14 * 24 and names["supply_chain"] == "The fortnight"

    class Time:  # the derivation on its own: 7 days a week, 3 days by number
        def __init__(self, hours):
            self.horizon, self.hours_per_unit = hours, 1.0

    class Sc:
        def __init__(self, hours):
            self.time = Time(hours)

    assert [words.horizon_title(Sc(h)) for h in (8, 24, 168, 72)] == ["The day", "The day", "The week", "The 3 days"]


def _screens(scenario_file: str, size, drawn) -> list[str]:
    import pygame

    from game.core.app import App
    from game.tools import screenshots as S

    pygame.init()
    app = App(tuple(size), headless=True)
    app.settings.background_par = False
    with tempfile.TemporaryDirectory() as tmp:
        session = S.Session(app, Path(tmp), tuple(size), lambda *_: None, load(builtin_dir() / scenario_file))
        for state in S.STATES:
            state(session)
    return list(drawn)


@pytest.mark.parametrize("scenario_file", ["tutorial.yaml", "supply_chain.yaml"])
def test_no_identifier_on_any_screenshot_state(scenario_file, drawn):
    strings = _screens(scenario_file, (1280, 720), drawn)
    assert len(set(strings)) > 100  # the screens were drawn, and recorded
    found = leaks(set(strings), load(builtin_dir() / scenario_file))
    assert not found, found[:20]


def test_the_connect_prompt_says_a_port_in_words(drawn):
    """Tapping the tutorial's `needs_agent` port: the prompt names it 'needs agent', and nothing drawn leaks."""
    import pygame

    from game.core.app import App
    from game.play.round import Round
    from game.scenes.mapeditor import MapEditorScene
    from taps import settle

    sc = load(builtin_dir() / "tutorial.yaml")
    src = next(e.src for e in sc.reference.edges if e.port == "needs_agent")
    pygame.init()
    app = App((1920, 1080), headless=True)  # window and logical pixels alike: the tap lands where aimed
    rnd = Round(sc)
    rnd.edges = [e for e in sc.reference.edges if e.port != "needs_agent"]  # the port open, its card placed
    scene = MapEditorScene(app, rnd, on_done=lambda: None)
    app.stack.push(scene)
    settle(app)
    pos = tuple(int(v) for v in scene.board.port_pos(src, "needs_agent"))
    app.step(1 / 60, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)])
    assert scene.armed_port == (src, "needs_agent")
    drawn.clear()
    app.step(1 / 60, [])
    assert "(needs agent)" in scene.instruction()
    assert any("needs agent" in s for s in drawn), [s for s in drawn if "need" in s]
    assert not leaks(drawn, sc), leaks(drawn, sc)
