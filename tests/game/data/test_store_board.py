"""The shared board on a real PostgreSQL server: its schema beside SQLite's, its roles, its URL's rules, and
kiosk processes writing at once (tests/game/data/conftest.py gives the server; no mock anywhere)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.data.store import (MIGRATIONS, POSTGRES_MIGRATIONS, SCHEMA_VERSION, Store, StoreError, check_board_url,
                             shown)
from game.data.store.roles import FACILITATOR, KIOSK, SALES
from pg_server import role_url

ROOT = Path(__file__).resolve().parents[3]
TABLES = ("scores", "leads", "teams", "rounds", "meta")


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _main(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], capture_output=True, text=True,
                          env=_env(), cwd=ROOT, timeout=120)


# --- one schema, two databases ------------------------------------------------------------------------


def test_both_back_ends_have_the_same_versions_tables_and_columns(tmp_path, pg_database):
    """The one list of migrations, in each back end's words: the same version means the same tables with
    the same columns in the same order."""
    assert len(MIGRATIONS) == len(POSTGRES_MIGRATIONS) == SCHEMA_VERSION
    with Store.open(tmp_path) as lite, Store.open(pg_database()) as board:
        assert lite.schema_version() == board.schema_version() == SCHEMA_VERSION
        for table in TABLES:
            sqlite_columns = [r[1] for r in lite.backend.conn.execute(f"PRAGMA table_info({table})")]
            pg_columns = [r[0] for r in board.backend._rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                (table,))]
            assert sqlite_columns and pg_columns == sqlite_columns, table


def test_an_empty_server_is_migrated_reopening_writes_nothing_and_a_newer_board_is_refused(pg_database):
    url = pg_database()
    with Store.open(url) as board:
        assert board.schema_version() == SCHEMA_VERSION and board.integrity() == "ok"
        board.add_score("ABC", "cs", 500.0)
    assert _main("board", "setup", url).returncode == 0
    # the kiosk's role may change no table's shape, so its opening the board proves reopening writes nothing
    with Store.open(role_url(url, KIOSK)) as kiosk:
        assert kiosk.schema_version() == SCHEMA_VERSION
        assert [e.initials for e in kiosk.top_all_time()] == ["ABC"]
    later = [*POSTGRES_MIGRATIONS, ("CREATE TABLE later (x INTEGER)",)]
    with Store.open(url, migrations=later) as board:
        assert board.schema_version() == SCHEMA_VERSION + 1
    with pytest.raises(StoreError, match="newer ProcessPlay"):
        Store.open(url)
    with Store.open(url, migrations=later) as board:  # refused, not damaged
        assert [e.initials for e in board.top_all_time()] == ["ABC"]


def test_a_board_opened_again_by_its_url_is_the_same_board(pg_board):
    with Store.open(pg_board) as board:
        entry = board.add_score("ABC", "cs", 1.5)
        with Store.open(board.path) as again:  # as the workshop's background jobs open their own connection
            assert again.top_all_time() == [entry]


# --- roles --------------------------------------------------------------------------------------------


def test_a_kiosk_adds_scores_and_leads_but_reads_no_lead_and_sales_reads_them(pg_database):
    from game.data.store.roles import setup_board

    setup_board(pg_database())  # the roles exist (they are the server's, not one database's)...
    url = pg_database()
    with pytest.raises(StoreError, match="board setup"):  # ...but a kiosk cannot make a new board's tables
        Store.open(role_url(url, KIOSK))
    setup = _main("board", "setup", url)
    assert setup.returncode == 0, setup.stderr
    assert f"{KIOSK}: SELECT on meta" in setup.stdout
    with Store.open(role_url(url, KIOSK)) as kiosk:
        entry = kiosk.add_score("KIO", "cs", 900.0)
        assert kiosk.top_today("cs") == [entry] and kiosk.rank(entry) == 1
        lead = kiosk.add_lead("Ann Lee", "Acme", "ann@example.com", True, scenario="cs", profit=900.0)
        with pytest.raises(StoreError, match=f"role {KIOSK} may not") as refused:
            kiosk.leads()
        assert "only scores" in str(refused.value)
        with pytest.raises(StoreError, match="may not"):
            kiosk.add_round("Blue", "cs", 1.0)
        assert kiosk.top_today("cs") == [entry]  # the refusal left the connection usable
    read = _main("leads", "--board", role_url(url, KIOSK))
    assert read.returncode == 2 and "may not" in read.stderr and "Traceback" not in read.stderr
    with Store.open(role_url(url, SALES)) as sales:
        assert sales.leads() == [lead]
        with pytest.raises(StoreError, match="may not"):
            sales.add_score("SAL", "cs", 1.0)
        assert sales.forget_lead("ANN@example.com") == 1 and sales.leads() == []
    with Store.open(role_url(url, FACILITATOR)) as facilitator:
        facilitator.add_round("Blue", "cs", 400.0, workshop="w")
        facilitator.add_round("Blue", "cs", 500.0, workshop="w")
        assert [(r.team, r.round) for r in facilitator.rounds(workshop="w")] == [("Blue", 1), ("Blue", 2)]
        with pytest.raises(StoreError, match="may not"):
            facilitator.leads()


# --- the URL's rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["postgresql://kiosk@board.invalid/pp", "postgresql://kiosk@10.1.2.3:5432/pp",
                                 "postgresql://kiosk@board.invalid/pp?sslmode=require",
                                 "postgresql://kiosk@localhost,board.invalid/pp?sslmode=prefer"])
def test_another_machine_without_verified_tls_is_refused_before_connecting(url):
    with pytest.raises(StoreError, match="sslmode=verify-full"):
        Store.open(url)  # board.invalid cannot resolve: a refusal this fast never tried to connect
    done = _main("leads", "--board", url)
    assert done.returncode == 2 and "sslmode=verify-full" in done.stderr


@pytest.mark.parametrize("url", ["postgresql://localhost/pp", "postgresql://k@127.0.0.1:5432/pp",
                                 "postgresql://k@[::1]/pp", "postgresql:///pp?host=/var/run/postgresql",
                                 "postgresql://k@board.example.com/pp?sslmode=verify-full"])
def test_this_machine_or_verified_tls_passes(url):
    assert check_board_url(url) == url


@pytest.mark.parametrize("url", ["postgresql://kiosk:Hunter2Secret@localhost/pp",
                                 "postgresql://kiosk@localhost/pp?password=Hunter2Secret",
                                 "postgresql://kiosk:Hunter2Secret@board.invalid/pp"])
def test_a_password_in_the_url_is_refused_and_never_shown(url, tmp_path):
    with pytest.raises(StoreError, match="pgpass") as refused:
        Store.open(url)
    assert "Hunter2Secret" not in str(refused.value) and "***" in str(refused.value)
    assert "Hunter2Secret" not in shown(url)
    for argv in (("leads", "--board", url), ("results", "--board", url), ("board", "setup", url),
                 ("--board", url, "--headless", "--frames", "1")):
        done = _main(*argv)
        assert done.returncode == 2, argv
        assert "PGPASSWORD" in done.stderr and "Hunter2Secret" not in done.stdout + done.stderr


def test_without_psycopg_the_board_says_how_to_install_it():
    code = ("import sys; sys.modules['psycopg'] = None; import main; "
            "sys.exit(main.main(['leads', '--board', 'postgresql://kiosk@localhost/pp']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), cwd=ROOT,
                          timeout=120)
    assert done.returncode == 2
    assert 'pip install -e ".[board]"' in done.stderr and "Traceback" not in done.stderr


def test_a_server_that_is_not_there_is_said_in_words_soon(tmp_path):
    import socket

    pytest.importorskip("psycopg", reason='psycopg is not installed (pip install -e ".[board]")')
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError, match="cannot be reached"):
        Store.open(f"postgresql://kiosk@127.0.0.1:{port}/pp")


# --- kiosks at once ------------------------------------------------------------------------------------

KIOSK_PROCESS = r"""
import sys, time
from game.data.store import Store

