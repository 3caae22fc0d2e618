"""The store's PostgreSQL back end: one board on a server, shared by the kiosks of a booth or a workshop's laptops.

`PostgresBackend.open(url)` first checks the URL (game.data.store.board: no password in it, TLS with
verification for another machine), then connects through psycopg 3, an optional extra
(`pip install -e ".[board]"`; without it the refusal says so), with a connect timeout of a few seconds so
a server that is not there is a `StoreError` in words, never a hang or a traceback. Then:

- the schema is the one list of game.data.store.schema in PostgreSQL's words, applied step by step, each
  in a transaction holding an advisory lock and re-reading the version inside it, so two machines
  opening an empty board at once do not both apply a step; a board made by a newer game is refused. A
  role that may not change the schema (a kiosk's, set up by `board setup`, game.data.store.roles) opening
  a board that is behind is told to have the owner run `python main.py board setup URL`;
- every write is one transaction (`with conn.transaction()` on a connection otherwise in autocommit)
  committed when the method returns; reads are single statements. A thread lock keeps one statement at
  a time on the connection (a background job may save while a screen reads);
- the queries are game.data.store.queries.BoardQueries, shared with SQLite, their `?` turned into `%s`;
  two writers of one team's rounds take turns on the team's row (`FOR UPDATE`); JSON comes back read,
  times and days as `datetime`/`date`, made ISO text by the shared row makers;
- failures are in words: a server that went away is a `SaveError` for a write and a `StoreError` for a
  read, the next call connecting again (after a failed try, calls fail at once for a few seconds, so a
  screen asking every frame does not freeze on the connect timeout). A write refused so was not committed, except in the one case no
  client can tell: the connection lost after COMMIT was sent; sending it again with the same key
  (`Store.add_*(key=...)`) keeps it once either way. A role
  refused what it tried (a kiosk reading leads) is a `StoreError` naming the role and what it may do.
  No message carries a password (`board.shown`).
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator, Sequence
from urllib.parse import urlsplit

from game.data.store.board import check_board_url, shown
from game.data.store.errors import SaveError, StoreError
from game.data.store.queries import BoardQueries
from game.data.store.schema import POSTGRES_MIGRATIONS

#: Seconds to wait for the server to answer before saying it does not.
CONNECT_TIMEOUT = 3
#: Seconds after a failed reconnection during which calls fail at once instead of trying again.
RETRY_PAUSE = 5.0
#: The advisory lock that makes two machines migrating one board take turns (any fixed number).
_MIGRATION_LOCK = 20261201
INSTALL_HINT = 'the shared board needs psycopg, which is not installed here: pip install -e ".[board]"'


def require_psycopg():
    """The psycopg module, or a StoreError saying how to install it."""
    try:
        import psycopg
    except ImportError:
        raise StoreError(INSTALL_HINT) from None
    return psycopg


class RoleRefused(StoreError):
    """What the board's role may not do (a kiosk reading leads, a kiosk changing the schema)."""


