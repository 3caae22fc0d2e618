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
    opts.replications, opts.background_par, opts.par_seconds = 1, False, 1.0
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


def play_round(app, ws, rules=None):
    sc = load(builtin_dir() / "customer_service.yaml")
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


@pytest.mark.slow
def test_teams_take_turns_and_the_board_compares_them(app, tmp_path):
    ws = workshop(app)
    home = step(app)
    assert home.name == "workshop" and not home.play_button.enabled
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
    assert {r.team for r in best} == {"Blue", "Green"} and best[0].score >= best[1].score
    step(app)  # drawn, thumbnails and all
    assert board._thumbs and all(img.get_width() > 100 for img in board._thumbs.values())

    path = ws.export(tmp_path / "out")
    rows = list(csv.reader(path.open()))
    assert path.name == "results.csv" and len(rows) == 3 and {rows[1][1], rows[2][1]} == {"Blue", "Green"}
    pytest.importorskip("matplotlib")
    written = ws.debriefs(tmp_path / "out")
    assert {p.name for p in written} >= {"debrief-blue.png", "debrief-green.pdf"}


def test_main_facilitator_headless_exits_0(tmp_path, folder):
    r = subprocess.run([sys.executable, "main.py", "--facilitator", "--scenarios", str(folder), "--headless",
                        "--frames", "60", "--data", str(tmp_path / "d")],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
