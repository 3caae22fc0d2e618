"""The store: leaderboard, leads, workshop rounds, the checks on what players type, the schema's versions."""
from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys

import pytest

from engine.scoring import daily_seed
from game.data.denylist import DENIED_INITIALS
from game.data.store import (DB_NAME, MIGRATIONS, SCHEMA_VERSION, InitialsError, LeadError, Store, StoreError,
                             check_email, check_initials, database_path)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """The store's behaviour, on each back end: an SQLite file, and a board on a real PostgreSQL server."""
    where = tmp_path if request.param == "sqlite" else request.getfixturevalue("pg_board")
    s = Store.open(where)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def test_opens_in_the_folder_given_with_wal_and_full_sync(tmp_path):
    with Store.open(tmp_path / "data") as s:
        assert s.path == tmp_path / "data" / DB_NAME
        assert s.backend.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.backend.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert s.schema_version() == SCHEMA_VERSION
        assert s.integrity() == "ok"
    assert (tmp_path / "data" / DB_NAME).exists()


def test_database_path_takes_a_folder_a_file_or_the_environment(tmp_path, monkeypatch):
    assert database_path(tmp_path / "x.db") == tmp_path / "x.db"
    assert database_path(tmp_path) == tmp_path / DB_NAME
    monkeypatch.setenv("PROCESSPLAY_DATA", str(tmp_path / "env"))
    assert database_path(None) == tmp_path / "env" / DB_NAME


def test_the_default_folder_is_the_users_data_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv("PROCESSPLAY_DATA", raising=False)
    assert database_path(None).parent == __import__("pathlib").Path(platformdirs.user_data_dir("ProcessPlay",
                                                                                                appauthor=False))


def test_rows_survive_reopening(tmp_path):
    with Store.open(tmp_path) as s:
        s.add_score("abc", "cs", 1234.56, stars=2, map_score=90, kpis={"profit": (1234.56, 80.0)})
        s.add_lead("Ann Lee", "Acme", "ann@example.com", consent=True, scenario="cs", profit=1234.56)
        s.add_round("Blue", "cs", -512.25, rules={"seniors": 5}, edges=["a.out -> b"], workshop="w1")
    with Store.open(tmp_path) as s:
        [e] = s.top_all_time()
        assert (e.initials, e.profit, e.stars, e.map_score, e.kpis) == ("ABC", 1234.56, 2, 90, {"profit": 1234.56})
        assert e.score == 1235  # the old column, still written for older readers
        assert [(lead.email, lead.profit, lead.score) for lead in s.leads()] == [("ann@example.com", 1234.56, 1235)]
        [r] = s.rounds()
        assert (r.team, r.round, r.rules, r.edges, r.profit, r.score) == ("Blue", 1, {"seniors": 5}, ["a.out -> b"],
                                                                          -512.25, -512)


# --- leaderboard ------------------------------------------------------------------------------------


def test_boards_rank_by_profit_then_stars_then_map_in_a_real_file(tmp_path):
    """The board's rule, written and read back from an SQLite file: profit on the evaluation days first,
    ties by stars, then by the map; a row kept before the score was money (no profit) last."""
    day = "2026-05-01"
    with Store.open(tmp_path / "board.sqlite3") as s:
        s.add_score("MAP", "cs", 1500.0, stars=2, map_score=70, day=day)
        s.add_score("LOW", "cs", 900.0, stars=3, map_score=100, day=day)
        s.add_score("TOP", "cs", 1500.0, stars=2, map_score=95, day=day)
        s.add_score("STR", "cs", 1500.0, stars=3, map_score=10, day=day)
        s.backend.conn.execute("INSERT INTO scores (initials, scenario, score, stars, map_score, day, created)"
                               f" VALUES ('OLD', 'cs', 990, 3, 100, '{day}', 'then')")  # before migration 3
    with Store.open(tmp_path / "board.sqlite3") as s:
        board = s.top_today("cs", day)
        assert [e.initials for e in board] == ["STR", "TOP", "MAP", "LOW", "OLD"]
        from engine.scoring import rank_key

        assert board == sorted(board, key=lambda e: rank_key(e.profit, e.stars, e.map_score))
        assert [s.rank(e) for e in board] == [1, 2, 3, 4, 5]
        assert board[-1].profit is None and board[-1].score == 990