class _Statements:
    """What a transaction hands the shared queries: `execute(sql, params)` with `?` placeholders."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql: str, params: Sequence = ()):
        return self.conn.execute(sql.replace("?", "%s"), tuple(params))


class PostgresBackend(BoardQueries):
    """A ProcessPlay board in a PostgreSQL database, named by `url` (never holding a password)."""

    LOCK_TEAM = "SELECT id FROM teams WHERE id = ? FOR UPDATE"

    def __init__(self, conn, url: str):
        self.conn = conn
        self.url = url
        self.path = shown(url)  # what messages say, and what opening it again takes
        self.role = urlsplit(url).username or "(the login user)"
        self._lock = threading.RLock()
        self.retry_pause = RETRY_PAUSE
        self._quiet_until = 0.0  # after a failed reconnection, until when calls fail at once

    # -- opening --

    @classmethod
    def open(cls, url: str, *, migrations: Sequence[Sequence[str]] | None = None,
             timeout: float = CONNECT_TIMEOUT) -> "PostgresBackend":
        """Connect to the board at `url` and bring its schema up to date with `migrations` (the game's own
        by default). StoreError in words for a URL refused, psycopg missing, a server that does not
        answer, a board from a newer game, or one this role may not bring up to date."""
        url = check_board_url(url)
        backend = cls(_connect(url, timeout), url)
        try:
            backend._migrate(POSTGRES_MIGRATIONS if migrations is None else migrations)
        except BaseException:
            backend.close()
            raise
        return backend

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "PostgresBackend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[_Statements]:
        """`with backend.write() as c:` one transaction, committed at the end; a SaveError, nothing stored,
        when the server cannot take it."""
        psycopg = require_psycopg()
        with self._lock, self._failures(psycopg, SaveError):
            with self._connection().transaction():
                yield _Statements(self.conn)

    def _rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        psycopg = require_psycopg()
        with self._lock, self._failures(psycopg, StoreError):
            return self._connection().execute(sql.replace("?", "%s"), tuple(params)).fetchall()

    def _connection(self):
        """The connection, made again when the last one broke (the server restarted, the network came back).
        After a failed try, calls fail at once for `retry_pause` seconds rather than each wait for the
        connect timeout (a screen asking every frame would freeze). psycopg's errors: see _failures."""
        if self.conn.closed or self.conn.broken:
            psycopg = require_psycopg()
            if time.monotonic() < self._quiet_until:
                raise psycopg.OperationalError("it did not a moment ago; trying again in a few seconds")
            try:
                self.conn = _dial(psycopg, self.url, CONNECT_TIMEOUT)
            except psycopg.Error:
                self._quiet_until = time.monotonic() + self.retry_pause
                raise
        return self.conn

    @contextmanager
    def _failures(self, psycopg, kind):
        """psycopg's errors of the server and of privileges as `kind` (SaveError for a write) in words."""
        try:
            yield
        except psycopg.errors.InsufficientPrivilege as e:
            raise RoleRefused(f"{self.path}: the role {self.role} may not do this on the board "
                             f"({e.diag.message_primary}); {_ROLE_HINT}") from None
        except (psycopg.OperationalError, psycopg.InterfaceError) as e:
            message = f"the board's server does not answer ({_first_line(e)})"
            raise (SaveError(message, self.path) if kind is SaveError else StoreError(f"{self.path}: {message}")
                   ) from None

    # -- the schema --

    def schema_version(self) -> int:
        rows = self._rows("SELECT value FROM meta WHERE key = 'schema_version'"
                          if self._has_meta() else "SELECT '0'")
        return int(rows[0][0]) if rows else 0

    def _has_meta(self) -> bool:
        return self._rows("SELECT to_regclass('meta') IS NOT NULL")[0][0]

    def integrity(self) -> str:
        """"ok" when the board answers and has its tables (PostgreSQL checks its own pages)."""
        missing = [t for t in ("scores", "leads", "teams", "rounds")
                   if not self._rows("SELECT to_regclass(?) IS NOT NULL", (t,))[0][0]]
        return "ok" if not missing else f"tables missing: {', '.join(missing)}"

    def _migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        version = self.schema_version()
        if version > len(migrations):
            raise StoreError(f"{self.path}: made by a newer ProcessPlay (schema {version}, this one knows "
                             f"{len(migrations)}); update the game on this machine")
        if version == len(migrations):
            return  # reopening an up-to-date board writes nothing
        try:
            for i in range(version, len(migrations)):
                self._migrate_step(i, migrations[i])
        except RoleRefused:
            raise RoleRefused(f"{self.path}: the board's schema is at version {version} and this game needs "
                             f"{len(migrations)}, which the role {self.role} may not bring about; whoever "
                             "owns the server runs `python main.py board setup URL` once") from None

    def _migrate_step(self, i: int, statements: Sequence[str]) -> None:
        with self.write() as c:
            c.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            c.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '0') ON CONFLICT (key) DO NOTHING")
            # read again inside the lock: another machine may have migrated meanwhile
            if int(c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]) != i:
                return
            for statement in statements:
                c.conn.execute(statement)
            c.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(i + 1),))


_ROLE_HINT = ("a kiosk's role adds scores and leads but reads only scores; the sales role reads and deletes "
              "leads; the facilitator's role keeps the workshop's teams and rounds (docs/deployment.md)")


def _connect(url: str, timeout: float):
    """A connection to the board, or a StoreError saying the server cannot be reached."""
    psycopg = require_psycopg()
    try:
        return _dial(psycopg, url, timeout)
    except psycopg.Error as e:
        raise StoreError(f"{shown(url)}: the board's server cannot be reached ({_first_line(e)})") from None


def _dial(psycopg, url: str, timeout: float):
    """A connection in autocommit (each write opens its own transaction), in UTC; psycopg's errors as they are."""
    conn = psycopg.connect(url, connect_timeout=max(1, int(round(timeout))), autocommit=True,
                           application_name="processplay")
    conn.execute("SET TIME ZONE 'UTC'")
    return conn


def _first_line(exc: BaseException) -> str:
    """The first line of a driver's message (libpq's run on over several), password-free."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return shown(lines[0] if lines else type(exc).__name__)
