"""Exports: leads and results as CSV, written whole or not at all; the event log of a stored round."""
from __future__ import annotations

import csv

import pytest

from engine.load import builtin_dir, load
from engine.eventlog.export import log_text
from engine.eventlog.rows import Context
from engine.eventlog.writers import COLUMNS
from game.data.exports import (LEAD_COLUMNS, RESULT_COLUMNS, ExportError, export_leads, export_results,
                               export_round_events, find_scenario, write_csv)
from game.data.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_leads_export_has_the_columns_and_every_lead(store, tmp_path):
    store.add_lead("Ann Lee", "Acme", "ann@example.com", True, scenario="customer-service", profit=1696.254)
    store.add_lead("Jürgen Ö", "", "j@bücher.de", True)
    out = tmp_path / "leads.csv"
    assert export_leads(store, out) == 2
    rows = read_csv(out)
    assert rows[0] == list(LEAD_COLUMNS) == ["name", "company", "email", "consent_at", "scenario", "profit", "created"]
    assert rows[1][:3] == ["Ann Lee", "Acme", "ann@example.com"]
    assert rows[1][4:6] == ["customer-service", "1696.25"]
    assert rows[1][3] == store.leads()[0].consent_at
    assert rows[2][:3] == ["Jürgen Ö", "", "j@bücher.de"] and rows[2][4:6] == ["", ""]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read the accents right


def test_text_that_looks_like_a_formula_is_defused(store, tmp_path):
    store.add_lead("=HYPERLINK(\"http://x\")", "+Acme", "ann@example.com", True)
    out = tmp_path / "leads.csv"
    export_leads(store, out)
    assert read_csv(out)[1][:2] == ["'=HYPERLINK(\"http://x\")", "'+Acme"]


def test_an_empty_store_exports_just_the_header(store, tmp_path):
    assert export_leads(store, tmp_path / "l.csv") == 0
    assert read_csv(tmp_path / "l.csv") == [list(LEAD_COLUMNS)]


def test_an_export_replaces_the_named_file_whole_or_not_at_all(tmp_path):
    out = tmp_path / "x.csv"
    write_csv(out, ["a"], [[1], [2]])
    assert read_csv(out) == [["a"], ["1"], ["2"]]

    def broken():
        yield [3]
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        write_csv(out, ["a"], broken())
    assert read_csv(out) == [["a"], ["1"], ["2"]]  # the old file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]  # no temporary file left behind
    write_csv(out, ["b"], [[9]])
    assert read_csv(out) == [["b"], ["9"]]


def test_an_export_to_a_missing_folder_or_onto_a_folder_is_refused(store, tmp_path):
    with pytest.raises(ExportError, match="no such folder"):
        export_leads(store, tmp_path / "nope" / "leads.csv")
    with pytest.raises(ExportError, match="is a folder"):
        export_leads(store, tmp_path)


def test_results_export_has_a_row_per_round_with_key_kpis_and_rules(store, tmp_path):
    store.add_round("Blue", "customer-service", 5123.456, stars=2, map_score=93, rules={"seniors": 5, "ivr": "on"},
                    kpis={"profit": (5123.456, 10.0), "revenue": 9000.0, "cost": 3876.544, "service_level": 0.81234,
                          "abandon_rate": float("nan"), "penalty.hang_ups": 300.0, "penalty.sl": 76.5},
                    seed=7, workshop="w1", baseline=2137.78, par=4200.5)
    store.add_round("Red", "customer-service", 700, stars=3, map_score=100, workshop="w1")
    store.add_round("Blue", "supply-chain", 400, stars=1, map_score=80, kpis={"fill_rate": 0.9}, workshop="w1")
    store.add_round("Other", "customer-service", 1, workshop="w2")
    out = tmp_path / "results.csv"
    assert export_results(store, out, workshop="w1") == 3
    rows = [dict(zip(RESULT_COLUMNS, r)) for r in read_csv(out)[1:]]
    assert [(r["team"], r["round"], r["scenario"], r["profit"]) for r in rows] == [
        ("Blue", "1", "customer-service", "5123.46"), ("Blue", "2", "supply-chain", "400.0"),
        ("Red", "1", "customer-service", "700.0")]
    assert "score" not in RESULT_COLUMNS  # one score per round: the profit
    first = rows[0]
    assert (first["stars"], first["map_score"], first["seed"]) == ("2", "93", "7")
    assert (first["defaults_profit"], first["par_profit"]) == ("2137.78", "4200.5")
    assert float(first["revenue"]) - float(first["cost"]) == pytest.approx(float(first["profit"]), abs=0.01)
    assert float(first["penalties"]) == pytest.approx(376.5)
    assert float(first["service_level"]) == pytest.approx(0.8123)
    assert first["abandon_rate"] == "" and first["fill_rate"] == ""
    assert first["rules"] == "seniors=5; ivr=on"
    assert rows[1]["fill_rate"] == "0.9"
    assert export_results(store, tmp_path / "all.csv") == 4


