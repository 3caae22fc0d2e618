"""The run scene, headless: pause and speed, a lever pulled mid-day reaching the engine's Day, tokens
along the player's links, and the results run matching engine.sim.run for the same inputs."""
from __future__ import annotations

import math

import pygame
import pytest

from engine.load import builtin_dir, load
from engine.model import Edge
from engine.sim import run
from game.core.app import App
from game.ui.layout import auto_layout
from game.play.round import Round
from game.scenes.mapeditor import LAYOUT_RECT
from game.scenes.run import DAY_SECONDS_1X, MAX_TOKENS, SPEEDS, RunScene
from taps import settle

DOWN, UP = pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "customer_service.yaml")


def make(scenario, edges=None, **kw):
    pygame.init()
    app = App((1920, 1080), headless=True)
    rnd = Round(scenario)
    rnd.edges = list(edges or scenario.reference.edges)
    rnd.layout = auto_layout(scenario, rnd.edges, None, LAYOUT_RECT)
    done = []
    kw.setdefault("background", False)
    scene = RunScene(app, rnd, on_done=lambda: done.append(True), **kw)
    app.stack.push(scene)
    return app, scene, rnd, done


def tap(app, pos):
    settle(app)
    app.step(1 / 60, [pygame.event.Event(DOWN, {"pos": pos, "button": 1}),
                      pygame.event.Event(UP, {"pos": pos, "button": 1})])


def take_defaults(app, scene):
    """Skip to the end stops at each decision: take its default, and the fast-forward goes on."""
    for _ in range(10):
        if scene.dialog is None:
            return
        tap(app, scene.dialog.cards[scene.dialog.default_index].rect.center)


def test_one_x_plays_the_day_in_ninety_seconds(scenario):
    app, scene, rnd, _ = make(scenario)
    for _ in range(60):
        app.step(1 / 60, [])
    assert scene.sim_time == pytest.approx(scenario.time.horizon / DAY_SECONDS_1X, rel=1e-6)
    assert scene.day.now == pytest.approx(scene.sim_time, abs=1e-9)
    assert rnd.day is scene.day


def test_pause_stops_sim_time(scenario):
    app, scene, _, _ = make(scenario)
    app.step(0.1, [])
    tap(app, scene.b_pause.rect.center)
    assert scene.paused
    before = scene.day.now
    for _ in range(30):
        app.step(1 / 30, [])
    assert scene.day.now == before
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, {"key": pygame.K_SPACE, "mod": 0, "unicode": " "})])
    assert not scene.paused
    app.step(0.1, [])
    assert scene.day.now > before


def test_speed_buttons_change_the_sim_time_rate(scenario):
    app, scene, _, _ = make(scenario)
    rates = {}
    for button, (label, mult) in zip(scene.b_speeds[:3], SPEEDS[:3]):
        tap(app, button.rect.center)
        assert scene.speed == mult
        t0 = scene.sim_time
        app.step(0.1, [])
        rates[label] = (scene.sim_time - t0) / 0.1
    base = scenario.time.horizon / DAY_SECONDS_1X
    assert rates["1x"] == pytest.approx(base, rel=1e-6)
    assert rates["10x"] == pytest.approx(10 * base, rel=1e-6)
    assert rates["60x"] == pytest.approx(60 * base, rel=1e-6)


def test_a_lever_pulled_mid_day_reaches_the_day(scenario):
    app, scene, rnd, _ = make(scenario)
    scene.set_speed(60)
    while scene.day.now < 60:
        app.step(1 / 60, [])
    assert scene.day.busy_counts()["senior"][1] == 9
    tap(app, scene.b_levers.rect.center)
    assert scene.levers_open and scene.paused
    seniors = next(w for w in scene.widgets if w.rule.id == "seniors")
    tap(app, (seniors.track.right, seniors.track.centery))  # the slider's far end: 16 seniors
    ivr = next(w for w in scene.widgets if w.rule.id == "ivr")
    tap(app, ivr.segments()[1].center)
    assert scene.lever_panel.changes() == {"seniors": 16, "ivr": "speech"}
    assert rnd.rules["seniors"] == 9 and not scene.changes  # pending while the panel is open
    tap(app, scene.b_close_levers.rect.center)  # "Change from ...": the change is made as the panel closes
    assert not scene.levers_open and not scene.paused
    assert rnd.rules["seniors"] == 16
    assert scene.day.busy_counts()["senior"][1] == 16
    assert scene.day.rules["seniors"] == 16
    assert scene.changes and scene.changes[0][1:] == ("seniors", 9, 16)
    assert rnd.rules["ivr"] == "speech" and scene.day.rules["ivr"] == "speech"
    assert rnd.changes_made == 1 and len(scene.banners) == 1
    t = scene.day.now
    app.step(0.2, [])
    assert scene.day.now > t
    assert scene.banners and "Senior reps" in scene.banners[0][1]


