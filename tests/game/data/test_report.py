"""The team debrief: the advisors' comments, the map's layout, the page written as PNG and PDF."""
from __future__ import annotations

import struct
import sys

import pytest

from engine.load import builtin_dir, load
from engine.maps import compare_map
from engine.model import ProcessMap
from engine.sim import run
from game.data.report import ReportError, comments, map_positions, prepare, write_debrief
from game.data.store import Store

SC = load(builtin_dir() / "customer_service.yaml")
ADVISORS = {a.name for a in SC.advisors.values()}


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def _targets():
    return {t.kpi: t for t in SC.objective.targets}


def _meeting(met: bool):
    """KPI values that meet every target, or miss every one."""
    out = {}
    for kpi, t in _targets().items():
        if t.min is not None:
            out[kpi] = t.min + 0.01 if met else t.min - 0.01
        else:
            out[kpi] = t.max - 0.01 if met else t.max + 0.01
    return out


def test_a_comment_per_missed_target_in_the_advisors_voices(store):
    rec = store.add_round("Blue", SC.id, 900.0, kpis={**_meeting(False), "profit": 900.0}, workshop="w")
    said = comments(SC, rec, baseline=1000.0, par=1500.0)
    targets = [c for c in said if "the target is" in c.text]
    assert len(targets) == len(SC.objective.targets) >= 2
    assert {c.advisor for c in targets} <= ADVISORS and len({c.advisor for c in targets}) >= 2
    assert any("default settings would have made 1,000 USD against 900" in c.text for c in said)


def test_every_target_met_and_par_reached_are_said(store):
    rec = store.add_round("Blue", SC.id, 1500.0, kpis={**_meeting(True), "profit": 1500.0}, workshop="w")
    texts = [c.text for c in comments(SC, rec, baseline=1000.0, par=1500.0)]
    assert "Every target met: that is how the day should run." in texts
    assert any("reached par" in t for t in texts)
    assert not any("the target is" in t for t in texts)


def test_a_missing_hinted_edge_brings_its_hint(store):
    hinted = next(e for e in SC.reference.edges if SC.hints.get(e))
    edges = [e for e in SC.reference.edges if e != hinted]
    rec = store.add_round("Blue", SC.id, 300, edges=edges, kpis=_meeting(True), workshop="w")
    cmp = compare_map(SC, ProcessMap(tuple(edges), scenario=SC.id))
    texts = [c.text for c in comments(SC, rec, cmp)]
    assert any(line.text in texts for line in SC.hints[hinted])


def test_the_map_reads_left_to_right_from_arrivals_to_ways_out():
    pos = map_positions(SC, SC.reference.edges)
    assert set(pos) == set(SC.reference.steps)
    xs = {s: x for s, (x, _) in pos.items()}
    sources = [s for s in pos if SC.steps[s].kind == "source"]
    exits = [s for s in pos if SC.steps[s].kind == "exit"]
    assert sources and all(xs[s] == min(xs.values()) for s in sources)
    # every way out right of every step that leads to it (the game's layout: the same as on screen)
    assert exits and all(xs[e.dst] > xs[e.src] for e in SC.reference.edges if e.dst in exits)
    assert len(set(pos.values())) == len(pos)  # no two cards on the same spot


def _played(store, team="Blue Whales", rounds=2):
    """Rounds recorded without their references (as an older game kept them): the debrief finds them."""
    from engine.scoring import evaluation_days

    rules = SC.default_rules()
    for i in range(rounds):
        seed, reps = evaluation_days(SC, 5 + i)
        r = run(SC, None, rules, replications=reps, seed=seed, workers=1)
        store.add_round(team, SC.id, r.mean("profit") + 100 * i, stars=i, map_score=100, rules=rules,
                        edges=SC.reference.edges, kpis=r.summary, seed=seed, workshop="w1", scenario_path=SC.path)