url, letter, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Store.open(url) as store:  # both kiosks open the empty board at once: one migrates, the other waits
    mine = [store.add_score(letter + "Q" + chr(65 + i), "cs", 100.0 + i, seed=i).id for i in range(n)]
    print("wrote", *mine, flush=True)
    deadline = time.monotonic() + 60
    while len(seen := store.top_all_time("cs", n=1000)) < 2 * n and time.monotonic() < deadline:
        time.sleep(0.05)
    print("saw", *sorted(e.id for e in seen), flush=True)
"""


def test_two_kiosk_processes_writing_at_once_see_each_others_scores(pg_database):
    url, n = pg_database(), 25
    kiosks = [subprocess.Popen([sys.executable, "-c", KIOSK_PROCESS, url, letter, str(n)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT) for letter in "XY"]
    outputs = [k.communicate(timeout=120) for k in kiosks]
    assert all(k.returncode == 0 for k in kiosks), [err for _, err in outputs]
    wrote = [{int(x) for x in out.splitlines()[0].split()[1:]} for out, _ in outputs]
    saw = [[int(x) for x in out.splitlines()[1].split()[1:]] for out, _ in outputs]
    assert len(wrote[0]) == len(wrote[1]) == n and not wrote[0] & wrote[1]
    assert saw[0] == saw[1] == sorted(wrote[0] | wrote[1])
    with Store.open(url) as board:
        assert board.schema_version() == SCHEMA_VERSION
        assert len(board.top_all_time("cs", n=1000)) == 2 * n


def test_an_sqlite_file_and_a_board_keep_the_same_row(tmp_path, pg_board):
    """What one round writes reads back the same from either database, times and JSON included."""
    rows = []
    for where in (tmp_path, pg_board):
        with Store.open(where) as s:
            e = s.add_score("ABC", "cs", 12.5, stars=1, kpis={"b": 2.0, "a": (1.0, 0.1)}, day="2026-05-01")
            r = s.add_round("Blue", "cs", 7.0, rules={"z": 1, "a": "fifo"}, edges=["a.out -> b"], seed=4_000_000_000,
                            workshop="w", baseline_kpis={"profit": 1.0})
            rows.append((e, r))
    (lite_score, lite_round), (pg_score, pg_round) = rows
    same = ("initials", "profit", "stars", "kpis", "day", "seed")
    assert [getattr(lite_score, f) for f in same] == [getattr(pg_score, f) for f in same]
    assert list(pg_round.rules) == ["z", "a"] and pg_round.rules == lite_round.rules  # the levers' order kept
    assert (pg_round.seed, pg_round.edges, pg_round.baseline_kpis) == (4_000_000_000, ["a.out -> b"], {"profit": 1.0})
    assert len(pg_score.created) == len(lite_score.created) and pg_score.created.endswith("+00:00")


# --- the game on a board -------------------------------------------------------------------------------


def test_the_game_keeps_its_scores_on_the_board_it_was_given(mode_app, pg_board, monkeypatch):
    from game.modes.shared import storage_problem, store

    monkeypatch.delenv("PROCESSPLAY_BOARD", raising=False)
    mode_app.board = pg_board  # what `--board URL` sets (game.modes.start)
    entry = store(mode_app).add_score("GAM", "cs", 321.0)
    assert storage_problem(mode_app) is None
    with Store.open(pg_board) as board:  # another machine's view of the same board
        assert board.top_all_time() == [entry]


def test_a_board_refused_leaves_the_game_playing_without_saving_and_says_why(mode_app, monkeypatch):
    from game.modes.shared import storage_problem

    monkeypatch.setenv("PROCESSPLAY_BOARD", "postgresql://kiosk:Hunter2Secret@localhost/pp")
    problem = storage_problem(mode_app)
    assert problem is not None and "pgpass" in problem and "Hunter2Secret" not in problem


def test_a_server_gone_is_a_save_refused_in_words_and_its_return_is_used_by_itself(pg_server_url):
    """The server stops between two saves: the save while it is away is a SaveError (nothing stored), the
    board's rows are all there when it returns, and the same Store goes on without being opened again."""
    import tempfile

    import pg_server
    from game.data.store import SaveError

    if pg_server.binaries() is None:
        pytest.skip("no PostgreSQL server binaries here to stop and start one")
    folder = tempfile.mkdtemp(prefix="processplay-pg-restart-")
    url = pg_server.start(folder)
    try:
        with Store.open(url) as board:
            before = board.add_score("ONE", "cs", 1.0, key="one")
            pg_server.stop(folder)
            with pytest.raises(SaveError, match="does not answer") as refused:
                board.add_score("TWO", "cs", 2.0, key="two")
            assert "Traceback" not in str(refused.value)
            with pytest.raises(StoreError, match="does not answer"):
                board.top_all_time()  # tried to connect again, and could not
            with pytest.raises(StoreError, match="trying again in a few seconds"):
                board.top_all_time()  # does not try again at once (a screen asking every frame would freeze)
            pg_server.restart(folder)
            board.backend._quiet_until = 0.0  # the pause over
            assert board.top_all_time() == [before]  # connected again by itself; the refused save is not there
            again = board.add_score("TWO", "cs", 2.0, key="two")  # the retry of the refused save lands once
            assert [e.id for e in board.top_all_time()] == [again.id, before.id]
    finally:
        pg_server.stop(folder)