def test_tokens_move_along_the_players_links(scenario):
    app, scene, _, _ = make(scenario)
    scene.set_speed(10)
    for _ in range(30):
        app.step(1 / 60, [])
    pos, link = scene.tokens.positions(scene.wall)
    assert 0 < len(pos) <= MAX_TOKENS
    edges = scene.board.edges
    assert {edges[i] for i in set(link.tolist())} <= set(edges)
    # every token lies on its link's curve
    for p, i in zip(pos[:50], link[:50]):
        curve = scene.paths[i]
        assert min(math.dist(p, c) for c in curve) < 40
    scene.set_speed(400)
    for _ in range(20):
        app.step(1 / 60, [])
        assert len(scene.tokens.alive(scene.wall)) <= MAX_TOKENS


def test_events_appear_as_an_advisors_banner(scenario):
    app, scene, _, _ = make(scenario)
    scene.set_speed(400)
    for _ in range(5000):  # a bounded loop: the day stops at the storm's decision
        if scene.day.now >= scenario.events[0].at + 0.5:
            break
        take_defaults(app, scene)
        app.step(1 / 60, [])
    assert any(b[0] == "rosa" and "Storm" in b[1] for b in scene.banners)


def test_the_day_ends_and_the_result_is_the_engines_run(scenario):
    app, scene, rnd, done = make(scenario, hold=0.0)
    tap(app, scene.b_skip.rect.center)
    take_defaults(app, scene)
    assert scene.day.done and scene.ended_at is not None
    app.step(1 / 60, [])
    assert done == [True]
    expected = run(scenario, rnd.pmap, rnd.rules, replications=scenario.run.replications, seed=rnd.run_seed)
    assert rnd.result.summary == expected.summary
    assert rnd.result.per_replication == expected.per_replication
    # the watched day is replication 0 of that run when no lever moved
    assert rnd.watched_kpis == expected.per_replication[0]
    tl = rnd.timeline
    n = len(tl["hours"])
    assert n >= scenario.time.horizon / 60 and tl["hours"][0] == "08:00"
    assert len(tl["queue"]) == len(tl["service_level"]) == len(tl["arrivals"]) == n
    assert sum(tl["arrivals"]) == expected.per_replication[0]["arrivals"]
    assert all(v is None or 0 <= v <= 1 for v in tl["service_level"])
    assert max(tl["queue"]) > 0


def test_after_a_lever_the_results_measure_the_day_as_played(scenario):
    app, scene, rnd, done = make(scenario, hold=0.0)
    app.step(0.5, [])
    scene.change_rule("juniors", 40)
    scene.skip()
    take_defaults(app, scene)
    app.step(1 / 60, [])
    assert done == [True]
    assert rnd.start_rules["juniors"] == 36 and rnd.rules["juniors"] == 40
    assert rnd.played[0][1:] == ("rules", {"juniors": 40})
    expected = run(scenario, rnd.pmap, rnd.start_rules, replications=scenario.run.replications,
                   seed=rnd.run_seed, script=tuple(rnd.played))
    assert rnd.result.summary == expected.summary
    assert rnd.rule_changes[0][1:] == ("juniors", 36, 40)


def test_results_in_the_background_then_on_done(scenario):
    import time

    app, scene, rnd, done = make(scenario, background=True, hold=0.0)
    scene.skip()
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        if scene.dialog is not None:
            scene.decide(scene.dialog.view.default)
        app.step(1 / 60, [])
        time.sleep(0.01)
    assert done == [True] and rnd.result is not None


def test_a_players_own_map_runs(scenario):
    edges = [e for e in scenario.reference.edges if str(e) != "tech_desk.overflow -> senior_desk"]
    edges.append(Edge("tech_desk", "overflow", "resolved"))
    app, scene, rnd, done = make(scenario, edges, hold=0.0)
    scene.set_speed(60)
    for _ in range(20):
        app.step(1 / 60, [])
    scene.skip()
    take_defaults(app, scene)
    app.step(1 / 60, [])
    assert done and rnd.result.rules["juniors"] == 36
    assert Edge("tech_desk", "overflow", "resolved") in scene.board.edges