def test_prepare_compares_the_best_round_with_the_references_on_its_days(store):
    from engine.optimize import load_par, references

    _played(store)
    d = prepare(store, "Blue Whales")
    assert d.workshop == "w1" and len(d.rounds) == 2
    assert d.best.profit == max(r.profit for r in d.rounds)  # the boards' rule: the higher profit
    assert d.comparison.perfect
    refs = references(SC, load_par(SC), d.best.seed)
    assert (d.baseline_score, d.par_score) == (refs.baseline, refs.par)
    base = run(SC, None, SC.default_rules(), replications=SC.run.replications, seed=d.best.seed, workers=1)
    assert d.baseline_score == base.mean("profit")
    line = d.score_line()
    assert d.money.sentence() in line and f"default rules {refs.baseline:,.0f}" in line
    assert f"par {refs.par:,.0f}" in line and "1,000" not in line
    rows = {r.name: r for r in d.kpis}
    assert list(rows)[:len(SC.objective.targets)] == [t.kpi for t in SC.objective.targets]
    for kpi, t in _targets().items():
        assert rows[kpi].met == t.met(d.best.kpis[kpi])
        assert rows[kpi].baseline == pytest.approx(base.mean(kpi))
    assert d.hours is not None and len(d.hours.labels) >= 4


def test_prepare_uses_the_baseline_and_par_the_round_recorded(store):
    kpis = {**_meeting(True), "profit": 5000.0}
    store.add_round("Blue", SC.id, 5000.0, kpis=kpis, edges=SC.reference.edges, workshop="w", baseline=4000.0,
                    par=5500.0, baseline_kpis={"profit": 4000.0}, par_kpis={"profit": 5500.0})
    d = prepare(store, "Blue", simulate=False)
    rows = {r.name: r for r in d.kpis}
    assert (rows["profit"].team, rows["profit"].baseline, rows["profit"].par) == (5000.0, 4000.0, 5500.0)
    assert (d.baseline_score, d.par_score) == (4000.0, 5500.0)


def test_the_debrief_is_written_as_png_and_pdf(store, tmp_path):
    _played(store)
    files = write_debrief(store, "Blue Whales", tmp_path)
    assert [f.name for f in files] == ["debrief-blue-whales.png", "debrief-blue-whales.pdf"]
    png = files[0].read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert abs(width - 1754) <= 2 and abs(height - 1240) <= 2  # A4 landscape at 150 dpi
    assert len(png) > 50_000  # a page with a map and charts, not a blank one
    assert files[1].read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