def test_boards_rank_by_profit_then_by_who_came_first(store):
    day = "2026-05-01"
    store.add_score("AAA", "cs", 500, day=day)
    first_700 = store.add_score("BBB", "cs", 700, day=day)
    store.add_score("CCC", "cs", 900, day="2026-04-30")
    second_700 = store.add_score("DDD", "cs", 700, day=day)
    store.add_score("EEE", "inv", 950, day=day)
    assert [e.initials for e in store.top_today("cs", day)] == ["BBB", "DDD", "AAA"]
    assert [e.initials for e in store.top_today(None, day)] == ["EEE", "BBB", "DDD", "AAA"]
    assert [e.initials for e in store.top_all_time("cs")] == ["CCC", "BBB", "DDD", "AAA"]
    assert [e.initials for e in store.top_all_time(n=2)] == ["EEE", "CCC"]
    assert store.best_today("cs", day).initials == "BBB"
    assert store.best_today("cs", "2026-05-02") is None
    assert store.rank(first_700) == 1 and store.rank(second_700) == 2
    assert store.rank(second_700, all_time=True) == 3


def test_today_is_the_utc_date_and_the_seed_is_the_days_challenge(store):
    e = store.add_score("ABC", "customer_service", 300)
    utc_today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert e.day == utc_today
    assert e.seed == daily_seed(utc_today, "customer_service")
    assert store.top_today()[0].id == e.id
    assert store.add_score("ABD", "cs", 1, seed=42).seed == 42


@pytest.mark.parametrize("text", ["AB", "ABCD", "A1C", "", "ÄBC", "A C", None])
def test_initials_are_three_letters(store, text):
    with pytest.raises(InitialsError, match="three letters"):
        store.add_score(text, "cs", 100)
    assert store.top_all_time() == []


def test_initials_are_upper_cased_and_trimmed():
    assert check_initials(" abc ") == "ABC"


def test_denied_initials_are_refused_kindly_in_any_case(store):
    assert len(DENIED_INITIALS) >= 15
    assert all(len(x) == 3 and x.isalpha() and x.isupper() for x in DENIED_INITIALS)
    for bad in sorted(DENIED_INITIALS)[:5]:
        with pytest.raises(InitialsError) as err:
            store.add_score(bad.lower(), "cs", 100)
        assert bad not in str(err.value) and "pick three other letters" in str(err.value)
    assert store.top_all_time() == []
    assert store.add_score("JOE", "cs", 100).initials == "JOE"


def test_nan_kpis_are_kept_as_null(store):
    e = store.add_score("ABC", "cs", 1, kpis={"service_level": float("nan"), "profit": {"mean": 2.0}})
    assert e.kpis == {"service_level": None, "profit": 2.0}


# --- leads ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("consent", [False, None, 1, "yes"])
def test_no_lead_is_kept_without_explicit_consent(store, consent):
    with pytest.raises(LeadError, match="consent"):
        store.add_lead("Ann", "Acme", "ann@example.com", consent=consent)
    assert store.leads() == []