def test_a_map_that_cannot_run_says_so_and_goes_on(scenario):
    app, scene, rnd, done = make(scenario, list(scenario.start_map.edges), hold=0.0)
    app.step(1 / 60, [])
    assert "cannot run" in rnd.run_error and rnd.day_unfinished
    assert scene.stuck == rnd.run_error  # the card says why, with its two ways on
    assert scene.buttons() == [scene.b_fix, scene.b_after] or scene.buttons() == [scene.b_after]
    scene.b_after.on_click()
    app.step(1 / 60, [])
    assert done == [True] and rnd.result is None


def test_board_thumbnail(scenario):
    from game.ui.board import Board, Highlights

    pygame.init()
    edges = list(scenario.reference.edges)
    board = Board(scenario, edges, auto_layout(scenario, edges, None, LAYOUT_RECT))
    img = board.thumbnail((640, 360), Highlights(cards={"tech_desk": "hot"}, badges={"tech_desk": "1,840 USD lost"}))
    assert img.get_size() == (640, 360)


def test_seek_jumps_with_callers_in_flight_and_esc_goes_back(scenario):
    pygame.init()
    app = App((1920, 1080), headless=True)
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    back = []
    scene = RunScene(app, rnd, on_back=lambda: back.append(True), background=False)
    app.stack.push(scene)
    scene.seek(240)
    assert scene.day.now == pytest.approx(240) and scene.sim_time == pytest.approx(240)
    app.step(1 / 60, [])
    assert 0 < len(scene.tokens.alive(scene.wall)) <= MAX_TOKENS
    assert set(scene.board.layout) == set(rnd.pmap.steps)  # no layout given: laid out for the run
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, {"key": pygame.K_ESCAPE, "mod": 0, "unicode": ""})])
    assert back == [True]


def test_a_fortnight_is_charted_by_day(tmp_path):
    sc = load(builtin_dir() / "supply_chain.yaml")
    app, scene, rnd, done = make(sc, hold=0.0)
    assert scene.span_words() == "14 days"
    scene.skip()
    take_defaults(app, scene)
    app.step(1 / 60, [])
    tl = rnd.timeline
    assert tl["bucket"] == "day" and tl["hours"][:2] == ["Day 1", "Day 2"]
    assert 14 <= len(tl["hours"]) <= 20
    assert sum(tl["arrivals"]) == rnd.watched_kpis["arrivals"]
    assert scene.stock  # the shelves were reported


# --- the run's parts, alone ---------------------------------------------------------------------------


def test_the_days_clock_in_words(scenario):
    from game.scenes.run.clock import clock_text, day_number, span_words

    assert scenario.time.clock_start == "08:00" and scenario.time.hours_per_unit == pytest.approx(1 / 60)
    assert clock_text(scenario, 90) == "09:30"
    assert clock_text(scenario, 16 * 60 + 1) == "00:01"  # past midnight the clock goes round
    assert day_number(scenario, 16 * 60 - 1) == 1 and day_number(scenario, 16 * 60 + 1) == 2
    assert [span_words(h) for h in (0.5, 1, 2, 8, 24, 14 * 24, 36)] == [
        "30 minutes", "1 hour", "2 hours", "a day", "a day", "14 days", "1.5 days"]


def test_banners_take_turns_shorter_while_others_wait():
    from game.scenes.run.banners import BANNER_SECONDS, age_banners

    banners = [["rosa", "first", 0.0], [None, "second", 0.0]]
    banners = age_banners(banners, BANNER_SECONDS / 2 - 0.01)
    assert [b[1] for b in banners] == ["first", "second"]
    banners = age_banners(banners, 0.02)  # half a turn while another waits
    assert [b[1] for b in banners] == ["second"] and banners[0][2] == 0.0
    banners = age_banners(banners, BANNER_SECONDS - 0.01)  # alone: the whole turn
    assert [b[1] for b in banners] == ["second"]
    assert age_banners(banners, 0.02) == []
    many = [[None, str(i), 0.0] for i in range(6)]
    assert [b[1] for b in age_banners(many, 0.0)] == ["2", "3", "4", "5"]  # the last four wait


def test_the_timeline_tallies_queue_area_and_service_level_by_hour():
    from game.scenes.run.timeline import Timeline

    tl = Timeline(1 / 60, 20.0, {"desk"}, clock_minutes=8 * 60)  # minutes; 20 minutes' target wait
    tl.move(0.0, 1, "source", "desk")
    tl.queue(0.0, "desk", 1)
    tl.start(10.0, 1, "staff")  # waited 10: within the target
    tl.queue(10.0, "desk", 0)
    tl.move(50.0, 2, "source", "desk")
    tl.queue(50.0, "desk", 1)
    tl.start(80.0, 2, "staff")  # waited 30: not within; its wait spans the hour's end
    tl.queue(80.0, "desk", 0)
    out = tl.as_dict(120.0)
    assert out["hours"] == ["08:00", "09:00"] and out["bucket"] == "hour"
    assert out["arrivals"] == [2, 0]
    assert out["queue"] == pytest.approx([20 / 60, 20 / 60])  # 10 + 10 minutes of one waiting; then 20
    assert out["service_level"] == [0.5, None]  # both reached the desk in the first hour, one in time