def test_a_stored_rounds_event_log_replays_its_day(store, tmp_path):
    sc = load(builtin_dir() / "customer_service.yaml")
    rules = {**sc.default_rules(), "seniors": sc.rule("seniors").default + 1}
    rec = store.add_round("Blue", sc.id, 500, rules={**rules, "gone": 3}, edges=sc.reference.edges, seed=99,
                          scenario_path=sc.path)
    out = tmp_path / "events.csv"
    n = export_round_events(rec, out)
    text = out.read_text(encoding="utf-8")
    assert n > 100 and text.splitlines()[0] == ",".join(COLUMNS)
    where = Context(sc.id, workshop=rec.workshop, team="Blue", round=rec.round, seed=99, date=rec.created[:10])
    assert text == log_text(sc, pmap=sc.reference, rules=rules, seed=99, days=[0], context=where)
    assert f",Blue,{rec.round},0\n" in text  # the team and its round on every row


def test_a_scenario_is_found_by_id_in_the_given_folders(tmp_path):
    src = builtin_dir() / "field_service.yaml"
    (tmp_path / "mine.yaml").write_text(src.read_text(encoding="utf-8").replace("id: field-service", "id: my-field"),
                                        encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [", encoding="utf-8")
    assert find_scenario("my-field", folders=[tmp_path]).id == "my-field"
    assert find_scenario("customer-service").id == "customer-service"
    with pytest.raises(ExportError, match="not found"):
        find_scenario("nowhere", folders=[tmp_path])


# --- the command line -----------------------------------------------------------------------------


def test_main_leads_export(tmp_path, capsys):
    import main

    with Store.open(tmp_path / "d") as s:
        s.add_lead("Ann", "Acme", "ann@example.com", True)
    out = tmp_path / "leads.csv"
    assert main.main(["--data", str(tmp_path / "d"), "leads", "--export", str(out)]) == 0
    assert read_csv(out)[1][:3] == ["Ann", "Acme", "ann@example.com"]
    assert "1 lead" in capsys.readouterr().err
    # --data after the command works too
    assert main.main(["leads", "--data", str(tmp_path / "d"), "--export", str(out)]) == 0


def test_main_leads_forget(tmp_path):
    import main

    with Store.open(tmp_path) as s:
        s.add_lead("Ann", "Acme", "ann@example.com", True)
        s.add_lead("Bob", "Acme", "bob@example.com", True)
    assert main.main(["--data", str(tmp_path), "leads", "--forget", "ANN@example.com"]) == 0
    with Store.open(tmp_path) as s:
        assert [lead.name for lead in s.leads()] == ["Bob"]


def test_main_leads_export_to_a_missing_folder_exits_2(tmp_path, capsys):
    import main

    assert main.main(["--data", str(tmp_path), "leads", "--export", str(tmp_path / "no" / "x.csv")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_main_results_export(tmp_path):
    import main

    with Store.open(tmp_path) as s:
        s.add_round("Blue", "customer-service", 640, workshop="w1")
        s.add_round("Blue", "customer-service", 500, workshop="w2")
    out = tmp_path / "results.csv"
    assert main.main(["--data", str(tmp_path), "results", "--export", str(out)]) == 0
    assert len(read_csv(out)) == 3
    assert main.main(["--data", str(tmp_path), "results", "--workshop", "w2", "--export", str(out)]) == 0
    assert [r[1:3] for r in read_csv(out)[1:]] == [["Blue", "1"]]


def test_main_results_events_writes_each_rounds_log(tmp_path):
    import main

    sc = load(builtin_dir() / "customer_service.yaml")
    with Store.open(tmp_path) as s:
        s.add_round("Blue Whales", sc.id, 640, rules=sc.default_rules(), edges=sc.reference.edges, seed=3,
                    workshop="w1", scenario_path=sc.path)
    logs = tmp_path / "logs"
    logs.mkdir()
    assert main.main(["--data", str(tmp_path), "results", "--events", str(logs)]) == 0
    [log] = logs.iterdir()
    assert log.name == "events-w1-blue-whales-round-1.csv"
    with Store.open(tmp_path) as s:
        [rec] = s.rounds()
    where = Context(sc.id, workshop="w1", team="Blue Whales", round=1, seed=3, date=rec.created[:10])
    assert log.read_text(encoding="utf-8") == log_text(sc, pmap=sc.reference, rules=sc.default_rules(), seed=3,
                                                       days=[0], context=where)


def test_main_help_does_not_load_the_store_or_matplotlib():
    import subprocess
    import sys

    code = ("import sys, main; main.build_parser().format_help(); "
            "print('sqlite3' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[3])).stdout
    assert out.split()[-1] == "False"


def test_a_kpi_the_scenario_lacks_is_blank_in_the_sheet(store, tmp_path):
    """The help desk has no shelf and no due times (engine.kpis_applying): its fill rate and on-time rate,
    100 % by default, are blank; the depot's fill rate, which it has, is kept."""
    desk, depot = load(builtin_dir() / "tutorial.yaml"), load(builtin_dir() / "supply_chain.yaml")
    full = {"service_level": 0.8, "abandon_rate": 0.05, "on_time_rate": 1.0, "fill_rate": 1.0, "mean_wait": 1.5}
    store.add_round("Blue", desk.id, 900, kpis=full, workshop="w", scenario_path=desk.path)
    store.add_round("Blue", depot.id, 400, kpis={**full, "fill_rate": 0.93}, workshop="w", scenario_path=depot.path)
    export_results(store, tmp_path / "r.csv")
    desk_row, depot_row = (dict(zip(RESULT_COLUMNS, r)) for r in read_csv(tmp_path / "r.csv")[1:])
    assert (desk_row["on_time_rate"], desk_row["fill_rate"]) == ("", "")
    assert (desk_row["service_level"], desk_row["abandon_rate"]) == ("0.8", "0.05")
    assert (depot_row["fill_rate"], depot_row["on_time_rate"]) == ("0.93", "1.0")
    assert depot_row["abandon_rate"] == ""  # nobody gives up at the depot


def _two_teams(data):
    sc = load(builtin_dir() / "tutorial.yaml")
    with Store.open(data) as s:
        for team in ("Blue", "Red"):
            s.add_round(team, sc.id, 900, stars=1, map_score=100, rules=sc.default_rules(),
                        edges=sc.reference.edges, kpis={"profit": 900.0}, seed=3, workshop="w1",
                        scenario_path=sc.path)


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name != "processplay.sqlite3"
                  and "d" not in p.relative_to(folder).parts[:1])


def test_main_results_checks_every_target_before_writing_anything(tmp_path, capsys):
    """A results command that cannot write one of its files writes none: the sheet is not written before a
    debrief or an event log is refused, and no folder is made; the refusal is one line and exit 2."""
    import main

    pytest.importorskip("matplotlib")
    _two_teams(tmp_path / "d")
    data = ["--data", str(tmp_path / "d"), "results"]
    assert main.main([*data, "--export", str(tmp_path / "no" / "r.csv"), "--reports", str(tmp_path / "rep")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"error: {tmp_path / 'no'}: no such folder"]
    assert _files(tmp_path) == []
    (tmp_path / "rep" / "debrief-red.png").mkdir(parents=True)  # a folder where a debrief goes
    assert main.main([*data, "--export", str(tmp_path / "r.csv"), "--events", str(tmp_path / "logs"),
                      "--reports", str(tmp_path / "rep")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "debrief-red.png: is a folder" in err[0]
    assert _files(tmp_path) == ["rep", "rep/debrief-red.png"]
    assert main.main([*data, "--export", str(tmp_path / "r.csv"), "--reports", str(tmp_path / "rep"),
                      "--team", "Nobody"]) == 2
    assert "no rounds recorded for team 'Nobody'" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main.main([*data, "--export", str(tmp_path / "r.csv"), "--events", str(tmp_path / "file" / "logs")]) == 2
    assert "a part of the path is a file" in capsys.readouterr().err
    assert _files(tmp_path) == ["file", "rep", "rep/debrief-red.png"]


def test_main_results_makes_the_folders_it_is_asked_to_write_into(tmp_path):
    import main

    _two_teams(tmp_path / "d")
    logs = tmp_path / "new" / "deep" / "logs"
    assert main.main(["--data", str(tmp_path / "d"), "results", "--export", str(tmp_path / "r.csv"),
                      "--events", str(logs), "--team", "Red"]) == 0
    assert [p.name for p in logs.iterdir()] == ["events-w1-red-round-1.csv"]
    assert len(read_csv(tmp_path / "r.csv")) == 2
