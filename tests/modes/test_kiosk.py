"""Kiosk mode, driven headless through App.step with posted-style events: attract to play, touch once,
the idle reset and its countdown, the round timer, initials and the deny-list, consent before a lead,
exports, and the crash guard."""
import csv
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pygame
import pytest

from engine.load import builtin_dir, load
from game.play import flow
from game.modes.kiosk.mode import BoardsScene, InitialsScene, KioskOptions, LeadScene, install
from game.modes.shared import store
from game.core.scene import Scene
from game.play.round import Round
from taps import has_tap, settle

DT = 1 / 30
ROOT = Path(__file__).resolve().parents[2]




@pytest.fixture
def app(mode_app):
    return mode_app


def kiosk_app(app, **kw):
    opts = KioskOptions(**kw)
    k = install(app, opts)
    app.settings.background_par = False
    app.settings.par_seconds = 1.0
    return k


def tap(pos, touch=False):
    if not touch:
        return [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)]
    # a finger, and the mouse events SDL synthesises from it (touch=True), as a touch screen sends them
    x, y = pos[0] / 1920, pos[1] / 1080
    return [pygame.event.Event(pygame.FINGERDOWN, x=x, y=y, dx=0, dy=0, finger_id=0, touch_id=0, pressure=1),
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=True),
            pygame.event.Event(pygame.FINGERUP, x=x, y=y, dx=0, dy=0, finger_id=0, touch_id=0, pressure=0),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=True)]


def key(k, ch=""):
    return [pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=ch, scancode=0)]


def run(app, seconds=0.0, events=()):
    if has_tap(events):
        settle(app)  # the screen that has just appeared drops taps for a moment (game.core.scene.TapGuard)
    app.step(DT, list(events))
    for _ in range(int(seconds / DT)):
        app.step(DT, [])
    return app.stack.top


def graded_round(profit=1712.25, stars=2):
    rnd = Round(load(builtin_dir() / "customer_service.yaml"))
    rnd.outcome = SimpleNamespace(grade=SimpleNamespace(score=profit, stars=stars, map_score=90),
                                           kpis={"profit": 1.0})
    return rnd


# --- attract and touch ------------------------------------------------------------------------------


def test_attract_runs_the_autoplay_and_a_tap_starts_a_round(app):
    k = kiosk_app(app)
    assert k.state == "attract" and app.mode == "kiosk"
    run(app, 3.0)  # the autoplay taps through the title by itself
    assert app.stack.top.name != "title" or k.driver.scene is not None
    top = run(app, 0.1, tap((300, 300)))
    assert k.state == "play" and k.plays == 1
    assert top.name == "select"
    assert not app.settings.attract


def test_a_touch_is_one_tap_not_two(app):
    k = kiosk_app(app)
    run(app, 0.5)
    run(app, 0.1, tap((900, 500), touch=True))
    assert k.plays == 1 and k.state == "play"
    # on the initials keyboard: one finger on a key types one letter, not two
    scene = app.stack.replace(InitialsScene(app, graded_round(), k))
    key_a = scene.keyboard.key_for("A")
    run(app, 0.0, tap(key_a.rect.center, touch=True))
    assert scene.initials == "A"


def test_escape_in_attract_starts_play_instead_of_quitting(app):
    k = kiosk_app(app)
    run(app, 0.2, key(pygame.K_ESCAPE))
    assert app.running and k.state == "play"


# --- idle reset ---------------------------------------------------------------------------------------


def test_idle_asks_still_there_then_counts_down_to_attract(app):
    k = kiosk_app(app, idle_seconds=2.0, countdown=1.0)
    run(app, 0.1, tap((300, 300)))
    assert k.state == "play"
    run(app, 1.5)
    assert k.countdown is None
    run(app, 0.6)
    assert k.countdown is not None and k.countdown <= 1.0
    run(app, 0.0, tap((10, 10)))  # still there: carry on
    assert k.countdown is None and k.state == "play" and app.stack.top.name == "select"
    run(app, 2.2)
    assert k.countdown is not None
    run(app, 1.2)
    assert k.state == "attract" and k.resets == 1 and app.settings.attract