def test_esc_closes_the_lever_panel_and_the_day_goes_on_as_it_was(scenario):
    app, scene, rnd, _ = make(scenario)
    scene.toggle_pause()
    scene.open_levers()
    assert scene.levers_open and scene.paused
    box = scene.lever_panel.rect()
    assert box.top >= 0 and box.bottom <= 1080 and all(box.contains(w.rect) for w in scene.widgets)
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, {"key": pygame.K_ESCAPE, "mod": 0, "unicode": ""})])
    assert not scene.levers_open and scene.paused  # paused before: still paused
    scene.toggle_pause()
    scene.open_levers()
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, {"key": pygame.K_RETURN, "mod": 0, "unicode": "\r"})])
    assert not scene.levers_open and not scene.paused


def test_a_banner_keeps_every_word_and_leaves_the_title_readable(scenario):
    """A long event message wraps into a taller banner (no line dropped), drawn in the top band beside the
    title and the line under it, not over them, and left of the advisors' portraits."""
    from game.scenes.run.banners import banner_lines, banner_rect, draw_banners
    from game.ui import textfit
    from game.ui import theme as T

    app, scene, rnd, done = make(scenario)
    long = " ".join(["The storm has taken the lines down across the north and every caller waits."] * 3)
    lines = banner_lines(long, True)
    assert len(lines) > 2 and " ".join(lines).split() == long.split()
    with textfit.recording() as recorder:
        scene._draw_top(app.surface)
        draw_banners(app.surface, [["rosa", long, 0.0]], scenario)
    assert not recorder.findings, recorder.findings
    box = banner_rect(len(lines), True)
    title_w = T.font(T.SIZE_HEAD, "bold").size("The day")[0]
    assert box.left > 26 + 700 and box.left > 24 + title_w  # the subtitle is held to 700 px from x 26
    assert box.right < min(r.left for r in scene.desk.portrait_rects().values())
    assert box.height >= 46 + len(lines) * 36


def test_todays_numbers_fit_their_block_whatever_the_values(scenario):
    """The strip's "So far" block holds each label whole beside the widest value it can show (every share
    at 100 % with its tick, a big count, a loss), on every built-in scenario."""
    from game.scenes.run.regions import TODAY_X
    from game.scenes.run.strip import draw_live, live_rows
    from game.ui import textfit

    app, scene, rnd, done = make(scenario)
    for path in sorted(builtin_dir().glob("*.yaml")):
        sc = load(path)
        worst = {name: 1.0 for name in sc.kpi_names()}
        worst.update(arrivals=123456, profit=-1234567.0)
        with textfit.recording() as recorder:
            draw_live(app.surface, live_rows(worst, sc), "So far", TODAY_X + 12, 900)
        assert not recorder.findings, (path.name, recorder.findings)


def test_a_banner_hides_as_little_of_the_map_as_it_can():
    """A banner goes where it hides less of the cards, by the title or at the board's foot (above the
    strip): on the built-in maps as the run lays them out, and on a map crowded at its top or its foot."""
    from game.scenes.run.banners import banner_lines, banner_rect
    from game.scenes.run.regions import BOARD_RECT, STRIP

    def hidden(box, cards):
        return sum(c.clip(box).width * c.clip(box).height for c in cards)

    for name in ("supply_chain.yaml", "customer_service.yaml"):
        sc = load(builtin_dir() / name)
        app, scene, rnd, done = make(sc)
        cards = [scene.board.card_rect(s) for s in scene.board.layout]
        event = next(e for e in sc.events if e.say is not None)
        lines = banner_lines(event.say.text, True)
        box, top = banner_rect(len(lines), True, cards), banner_rect(len(lines), True)
        assert hidden(box, cards) <= hidden(top, cards) and box.bottom <= STRIP.top
        assert box.top >= BOARD_RECT.top or box == top
    import pygame as pg

    up, down = pg.Rect(900, 100, 400, 150), pg.Rect(900, BOARD_RECT.bottom - 120, 400, 100)
    assert banner_rect(3, True, [up]).top > BOARD_RECT.centery  # the map's top is full: the foot
    assert banner_rect(3, True, [down]) == banner_rect(3, True)  # its foot is: by the title