def test_a_lead_keeps_the_moment_and_words_of_consent(store):
    lead = store.add_lead("  Ann   Lee ", " Acme ", " ann@example.com ", True, scenario="cs", profit=700.0,
                          consent_text="You may email me about ProcessPlay.")
    assert (lead.name, lead.company, lead.email) == ("Ann Lee", "Acme", "ann@example.com")
    assert lead.consent_text == "You may email me about ProcessPlay."
    consent_at = dt.datetime.fromisoformat(lead.consent_at)
    assert abs(consent_at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
    assert store.leads() == [lead]


@pytest.mark.parametrize("email", ["ann", "ann@", "@example.com", "ann@example", "ann@example.c", "a b@x.com",
                                   "ann@@example.com", "ann@exa mple.com", ".ann@example.com", "ann.@example.com",
                                   "an..n@example.com", "ann@-example.com", "ann@example-.com",
                                   "ann@example..com", "ann@example.com.", "ann@exa_mple.com", "x" * 65 + "@a.com",
                                   "ann@example.123"])
def test_emails_of_the_wrong_shape_are_refused(store, email):
    with pytest.raises(LeadError, match="email"):
        store.add_lead("Ann", "Acme", email, True)
    assert store.leads() == []


@pytest.mark.parametrize("email", ["ann@example.com", "ann.lee+show@mail.example.co.uk", "o'neil@example.ie",
                                   "x@a-b.io", "jürgen@bücher.de", "x@xn--80ak6aa92e.com", "ANN@EXAMPLE.COM"])
def test_emails_of_a_plausible_shape_pass(email):
    assert check_email(email) == email


def test_a_lead_needs_a_name(store):
    with pytest.raises(LeadError, match="name"):
        store.add_lead("  ", "Acme", "ann@example.com", True)


def test_leads_can_be_forgotten_by_email_or_age(store):
    store.add_lead("Ann", "", "ann@example.com", True)
    store.add_lead("Bob", "", "bob@example.com", True)
    store.add_lead("Ann again", "", "ANN@example.com", True)
    assert store.forget_lead("Ann@Example.com") == 2
    assert [lead.name for lead in store.leads()] == ["Bob"]
    assert store.delete_leads_before(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)) == 0
    assert store.delete_leads_before(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)) == 1
    assert store.leads() == []


# --- workshop ---------------------------------------------------------------------------------------


def test_rounds_are_numbered_per_team_and_workshop(store):
    store.add_round("Blue", "cs", 400, workshop="w1")
    store.add_round("Red", "cs", 450, workshop="w1")
    store.add_round("Blue", "inv", 600, stars=2, workshop="w1")
    store.add_round("Blue", "cs", 100, workshop="w2")  # another day's Blue is another team
    assert [(r.team, r.round, r.profit) for r in store.rounds(workshop="w1")] == [
        ("Blue", 1, 400), ("Blue", 2, 600), ("Red", 1, 450)]
    assert [(t.name, t.rounds, t.best) for t in store.teams("w1")] == [("Blue", 2, 600), ("Red", 1, 450)]
    assert [r.profit for r in store.rounds(team="Blue")] == [400, 600, 100]
    assert [r.profit for r in store.rounds(scenario="inv")] == [600]
    assert store.workshops() == ["w1", "w2"]


def test_a_round_keeps_what_replays_it(store):
    from engine.model import Edge

    r = store.add_round("  Blue  team ", "cs", 512, stars=1, map_score=80, rules={"seniors": 5, "mode": "fifo"},
                        edges=[Edge("a", "out", "b")], kpis={"profit": (100.0, 5.0)}, seed=7, workshop="w",
                        scenario_path="/x/cs.yaml", baseline=90.0, par=120.0)
    assert r.team == "Blue team"
    assert (r.edges, r.rules, r.kpis, r.seed) == (["a.out -> b"], {"seniors": 5, "mode": "fifo"}, {"profit": 100.0}, 7)
    assert (r.scenario_path, r.baseline, r.par) == ("/x/cs.yaml", 90.0, 120.0)


def test_a_round_keeps_the_baseline_and_par_kpis_it_was_shown(store):
    r = store.add_round("Blue", "cs", 512, baseline_kpis={"profit": (90.0, 1.0)}, par_kpis={"profit": 120.0})
    assert (r.baseline_kpis, r.par_kpis) == ({"profit": 90.0}, {"profit": 120.0})
    assert store.add_round("Blue", "cs", 1).baseline_kpis is None


def test_a_version_1_database_is_brought_up_to_date_with_its_rounds(tmp_path):
    with Store.open(tmp_path, migrations=MIGRATIONS[:1]) as s:
        s.backend.conn.execute("INSERT INTO teams (name, workshop, created) VALUES ('Blue', 'w', 'then')")
        s.backend.conn.execute("INSERT INTO rounds (team_id, round, scenario, score, created)"
                               " VALUES (1, 1, 'cs', 400, 'then')")
        assert s.schema_version() == 1
    with Store.open(tmp_path) as s:
        assert s.schema_version() == SCHEMA_VERSION >= 2
        [r] = s.rounds()
        assert (r.team, r.score, r.profit, r.baseline_kpis, r.par_kpis) == ("Blue", 400, None, None, None)
        assert s.add_round("Blue", "cs", 500, workshop="w", par_kpis={"profit": 1.0}).round == 2