def test_idle_reset_discards_the_round(app):
    k = kiosk_app(app, idle_seconds=1.0, countdown=0.5)
    run(app, 0.1, tap((300, 300)))
    flow.start(app, load(builtin_dir() / "customer_service.yaml"), briefing=False)
    run(app, 0.1)
    rnd = k.round
    assert rnd is not None and app.stack.top.name == "map"
    run(app, 2.0)
    assert k.state == "attract" and k.round is None
    assert store(app).top_today() == []


def test_watching_the_day_run_is_not_idleness_but_a_paused_day_is(app):
    k = kiosk_app(app, idle_seconds=1.0, countdown=5.0)
    run(app, 0.1, tap((300, 300)))
    sc = load(builtin_dir() / "customer_service.yaml")
    rnd = flow.start(app, sc, briefing=False)
    rnd.edges = list(sc.reference.edges)
    day = flow.go(app, rnd, "run")
    run(app, 1.5)  # the day plays: the visitor is watching
    assert app.stack.top is day and k.countdown is None and k.timing
    day.toggle_pause()
    run(app, 1.5)  # a paused day nobody touches: idle
    assert k.countdown is not None
    day.stop_work()


# --- the round timer ------------------------------------------------------------------------------------


def test_round_timer_counts_down_and_time_up_runs_the_day_then_the_results(app):
    k = kiosk_app(app, round_seconds=2.0)
    run(app, 0.1, tap((300, 300)))
    sc = load(builtin_dir() / "customer_service.yaml")
    flow.start(app, sc, briefing=False)
    run(app, 0.2)
    assert k.timing and 1.0 < k.left < 2.0
    assert k.round.edges == list(sc.kiosk.start_map.edges)  # the map phase starts from the kiosk's start map
    assert k.round.seed is not None  # the daily challenge
    run(app, 2.0)
    assert k.times_up is not None and app.stack.top.name == "map"  # "Time's up", over the map
    assert "expert's map" in k.times_up_words  # the start map cannot run: the expert's map runs the day
    run(app, 3.5)
    day = app.stack.top
    assert day.name == "run" and k.round.edges == list(sc.reference.edges) and k.round.map_score == 0
    assert day.on_back is None and day.on_map is None  # the time for the map is over: no way back to it
    while app.stack.top is day and day.wall < 120:
        run(app, 0.1)
    assert day.day.done and day.stuck is None and day.sim_time >= day.day.now >= sc.time.horizon  # never cut
    top = app.stack.top
    assert top.name == "results" and type(top).__name__ == "KioskResults"
    assert not k.timing
    assert top.wait(60)
    run(app, 0.1)
    assert top.save_button.enabled


# --- initials, boards, leads ----------------------------------------------------------------------------


def test_initials_on_the_keyboard_and_the_deny_list(app):
    k = kiosk_app(app)
    run(app, 0.1, tap((300, 300)))
    scene = app.stack.replace(InitialsScene(app, graded_round(), k))
    for ch in "FUK":
        run(app, 0.0, tap(scene.keyboard.key_for(ch).rect.center))
    assert scene.initials == "FUK"
    assert not scene.save_button.enabled and "can't" in scene.message
    scene.save()
    assert app.stack.top is scene and store(app).top_today() == []
    run(app, 0.0, tap(scene.keyboard.key_for("⌫").rect.center))
    run(app, 0.0, key(pygame.K_BACKSPACE))
    run(app, 0.0, key(pygame.K_b, "b") + key(pygame.K_c, "c") + key(pygame.K_d, "d"))
    assert scene.initials == "FBC"  # three letters at most
    assert scene.save_button.enabled
    top = run(app, 0.0, tap(scene.save_button.rect.center))
    assert isinstance(top, BoardsScene)
    today = store(app).top_today()
    assert [(s.initials, s.profit, s.stars, s.map_score) for s in today] == [("FBC", 1712.25, 2, 90)]
    assert store(app).best_today().initials == "FBC"
    assert [s.initials for s in top.all_time] == ["FBC"]


