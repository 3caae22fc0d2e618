"""Workshop mode headless: custom scenarios beside the built-in ones, a broken one listed with its LINE:COL
problems, a changed file reloaded, teams taking turns, the side-by-side board and the results export."""
import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from engine.load import builtin_dir, load
from game.play import flow
from game.modes.workshop.board import TeamBoardScene
from game.modes.workshop.mode import install
from game.modes.workshop.team_name import TeamNameScene
from game.modes.shared import store
from taps import settle

DT = 1 / 30
ROOT = Path(__file__).resolve().parents[2]
BROKEN = """format: 1
id: broken-example
title: A scenario with mistakes
domain: logistics
steps:
  depot: {kind: nope}
"""




@pytest.fixture
def app(mode_app):
    return mode_app


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "custom"
    d.mkdir()
    text = (builtin_dir() / "customer_service.yaml").read_text()
    (d / "my_calls.yaml").write_text(text.replace("id: customer-service", "id: my-calls", 1))
    (d / "zz_broken.yaml").write_text(BROKEN)
    return d


def step(app, seconds=0.0, events=()):
    app.step(DT, list(events))
    for _ in range(int(seconds / DT)):
        app.step(DT, [])
    return app.stack.top


def workshop(app, dirs=()):
    ws = install(app, dirs, workshop="test-workshop")
    opts = app.settings
    opts.background_par, opts.par_seconds = False, 1.0
    return ws


def test_custom_scenarios_listed_beside_builtin_and_a_broken_one_with_its_errors(app, folder):
    workshop(app, [folder])
    assert step(app).name == "workshop"
    flow.select(app)
    sel = step(app)
    builtin = [e for e in sel.entries if not e.custom]
    custom = [e for e in sel.entries if e.custom]
    assert builtin and {e.path.name for e in custom} == {"my_calls.yaml", "zz_broken.yaml"}
    ok = next(e for e in custom if e.path.name == "my_calls.yaml")
    assert ok.scenario is not None and ok.scenario.id == "my-calls"
    bad = next(e for e in custom if e.path.name == "zz_broken.yaml")
    assert bad.scenario is None and bad.problems
    assert all(re.match(r"\d+:\d+: ", p) for p in bad.problems)
    app.surface.fill((0, 0, 0))
    sel.move(sel.entries.index(bad) - sel.focus)
    step(app)  # the broken card drawn, without breaking the list


