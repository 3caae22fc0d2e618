"""The event log (engine.eventlog), as an analyst mining it would check it: staff who never serve two cases at
once, timestamps with their offset on consecutive dates, hang-ups that show where the caller was waiting,
route steps, every evaluation day, case ids that stay apart when two teams' logs are put together, and pm4py
reading both files as they are."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

import pytest

from engine.eventlog.export import export_log, log_text
from engine.eventlog.rows import Context
from engine.load import builtin_dir, load


@pytest.fixture(scope="module")
def cs():
    return load(builtin_dir() / "customer_service.yaml")


@pytest.fixture(scope="module")
def rows(cs):
    return list(csv.DictReader(io.StringIO(log_text(cs, days=[0, 1]))))


def by_case(rows) -> dict[str, list[dict]]:
    cases: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        cases[r["case:concept:name"]].append(r)
    return cases


def test_no_member_of_staff_serves_two_cases_at_once(cs, rows):
    busy: dict[str, str] = {}
    most: dict[str, set] = defaultdict(set)
    for r in rows:  # in time order within a day
        if r["org:resource"] and r["lifecycle:transition"] == "start":
            assert r["org:resource"] not in busy, r
            busy[r["org:resource"]] = r["case:concept:name"]
            most[(r["case:replication"], r["org:group"])].add(r["org:resource"])
        elif r["org:resource"] and r["lifecycle:transition"] == "complete":
            assert busy.pop(r["org:resource"]) == r["case:concept:name"]
    assert not busy  # every service started was finished
    from engine.sim import Day

    on_shift: dict[tuple, int] = defaultdict(int)  # the most staff each pool had on each day, as the day says
    for k in (0, 1):
        for rec in Day(cs, rules=cs.default_rules(), replication=k, trace=True).advance():
            if rec[0] == "busy":
                on_shift[(str(k), rec[2])] = max(on_shift[(str(k), rec[2])], rec[4])
    for (day, pool), people in most.items():
        assert all(p.startswith(pool + "-") for p in people)
        assert 1 < len(people) <= on_shift[(day, pool)]  # never more people than were on shift


def test_timestamps_carry_their_offset_and_each_evaluation_day_its_date(cs, rows):
    first = {}
    for r in rows:
        t = dt.datetime.fromisoformat(r["time:timestamp"])
        assert t.utcoffset() == dt.timedelta(0)
        first.setdefault(r["case:replication"], t)
    assert first["0"].date() == dt.date(2026, 1, 5) and first["0"].hour == 8  # the clock starts at 08:00
    assert first["1"].date() == dt.date(2026, 1, 6)
    sc = load(builtin_dir() / "supply_chain.yaml")  # a fortnight: day 1 starts 14 days after day 0
    text = log_text(sc, days=[1], context=Context(sc.id, date="2026-03-02", utc_offset="+01:00"))
    t = dt.datetime.fromisoformat(next(csv.DictReader(io.StringIO(text)))["time:timestamp"])
    assert t.date() >= dt.date(2026, 3, 16) and t.utcoffset() == dt.timedelta(hours=1)


def test_a_hang_up_shows_the_queue_it_left_and_routes_are_steps(cs, rows):
    cases = by_case(rows)
    hung = [c for c in cases.values() if any(r["lifecycle:transition"] == "withdraw" for r in c)]
    assert hung
    for c in hung:
        w = next(i for i, r in enumerate(c) if r["lifecycle:transition"] == "withdraw")
        queued = [r for r in c[:w] if r["concept:name"] == c[w]["concept:name"]]
        assert queued and queued[-1]["lifecycle:transition"] == "schedule"  # waiting there, unserved
        rest = [r for r in c if r["lifecycle:transition"] != "withdraw"]
        desks = {s.label for s in cs.steps.values() if s.kind == "service"}
        assert rest[-2]["concept:name"] in desks or rest[-1]["concept:name"] in desks  # not "IVR menu -> Hung up"
    route = cs.steps["route_need"].label
    assert sum(any(r["concept:name"] == route for r in c) for c in cases.values()) > len(cases) / 2


def test_every_day_or_one_and_case_ids_apart_across_teams(cs):
    all_days = {r["case:replication"] for r in csv.DictReader(io.StringIO(log_text(cs)))}
    assert all_days == {str(k) for k in range(cs.run.replications)}
    blue = log_text(cs, days=[0], context=Context(cs.id, workshop="w1", team="Blue", round=1, seed=cs.run.seed))
    red = log_text(cs, days=[0], context=Context(cs.id, workshop="w1", team="Red", round=1, seed=cs.run.seed))
    b, r = (list(csv.DictReader(io.StringIO(t))) for t in (blue, red))
    assert len(b) == len(r)  # the same day, the same demand: only the ids differ
    assert not {x["case:concept:name"] for x in b} & {x["case:concept:name"] for x in r}
    assert {x["case:team"] for x in b} == {"Blue"} and {x["case:round"] for x in b} == {"1"}


def test_pm4py_reads_the_csv_and_the_xes_as_they_are(cs, tmp_path):
    pd = pytest.importorskip("pandas")
    pm4py = pytest.importorskip("pm4py")
    tut = load(builtin_dir() / "tutorial.yaml")
    for team in ("Blue", "Red"):
        ctx = Context(tut.id, workshop="w", team=team, round=1, seed=7)
        export_log(tut, tmp_path / f"{team}.csv", seed=7, days=[0], context=ctx)
        export_log(tut, tmp_path / f"{team}.xes", seed=7, days=[0], context=ctx)
    frames = [pd.read_csv(tmp_path / f"{t}.csv", parse_dates=["time:timestamp"]) for t in ("Blue", "Red")]
    both = pd.concat(frames, ignore_index=True)
    assert both["case:concept:name"].nunique() == sum(f["case:concept:name"].nunique() for f in frames)
    dfg, starts, ends = pm4py.discover_dfg(both)
    labels = {s.label for s in tut.steps.values()}
    assert set(starts) <= labels and set(ends) <= labels and dfg
    xes = pm4py.read_xes(str(tmp_path / "Blue.xes"), show_progress_bar=False)
    assert len(xes) == len(frames[0]) and xes["case:concept:name"].nunique() == frames[0]["case:concept:name"].nunique()
    assert set(xes["case:team"]) == {"Blue"}
    assert set(xes["org:resource"].dropna()) == set(frames[0]["org:resource"].dropna())
