"""The shared board's tests get a real PostgreSQL server: CI's ($PROCESSPLAY_TEST_PG, started by .ci/run), else
a private one started here for the session (tests/pg_server.py) when the server's binaries are installed.

Without binaries or psycopg the PostgreSQL tests skip, saying why; with CI=true they fail instead, so a CI
run can never pass without having tested the board. `pg_database()` makes a fresh, empty database and
answers its URL (as the server's superuser); `pg_board` is one database for the session, emptied before
each test that takes it (cheaper than a database per test for the store's many small behaviour tests).
"""
from __future__ import annotations

import itertools
import os
import tempfile

import pytest

import pg_server

_names = itertools.count(1)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must test the shared board on a real PostgreSQL server, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server_url():
    """The superuser's URL of a running PostgreSQL server, for the session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable('psycopg is not installed (pip install -e ".[board]")')
    if os.environ.get(pg_server.URL_ENV):
        yield os.environ[pg_server.URL_ENV]
        return
    if pg_server.binaries() is None:
        _unavailable("no PostgreSQL server binaries (initdb) here: apt-get install postgresql")
    folder = tempfile.mkdtemp(prefix="processplay-pg-")
    try:
        url = pg_server.start(folder)
    except Exception as e:  # a server that cannot start here is said, not a traceback in every test
        _unavailable(f"a private PostgreSQL server could not start ({e})")
    try:
        yield url
    finally:
        pg_server.stop(folder)


@pytest.fixture
def pg_database(pg_server_url):
    """`pg_database()`: a new empty database on the server; its superuser URL."""
    import psycopg

    def make() -> str:
        name = f"board_{os.getpid()}_{next(_names)}"
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return pg_server_url.rsplit("/", 1)[0] + "/" + name

    return make


@pytest.fixture(scope="session")
def _session_board(pg_server_url):
    import psycopg

    name = f"board_{os.getpid()}_session"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def pg_board(_session_board):
    """The session's board database, migrated and emptied (ids from 1 again); its superuser URL."""
    from game.data.store import Store

    with Store.open(_session_board) as s, s.backend.write() as c:
        c.execute("TRUNCATE scores, leads, teams, rounds RESTART IDENTITY CASCADE")
    return _session_board

