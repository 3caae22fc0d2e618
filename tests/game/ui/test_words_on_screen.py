"""No identifier reaches the screen: every string the game draws in the screenshot states (and the what-if
screen) is recorded through the theme's text rendering, and none may hold a snake_case word or a step,
port, lever, pool, charge or KPI id of the scenario that is not also an ordinary word of what the scenario
says in its labels. Also the words themselves: port names, and what a run of the scenario's horizon is called."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from engine.load import builtin_dir, load
from game.ui import words

from words_check import day_slips, leaks, ordinary_words, record, scenario_ids


@pytest.fixture
def drawn(monkeypatch):
    return record(monkeypatch)


def test_the_check_sees_an_identifier_and_passes_words():
    sc = load(builtin_dir() / "tutorial.yaml")
    assert "needs_agent" in scenario_ids(sc)
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
    assert words.evaluation_runs(load(builtin_dir() / "supply_chain.yaml")) == f"the {sc.run.replications} evaluation fortnights"
    assert day_slips(["Profit on the 10 evaluation days", "Run the day  ▶", "Day 3, 08:00"], sc) == [
        "Profit on the 10 evaluation days", "Run the day  ▶"]  # the check sees them; a day of the fortnight is fine


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


@pytest.mark.parametrize("scenario_file", ["tutorial.yaml", "supply_chain.yaml",
                                           pytest.param("customer_service.yaml", marks=pytest.mark.slow),
                                           pytest.param("field_service.yaml", marks=pytest.mark.slow)])
def test_no_identifier_on_any_screenshot_state(scenario_file, drawn):
    strings = _screens(scenario_file, (1280, 720), drawn)
    assert len(set(strings)) > 100  # the screens were drawn, and recorded
    sc = load(builtin_dir() / scenario_file)
    found = leaks(set(strings), sc)
    assert not found, found[:20]
    others = [load(p) for p in sorted(builtin_dir().glob("*.yaml"))]  # the select screen shows them all
    slips = day_slips(set(strings), sc, others)  # a fortnight's screens never call it "the day"
    assert not slips, slips
    title = words.horizon_title(sc)  # the run is titled by its horizon: "The fortnight" for supply chain
    assert title in strings and (title == "The day" or "The day" not in strings)


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


@pytest.mark.parametrize("scenario_file", ["tutorial.yaml", "supply_chain.yaml"])
def test_the_debrief_page_says_no_identifier(scenario_file, tmp_path):
    """Every text on the debrief page (titles, labels, ticks, legends, the advisors' comments): no id; the
    tutorial's map shows its `needs_agent` port as 'needs agent'; the day chart is titled by the horizon."""
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from engine.sim import run
    from game.data.report import draw, prepare
    from game.data.store import Store

    sc = load(builtin_dir() / scenario_file)
    edges = [e for e in sc.reference.edges][:-1]  # one link missing: the page draws it, with its hint
    r = run(sc, None, sc.default_rules(), replications=1, seed=3, workers=1)
    store = Store.open(tmp_path / "data")
    try:
        store.add_round("Blue", sc.id, r.mean("profit"), kpis=r.summary, edges=edges, workshop="w", baseline=1.0,
                        par=2.0, baseline_kpis=r.summary, par_kpis=r.summary, scenario_path=sc.path)
        d = prepare(store, "Blue", simulate=False)
    finally:
        store.close()
    fig = draw(d)
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]
    assert len(texts) > 20
    found = leaks(texts, sc)
    assert not found, found[:20]
    assert any(t.startswith(f"The best round's {words.horizon_noun(sc)}") for t in texts), texts
    if "needs_agent" in scenario_ids(sc):
        assert "needs agent" in texts