def test_team_names_are_checked(store):
    with pytest.raises(StoreError):
        store.add_team("   ")
    with pytest.raises(StoreError):
        store.add_round("x" * 41, "cs", 1)
    assert store.teams() == []


def test_a_failed_write_leaves_nothing_half_done(sqlite_store):
    store = sqlite_store
    with pytest.raises(sqlite3.IntegrityError):
        with store.backend.write() as c:
            c.execute("INSERT INTO teams (name, workshop, created) VALUES ('A', 'w', 'now')")
            c.execute("INSERT INTO teams (name, workshop, created) VALUES ('A', 'w', 'now')")
    assert store.teams() == []
    assert not store.backend.conn.in_transaction


def test_the_same_write_sent_twice_is_one_row(store):
    """Every confirmed write has its key; sending it again (a retry) stores nothing more and answers the
    row kept the first time, on either back end."""
    first = store.add_score("ABC", "cs", 700.0, stars=2, key="score-1")
    again = store.add_score("ABC", "cs", 700.0, stars=2, key="score-1")
    other = store.add_score("ABC", "cs", 700.0, stars=2)  # no key given: a new one, a new row
    assert again == first and other.id != first.id
    assert [e.id for e in store.top_all_time()] == [first.id, other.id]
    round_1 = store.add_round("Blue", "cs", 400.0, workshop="w", key="round-1")
    assert store.add_round("Blue", "cs", 400.0, workshop="w", key="round-1") == round_1
    assert store.add_round("Blue", "cs", 450.0, workshop="w").round == 2  # the retry numbered nothing
    assert [(r.round, r.profit) for r in store.rounds(workshop="w")] == [(1, 400.0), (2, 450.0)]
    lead = store.add_lead("Ann", "Acme", "ann@example.com", True, key="lead-1")
    assert store.add_lead("Ann", "Acme", "ann@example.com", True, key="lead-1").id == lead.id
    assert [x.id for x in store.leads()] == [lead.id]


def test_writes_from_two_threads_each_land_once(store):
    import threading

    def write(letter):
        for i in range(40):
            store.add_score(letter + "Q" + chr(65 + i % 26), "cs", i, seed=i)

    threads = [threading.Thread(target=write, args=(c,)) for c in "XY"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = store.top_all_time(n=1000)
    assert len(rows) == 80 and len({r.id for r in rows}) == 80
    assert store.integrity() == "ok"


# --- schema versions --------------------------------------------------------------------------------


def test_a_new_migration_is_applied_once_and_keeps_the_rows(tmp_path):
    with Store.open(tmp_path) as s:
        s.add_score("ABC", "cs", 500)
    more = [*MIGRATIONS, ("ALTER TABLE scores ADD COLUMN booth TEXT NOT NULL DEFAULT 'A'",)]
    with Store.open(tmp_path, migrations=more) as s:
        assert s.schema_version() == SCHEMA_VERSION + 1
        assert s.backend.conn.execute("SELECT initials, booth FROM scores").fetchall() == [("ABC", "A")]
    with Store.open(tmp_path, migrations=more) as s:  # not applied twice (it would fail: duplicate column)
        assert s.schema_version() == SCHEMA_VERSION + 1


def test_a_database_from_a_newer_game_is_refused_not_damaged(tmp_path):
    more = [*MIGRATIONS, ("CREATE TABLE later (x)",)]
    Store.open(tmp_path, migrations=more).close()
    with pytest.raises(StoreError, match="newer ProcessPlay"):
        Store.open(tmp_path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a ProcessPlay database"):
        Store.open(tmp_path / "junk.db")


def test_importing_the_store_and_exports_leaves_pygame_and_matplotlib_out():
    code = ("import sys, game.data.store, game.data.exports, game.data.report; "
            "print('pygame' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