def test_after_the_results_the_kiosk_leads_the_visitor_initials_boards_lead_boards_then_attract(app):
    k = kiosk_app(app)
    run(app, 0.1, tap((300, 300)))
    rnd = graded_round(640.0, 1)
    rnd.phase = "run"  # a round phase: only the kiosk's own screens stop the round timer
    k.round = rnd
    k.show_initials(rnd)
    assert isinstance(app.stack.top, InitialsScene) and not k.timing
    app.stack.top.skip()
    boards = app.stack.top
    assert isinstance(boards, BoardsScene) and boards.mine is None and boards.my_profit == 640 and not k.timing
    boards.lead()
    lead = app.stack.top
    assert isinstance(lead, LeadScene) and not k.timing
    lead.cancel()
    assert isinstance(app.stack.top, BoardsScene)
    app.stack.top.done()
    assert k.state == "attract" and app.stack.top.name == "title"


def fill_lead(app, scene, name="Ada Lovelace", company="Engines Ltd", email="ada@example.com"):
    for i, text in enumerate((name, company, email)):
        run(app, 0.0, tap(scene.fields[i].rect.center))
        for ch in text:
            scene.keyboard.handle(pygame.event.Event(pygame.KEYDOWN, key=0, mod=0, unicode=ch, scancode=0))


def test_a_lead_is_stored_only_with_consent(app):
    k = kiosk_app(app)
    run(app, 0.1, tap((300, 300)))
    rnd = graded_round()
    scene = app.stack.replace(LeadScene(app, rnd, k, mine=None))
    fill_lead(app, scene)
    assert scene.complete and not scene.consent
    assert not scene.send_button.enabled
    scene.send()
    assert store(app).leads() == [] and app.stack.top is scene and "tick" in scene.message.lower()
    run(app, 0.0, tap(scene.consent_rect.center))
    assert scene.consent and scene.send_button.enabled
    top = run(app, 0.0, tap(scene.send_button.rect.center))
    leads = store(app).leads()
    assert [(x.name, x.company, x.email) for x in leads] == [("Ada Lovelace", "Engines Ltd", "ada@example.com")]
    assert leads[0].consent_text and isinstance(top, BoardsScene) and not top.lead_button.enabled


def test_a_lead_with_a_malformed_email_cannot_be_sent(app):
    k = kiosk_app(app)
    run(app, 0.1, tap((300, 300)))  # out of attract: a visitor plays
    scene = app.stack.replace(LeadScene(app, graded_round(), k))
    fill_lead(app, scene, email="ada@example")
    scene.toggle_consent()
    assert not scene.fields[2].ok and not scene.send_button.enabled
    scene.send()
    assert store(app).leads() == []