def test_board_setup_asks_for_passwords_and_keeps_only_their_hash(pg_database):
    """`board setup URL --passwords` reads each role's password from the terminal (here its stdin, with no
    terminal to open), never the command line; the server keeps a SCRAM hash; an empty answer sets none."""
    import psycopg

    url = pg_database()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "board", "setup", url, "--passwords"],
                          input="Kiosk-Secret-1\n\n\n", capture_output=True, text=True, env=_env(), cwd=ROOT,
                          timeout=120, start_new_session=True)  # no controlling terminal: getpass reads stdin
    assert done.returncode == 0, done.stderr
    assert f"password of {KIOSK} set" in done.stdout and "Kiosk-Secret-1" not in done.stdout + done.stderr
    with psycopg.connect(url) as conn:
        kept = dict(conn.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY(%s)",
                                 ([KIOSK, SALES],)).fetchall())
    assert kept[KIOSK].startswith("SCRAM-SHA-256$") and "Kiosk-Secret-1" not in kept[KIOSK]
    assert kept[SALES] is None


def test_the_games_reads_of_a_board_gone_are_calm_and_said(mode_app, pg_server_url, monkeypatch):
    """The game's store on a board whose server stops: today's best (the attract screen asks every frame),
    the boards and the teams answer as an unusable store does instead of raising, the reason is what the
    staff line shows (storage_problem), logged once; when the server returns the reads are real again."""
    import tempfile

    import pg_server
    from game.modes.shared import storage_problem, store

    if pg_server.binaries() is None:
        pytest.skip("no PostgreSQL server binaries here to stop and start one")
    monkeypatch.delenv("PROCESSPLAY_BOARD", raising=False)
    folder = tempfile.mkdtemp(prefix="processplay-pg-gone-")
    mode_app.board = pg_server.start(folder)
    try:
        st = store(mode_app)
        entry = st.add_score("ONE", "cs", 10.0)
        assert st.best_today("cs") == entry and storage_problem(mode_app) is None
        pg_server.stop(folder)
        for _ in range(3):  # frame after frame
            assert st.best_today("cs") is None and st.top_today("cs") == [] and st.teams() == []
        problem = storage_problem(mode_app)
        assert problem is not None and "does not answer" in problem
        logged = (mode_app.data_dir / "processplay.log").read_text(encoding="utf-8")
        assert logged.count("The board does not answer") == 1
        pg_server.restart(folder)
        st.store.backend._quiet_until = 0.0  # the pause between tries over
        assert st.best_today("cs") == entry and storage_problem(mode_app) is None
    finally:
        pg_server.stop(folder)