def test_main_results_reports_writes_a_debrief_per_team(tmp_path, capsys):
    import main

    with Store.open(tmp_path / "d") as s:
        _played(s, "Blue", rounds=1)
        _played(s, "Red", rounds=1)
    out = tmp_path / "out"
    out.mkdir()
    assert main.main(["--data", str(tmp_path / "d"), "results", "--reports", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["debrief-blue.pdf", "debrief-blue.png", "debrief-red.pdf",
                                                     "debrief-red.png"]
    assert main.main(["--data", str(tmp_path / "d"), "results", "--reports", str(out), "--team", "Nobody"]) == 2
    assert "no rounds recorded for team 'Nobody'" in capsys.readouterr().err


def test_no_rounds_no_report(store, tmp_path):
    with pytest.raises(ReportError, match="no rounds"):
        write_debrief(store, "Nobody", tmp_path)


def test_without_matplotlib_the_report_says_how_to_get_it(store, tmp_path, monkeypatch):
    _played(store, rounds=1)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(ReportError, match="pip install matplotlib"):
        write_debrief(store, "Blue Whales", tmp_path)
    assert list(tmp_path.glob("debrief-*")) == []


def test_a_round_with_a_decision_is_debriefed_as_played(store, tmp_path):
    """The day as played (start rules, the storm's decision, a lever late in the day) kept with the round:
    the debrief says what was chosen and what the others would have given, the results sheet lists the
    changes, and the event log replays the same day."""
    import csv

    from engine.scoring import evaluation_days
    from engine.sim import Day
    from game.data.exports import export_results, export_round_events
    from game.play.decisions import record_rules
    from game.play.round import Round

    i = next(k for k, ev in enumerate(SC.events) if ev.decision is not None)
    at = SC.events[i].at
    rnd = Round(SC)
    rnd.start_rules = dict(rnd.rules)
    rnd.played = [(at, "decide", (i, "temps")), (at + 200, "rules", {"seniors": 12})]
    seed, reps = evaluation_days(SC, None)
    r = run(SC, None, rnd.start_rules, replications=reps, seed=seed, workers=1, script=tuple(rnd.played))
    rnd.decisions = [(at, i, "temps", {"temps": 1111.0, "ride_it_out": 999.0, "no_pitch": 888.0})]
    rnd.rules["seniors"] = 12
    rec = store.add_round("Blue", SC.id, r.mean("profit"), stars=1, map_score=100, rules=record_rules(rnd),
                          edges=SC.reference.edges, kpis=r.summary, seed=seed, workshop="w", scenario_path=SC.path)
    d = prepare(store, "Blue", simulate=False)
    said = [c.text for c in d.comments if c.text.startswith("At 13:00 you chose Call in 6 temps")]
    assert said and "(forecast then 1,111 USD)" in said[0]  # a lever pulled later: the forecast, said so
    assert "Ride it out was forecast at the time to give 999 USD" in said[0]
    export_results(store, tmp_path / "results.csv")
    with open(tmp_path / "results.csv", encoding="utf-8-sig") as f:
        row = next(csv.DictReader(f))
    assert "seniors=9" in row["rules"] and "decision 0=temps" in row["rules"] and "seniors=12" in row["rules"]
    n = export_round_events(rec, tmp_path / "events.csv", scenario=SC)
    day = Day(SC, rules={**SC.default_rules(), **rnd.start_rules}, seed=seed, replication=0, trace=True,
              script=tuple(rnd.played))
    moves = sum(1 for rec_ in day.advance())
    assert n > 0 and day.kpis()["profit"] == pytest.approx(r.per_replication[0]["profit"])
    plain = Day(SC, rules={**SC.default_rules(), **rnd.start_rules}, seed=seed, replication=0, trace=True)
    plain_n = export_round_events(store.add_round("Red", SC.id, 0.0, rules=rnd.start_rules, seed=seed,
                                                  edges=SC.reference.edges, workshop="w"), tmp_path / "p.csv",
                                  scenario=SC)
    assert n != plain_n and moves > 0 and plain.finish()["profit"] != day.kpis()["profit"]


def test_the_help_desk_debrief_lists_only_the_kpis_it_has(store):
    """No "On time 100 %" nor "Fill rate 100 %" for a help desk: it has no due times and no shelf
    (engine.kpis_applying); its targets and waits are listed."""
    desk = load(builtin_dir() / "tutorial.yaml")
    r = run(desk, None, desk.default_rules(), replications=2, seed=3, workers=1)
    assert r.mean("on_time_rate") == 1.0 and r.mean("fill_rate") == 1.0  # what the sheet used to show
    store.add_round("Blue", desk.id, r.mean("profit"), kpis=r.summary, edges=desk.reference.edges, workshop="w",
                    scenario_path=desk.path, seed=3)
    names = [row.name for row in prepare(store, "Blue", simulate=False).kpis]
    assert "on_time_rate" not in names and "fill_rate" not in names
    assert names[:2] == [t.kpi for t in desk.objective.targets] and "mean_wait" in names


def test_the_debrief_says_the_levers_and_the_decisions_of_the_best_round(store):
    """The page names each lever at the value the day began with, in words with its unit, the choice taken at
    the storm and a lever pulled later: read from the round's stored rules (game.data.played)."""
    pytest.importorskip("matplotlib")
    from game.data.report import draw
    from game.ui.words import lever_value

    storm = next(i for i, ev in enumerate(SC.events) if ev.decision is not None)
    at = SC.events[storm].at
    start = {**SC.default_rules(), "seniors": 12, "ivr": "speech"}
    rules = {**start, "_played": [[at, "decide", [storm, "temps"]], [at + 90, "rules", {"juniors": 40}]],
             "_decisions": [[at, storm, "temps", {"temps": 2489.0}]]}
    store.add_round("Blue", SC.id, 2000.0, rules=rules, edges=SC.reference.edges, workshop="w", scenario_path=SC.path,
                    kpis={"profit": 2000.0})
    d = prepare(store, "Blue", simulate=False)
    assert d.settings == [f"{r.label} {lever_value(r, start[r.id])}" for r in SC.rules]
    assert "Senior reps on shift 12 reps" in d.settings and "IVR package Speech" in d.settings
    assert d.choices == ["At 13:00: Call in 6 temps", "At 14:30: Junior reps on shift 40 reps"]
    page = " ".join(t.get_text() for t in draw(d).texts)
    assert "Senior reps on shift 12 reps" in page and "At 13:00: Call in 6 temps" in page