def test_leads_and_scores_export_as_csv(app, tmp_path):
    from game.data import exports

    k = kiosk_app(app)
    run(app, 0.1, tap((300, 300)))  # out of attract: a visitor plays
    scene = app.stack.replace(LeadScene(app, graded_round(), k))
    fill_lead(app, scene)
    scene.toggle_consent()
    scene.send()
    out = tmp_path / "leads.csv"
    exports.export_leads(store(app), out)
    rows = list(csv.reader(out.open()))
    assert any("ada@example.com" in r for r in rows[1:])
    # and from the command line, as the stand's staff export them at the end of a show
    cli = tmp_path / "cli.csv"
    r = subprocess.run([sys.executable, "main.py", "leads", "--export", str(cli), "--data", str(app.data_dir)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "ada@example.com" in cli.read_text()


# --- the crash guard ------------------------------------------------------------------------------------


class Exploding(Scene):
    name = "exploding"

    def __init__(self, app, where="update"):
        super().__init__(app)
        self.where = where

    def update(self, dt, events):
        if self.where == "update":
            raise RuntimeError("a bug in a screen")

    def draw(self, surface):
        if self.where == "draw":
            raise ZeroDivisionError("a bug in a drawing")


@pytest.mark.parametrize("where", ["update", "draw"])
def test_a_scene_raising_returns_to_attract_and_is_logged(app, where):
    from game.modes.shared import log_path

    k = kiosk_app(app)
    run(app, 0.1, tap((300, 300)))
    assert k.state == "play"
    app.stack.push(Exploding(app, where))
    run(app, 0.2)
    assert app.running and k.state == "attract" and app.stack.top.name == "title"
    text = log_path(app).read_text()
    assert "Traceback" in text and ("a bug in a screen" if where == "update" else "a bug in a drawing") in text
    assert app.on_error.crashes == 1


def test_a_failing_recovery_falls_back_to_a_safe_screen(app):
    k = kiosk_app(app)
    guard = app.on_error
    guard.recover = lambda: (_ for _ in ()).throw(RuntimeError("recovery broken too"))
    app.stack.push(Exploding(app))
    run(app, 0.1)
    assert app.running and app.stack.top.name == "safe"
    guard.recover = k.to_attract
    run(app, 0.1, tap((100, 100)))
    assert app.stack.top.name in ("title", "select")  # playable again


# --- the command line ----------------------------------------------------------------------------------


def test_main_kiosk_headless_exits_0(tmp_path):
    r = subprocess.run([sys.executable, "main.py", "--kiosk", "--headless", "--frames", "120", "--data", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


# --- the soak, short -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_short_soak_of_random_taps_and_drags_raises_nothing(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from soak import soak

    r = soak(minutes=1.5, fps=15, seed=3, data_dir=tmp_path, warmup=0.3)
    assert r["crashes"] == 0, r["log"][-3000:]
    assert r["running"] and r["gestures"] > 10 and r["plays"] >= 1


def test_every_target_on_the_kiosk_screens_is_at_least_48_px(app):
    from game.ui.keyboard import LAYOUTS, Keyboard

    for layout in LAYOUTS:
        kb = Keyboard(pygame.Rect(100, 500, 1700, 420), layout)
        assert all(k.rect.width >= 48 and k.rect.height >= 48 for k in kb.keys), layout
    k = kiosk_app(app)
    rnd = graded_round()
    for scene in (InitialsScene(app, rnd, k), BoardsScene(app, rnd, k), LeadScene(app, rnd, k)):
        rects = [b.rect for b in scene.buttons]
        rects += [key.rect for key in getattr(scene, "keyboard").keys] if hasattr(scene, "keyboard") else []
        rects += [f.rect for f in getattr(scene, "fields", [])]
        rects += [scene.consent_rect] if hasattr(scene, "consent_rect") else []
        assert rects and all(min(r.size) >= 48 for r in rects), scene.name


def test_the_leaderboard_ranks_by_the_rule_it_writes(app, monkeypatch):
    """Three rounds with different profit, stars and map: the board is in the rule's order, says the rule,
    and shows each profit in money; the visitor's own row is the one with their profit."""
    from game.ui import theme

    k = kiosk_app(app)
    st = store(app)
    sc_id = "customer-service"
    st.add_score("MAP", sc_id, 2500.0, 2, 70)
    st.add_score("TOP", sc_id, 2500.0, 2, 95)
    st.add_score("LOW", sc_id, 1800.5, 3, 100)
    rnd = graded_round(2500.0, 2)
    rnd.outcome.grade.map_score = 95
    boards = app.stack.replace(BoardsScene(app, rnd, k, mine="TOP"))
    assert [e.initials for e in boards.today] == ["TOP", "MAP", "LOW"]
    seen: list[str] = []
    real = theme.text
    monkeypatch.setattr(theme, "text", lambda surface, s, *a, **kw: (seen.append(s), real(surface, s, *a, **kw))[1])
    boards.draw(app.surface)
    assert "Ranked by profit on the 10 evaluation days; ties: stars, then map" in seen
    assert [t for t in seen if t.endswith(" USD")][:4] == ["You: 2,500 USD", "2,500 USD", "2,500 USD", "1,800 USD"]
    assert "map 95/100" in seen and "map 70/100" in seen  # the tie-break, visible
    assert not any("1,000" in t for t in seen)