def test_a_changed_scenario_file_is_reloaded(app, folder):
    ws = workshop(app, [folder])
    flow.select(app)
    sel = step(app)
    bad = folder / "zz_broken.yaml"
    assert next(e for e in sel.entries if e.path == bad).scenario is None
    fixed = (builtin_dir() / "field_service.yaml").read_text()
    bad.write_text(fixed)
    st = bad.stat()
    os.utime(bad, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    top = step(app, 1.2)  # the folder is polled about once a second
    assert ws.reloads == 1 and top is not sel and top.name == "select"
    entry = next(e for e in top.entries if e.path == bad)
    assert entry.scenario is not None and not entry.problems
    (folder / "new_one.yaml").write_text(BROKEN)
    top = step(app, 1.2)
    assert ws.reloads == 2 and any(e.path.name == "new_one.yaml" for e in top.entries)


def play_round(app, ws, rules=None, name="customer_service.yaml"):
    sc = load(builtin_dir() / name)
    rnd = flow.start(app, sc, briefing=False)
    rnd.edges = list(sc.reference.edges)
    rnd.rules.update(rules or {})
    flow.go(app, rnd, "results")
    res = step(app)
    assert type(res).__name__ == "WorkshopResults"
    assert res.wait(60)
    step(app, 0.1)
    assert rnd.recorded is not None
    return res


def drawn_texts(app, scene, monkeypatch) -> list[str]:
    from game.ui import theme

    seen: list[str] = []
    real = theme.text
    monkeypatch.setattr(theme, "text", lambda surface, s, *a, **k: (seen.append(s), real(surface, s, *a, **k))[1])
    scene.draw(app.surface)
    monkeypatch.setattr(theme, "text", real)
    return seen


def test_results_record_board_and_debrief_show_the_references(app, monkeypatch):
    """One round of a built-in scenario: its results, its record, the board and the debrief give the same
    profit, defaults and par, those of engine.optimize.references on the evaluation days."""
    from types import SimpleNamespace

    from engine import sim
    from engine.optimize import load_par, references
    from engine.scoring import evaluation_days
    from game.data.report import prepare

    ws = workshop(app)
    ws.add_team("Blue")
    res = play_round(app, ws, name="tutorial.yaml")
    rnd, o = res.round, res.outcome
    sc = rnd.scenario
    kept = load_par(sc)
    refs = references(sc, kept if kept is not None else SimpleNamespace(best_rules=o.references.par_rules,
                                                                        extra=None), rnd.seed)
    seed, reps = evaluation_days(sc, rnd.seed)
    player = sim.run(sc, rnd.pmap, rnd.rules, replications=reps, seed=seed).means()["profit"]
    assert round(o.grade.score, 2) == round(player, 2)
    texts = res.headline_texts()
    assert (texts["defaults"], texts["par"]) == (f"Defaults {refs.baseline:,.0f} USD", f"Par {refs.par:,.0f} USD")
    rec = store(app).rounds(workshop="test-workshop")[0]
    assert (rec.profit, rec.baseline, rec.par, rec.stars) == (o.grade.score, refs.baseline, refs.par, o.grade.stars)
    assert rec.baseline_kpis == pytest.approx(refs.baseline_kpis, nan_ok=True)

    board = app.stack.replace(TeamBoardScene(app, ws))
    drawn = drawn_texts(app, board, monkeypatch)
    assert f"{player:,.0f} USD" in drawn and board.profit_text(rec) == f"{player:,.0f} USD"
    assert any(f"Ranked by profit on the {reps} evaluation days; ties: stars, then map" in t for t in drawn)
    assert not any("1,000" in t for t in drawn)
    marks = {name: shown for name, _, shown, _ in board.target_marks(rec)}
    for t in sc.objective.targets:
        assert marks[t.kpi].startswith("✓" if t.met(o.kpis[t.kpi]) else "✗")

    d = prepare(store(app), "Blue", "test-workshop")
    assert (d.baseline_score, d.par_score) == (refs.baseline, refs.par)
    line = d.score_line()
    assert o.money.sentence() in line
    assert f"default rules {refs.baseline:,.0f}, par {refs.par:,.0f} USD" in line


def test_the_board_ranks_by_profit_then_stars_then_map(app):
    ws = workshop(app)
    st = store(app)
    st.add_round("Map", "tutorial", 900.0, stars=2, map_score=60, workshop="test-workshop")
    st.add_round("Low", "tutorial", 800.0, stars=3, map_score=100, workshop="test-workshop")
    st.add_round("Top", "tutorial", 900.0, stars=2, map_score=90, workshop="test-workshop")
    st.add_round("Map", "tutorial", 850.0, stars=3, map_score=100, workshop="test-workshop")  # Map's worse round
    board = TeamBoardScene(app, ws)
    assert [(r.team, r.profit) for r in board.best_rounds()] == [("Top", 900.0), ("Map", 900.0), ("Low", 800.0)]


@pytest.mark.slow
def test_teams_take_turns_and_the_board_compares_them(app, tmp_path):
    ws = workshop(app)
    home = step(app)
    assert home.name == "workshop" and not home.play_button.enabled
    settle(app)  # the facilitator's finger comes after the screen is up (the tap guard)
    step(app, 0.0, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=home.buttons[1].rect.center, button=1),
                    pygame.event.Event(pygame.MOUSEBUTTONUP, pos=home.buttons[1].rect.center, button=1)])
    namer = app.stack.top
    assert isinstance(namer, TeamNameScene)
    for ch in "Blue":
        step(app, 0.0, [pygame.event.Event(pygame.KEYDOWN, key=0, mod=0, unicode=ch, scancode=0)])
    step(app, 0.0, [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r", scancode=0)])
    assert app.stack.top is home and ws.current == "Blue"
    ws.add_team("Green")
    assert ws.teams() == ["Blue", "Green"] and ws.current == "Blue"

    res = play_round(app, ws)
    res.next_team()
    assert ws.current == "Green" and app.stack.top.name == "workshop"
    sc = load(builtin_dir() / "customer_service.yaml")
    slider = next(r for r in sc.rules if r.kind == "slider")
    play_round(app, ws, {slider.id: slider.values()[0]})
    rounds = store(app).rounds(workshop="test-workshop")
    assert [r.team for r in rounds] == ["Blue", "Green"]
    assert all(r.edges and r.kpis for r in rounds)

    board = app.stack.replace(TeamBoardScene(app, ws))
    best = board.best_rounds()
    assert {r.team for r in best} == {"Blue", "Green"} and best[0].rank_key <= best[1].rank_key
    step(app)  # drawn, thumbnails and all
    assert board._thumbs and all(img.get_width() > 100 for img in board._thumbs.values())

    path = ws.export(tmp_path / "out")
    rows = list(csv.reader(path.open()))
    assert path.name == "results.csv" and len(rows) == 3 and {rows[1][1], rows[2][1]} == {"Blue", "Green"}
    maps = sorted(p.name for p in (tmp_path / "out").glob("*.bpmn"))  # each team's best map, for a modeller
    assert maps == ["map-blue-customer-service.bpmn", "map-green-customer-service.bpmn"]
    from engine.bpmn.imports import scenario_from_bpmn

    raw, _ = scenario_from_bpmn((tmp_path / "out" / maps[0]).read_text(), maps[0])
    assert raw["id"] == sc.id and set(raw["steps"]) == set(sc.steps)
    pytest.importorskip("matplotlib")
    written = ws.debriefs(tmp_path / "out")
    assert {p.name for p in written} >= {"debrief-blue.png", "debrief-green.pdf"}


def test_main_facilitator_headless_exits_0(tmp_path, folder):
    r = subprocess.run([sys.executable, "main.py", "--facilitator", "--scenarios", str(folder), "--headless",
                        "--frames", "60", "--data", str(tmp_path / "d")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_a_team_that_joins_waits_its_turn(app):
    """Turns go by rounds played, then by the order the teams joined: a team added while another is up
    does not jump the queue, and plays once the teams ahead of it in this rotation have."""
    ws = workshop(app)
    st = store(app)
    for name in ("Blue", "Green"):
        ws.add_team(name)
    home = step(app)

    def play_turn():
        st.add_round(ws.current, "tutorial", 500.0, workshop="test-workshop")
        ws.next_team()
        return ws.current

    assert ws.current == "Blue" and play_turn() == "Green"
    namer = TeamNameScene(app, ws)
    app.stack.push(namer)
    for ch in "Red":
        namer.type(ch)
    namer.add()
    assert app.stack.top is home and ws.teams() == ["Blue", "Green", "Red"]
    assert ws.current == "Green"  # Red waits: Green was up
    assert [play_turn() for _ in range(4)] == ["Red", "Blue", "Green", "Red"]
    assert [t.rounds for t in st.teams("test-workshop")] == [2, 2, 1]
    ws.current = "Blue"  # the facilitator taps a card out of turn
    assert play_turn() == "Red"  # then the queue goes on from who has played least
    assert play_turn() == "Green"
    reopened = workshop(app)
    assert reopened.current == "Green"  # a machine started again picks up the queue where it stood


def test_the_team_playing_is_named_on_every_screen_of_its_turn_over_nothing(app, monkeypatch):
    """Scenario select, briefing, map, rules, run and results each name the team whose turn it is, in a
    place that screen leaves free: the badge meets none of its buttons (nor the map's advisors)."""
    from game.modes.demo.mode import expert_round
    from game.modes.workshop.playing import badge_rect

    ws = workshop(app)
    ws.add_team("Blue")
    ws.add_team("The Night Owls")
    ws.current = "The Night Owls"
    sc = load(builtin_dir() / "customer_service.yaml")
    screens = [flow.select(app)]
    rnd = expert_round(sc)
    for phase in ("briefing", "map", "rules", "run", "results"):
        screens.append(flow.go(app, rnd, phase))
    assert [s.name for s in screens] == ["select", "briefing", "map", "rules", "run", "results"]
    for screen in screens:
        app.stack.replace(screen)
        step(app, 0.1)
        assert any("The Night Owls" in s for s in drawn_texts(app, ws, monkeypatch)), screen.name
        spot = badge_rect(screen.name)
        buttons = screen.buttons() if callable(screen.buttons) else screen.buttons
        rects = [b.rect for b in buttons] + ([screen.desk.rect] if hasattr(screen, "desk") else [])
        assert spot.collidelist(rects) == -1, screen.name
    app.stack.replace(ws.teams_screen())
    step(app, 0.1)
    assert drawn_texts(app, ws, monkeypatch) == []  # home says NEXT UP on the team's card instead


def test_the_board_shows_each_teams_levers_decisions_and_targets(app, monkeypatch):
    """Per team: every lever as its day began, in words with its unit; what it decided at the storm (or the
    default, for a round that kept no choice); each target met or missed; the ranking rule above them."""
    ws = workshop(app)
    sc = load(builtin_dir() / "customer_service.yaml")
    storm = next(i for i, ev in enumerate(sc.events) if ev.decision is not None)
    at = sc.events[storm].at
    targets = {t.kpi: t for t in sc.objective.targets}
    meets = {k: (t.min + 0.01 if t.min is not None else t.max - 0.01) for k, t in targets.items()}
    misses = {k: (t.min - 0.01 if t.min is not None else t.max + 0.01) for k, t in targets.items()}
    st = store(app)
    st.add_round("Blue", sc.id, 3000.0, stars=2, map_score=100, edges=sc.reference.edges, workshop="test-workshop",
                 scenario_path=sc.path, kpis=meets,
                 rules={**sc.default_rules(), "juniors": 40, "ivr": "speech",
                        "_played": [[at, "decide", [storm, "temps"]]],
                        "_decisions": [[at, storm, "temps", {"temps": 3000.0}]]})
    st.add_round("Red", sc.id, 1000.0, stars=0, map_score=90, edges=sc.reference.edges, workshop="test-workshop",
                 scenario_path=sc.path, kpis=misses, rules=sc.default_rules())
    board = app.stack.replace(TeamBoardScene(app, ws))
    blue, red = board.best_rounds()
    levers, lines = board.choices(blue)
    assert levers[:3] == [("Junior reps on shift", "40 reps", True), ("Senior reps on shift", "9 reps", False),
                          ("IVR package", "Speech", True)]
    assert lines == ["At 13:00: Call in 6 temps"]
    assert board.choices(red)[1] == ["At 13:00: Ride it out (the default)"]
    assert all(not changed for _, _, changed in board.choices(red)[0])
    assert [m for *_, m in board.target_marks(blue)] == [True] * len(targets)
    assert [m for *_, m in board.target_marks(red)] == [False] * len(targets)
    drawn = drawn_texts(app, board, monkeypatch)
    for text in ("40 reps", "Speech", "At 13:00: Call in 6 temps", "Ride it out (the", "Cross-sell pitch on sales calls"):
        assert any(text in t for t in drawn), text
    assert any(t.startswith("Ranked by profit") for t in drawn)
