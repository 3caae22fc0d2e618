"""The store's SQLite back end: one file (standard library) in the data folder, safe against power loss.

`SQLiteBackend.open(where)` opens, creating if need be, the database `database_path(where)` names, in a
folder it first checks it can write files in (a `--data` naming a file, a read-only folder or a path
through a file is a `StoreError` in words, never a traceback). Then:

- the database runs in WAL mode with `synchronous=FULL`: a commit returns only once its log frame is on
  disk, and a crash (process killed, machine off) at any moment leaves the last committed state; a
  folder where WAL cannot work (a network drive without shared memory) is refused;
- every write is one transaction committed before the method returns (game.data.store.transaction), so
  the screen may say "saved" as soon as the call comes back;
- the schema is brought up to date by the migrations of game.data.store.schema, each in its own
  transaction, re-reading the version inside the lock so that two processes opening one file at once do
  not both apply a step; a file from a newer game, or one that is not a database, is refused.

The queries themselves (the board, leads, teams and rounds, every write keyed) are
game.data.store.queries.BoardQueries, shared with the PostgreSQL back end: SQL on values the store has
already checked and tidied, JSON text for KPIs, rules and edges here.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Sequence

from game.data.store.errors import StoreError
from game.data.store.location import database_path
from game.data.store.queries import BoardQueries
from game.data.store.schema import MIGRATIONS
from game.data.store.transaction import Transaction


class SQLiteBackend(BoardQueries):
    """A ProcessPlay database in one SQLite file. One per process; SQLite serialises writers across
    processes, the lock here the threads of this one."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()  # a background job may save while a screen reads: one write at a time

    # -- opening --

    @classmethod
    def open(cls, where: str | os.PathLike | None = None, *, migrations: Sequence[Sequence[str]] | None = None
             ) -> "SQLiteBackend":
        """Open (creating if need be) the database for `where` (see `database_path`) and bring its schema
        up to date with `migrations` (the game's own by default). StoreError if it was made by a newer
        ProcessPlay, is not a database, or cannot be used here."""
        path = database_path(where)
        _usable_folder(path.parent, where)
        try:
            # isolation_level=None: no implicit transactions; each write says BEGIN and COMMIT itself
            conn = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"{_shown(path)}: the database cannot be opened here ({e}); "
                             "choose another folder with --data DIR") from None
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # e.g. a network drive without shared memory
                raise StoreError(f"{path}: the database cannot use WAL mode here ({mode}); "
                                 "choose a local folder with --data DIR")
            # FULL: a commit waits for the WAL to reach the disk, so a confirmed row survives power loss
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            backend = cls(conn, path)
            backend._migrate(MIGRATIONS if migrations is None else migrations)
        except sqlite3.DatabaseError as e:
            conn.close()
            if isinstance(e, sqlite3.OperationalError) and "not a database" not in str(e):
                raise StoreError(f"{_shown(path)}: the database cannot be used here ({e}); "
                                 "choose another folder with --data DIR") from None
            raise StoreError(f"{_shown(path)}: not a ProcessPlay database ({e})") from None
        except BaseException:
            conn.close()
            raise
        return backend

    def close(self) -> None:
        self.conn.close()

    def write(self) -> Transaction:
        """`with backend.write() as c:` one transaction on connection `c`, committed at the end."""
        return Transaction(self.conn, self._lock, self.path)

    # -- the schema --

    def _migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        with self.write() as c:
            c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            c.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '0')")
        version = self.schema_version()
        if version > len(migrations):
            raise StoreError(f"{self.path}: made by a newer ProcessPlay (schema {version}, this one knows "
                             f"{len(migrations)}); update the game or use another --data folder")
        for i in range(version, len(migrations)):
            with self.write() as c:
                # read again inside the lock: another process may have migrated meanwhile
                if int(c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]) != i:
                    continue
                for statement in migrations[i]:
                    c.execute(statement)
                c.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(i + 1),))

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def integrity(self) -> str:
        """`PRAGMA integrity_check`: "ok" for a sound database."""
        return "\n".join(r[0] for r in self.conn.execute("PRAGMA integrity_check"))

    def backup(self, dest: str | os.PathLike) -> Path:
        """A consistent copy of the whole database at `dest` (safe while the game runs)."""
        dest = Path(dest)
        target = sqlite3.connect(dest)
        try:
            self.conn.backup(target)
        finally:
            target.close()
        return dest

    def _rows(self, sql: str, params=()) -> list[tuple]:
        return self.conn.execute(sql, tuple(params)).fetchall()


def _shown(text) -> str:
    from engine.words import printable

    return printable(text)


def _usable_folder(folder: Path, where) -> None:
    """StoreError unless `folder` is (or can be made) a folder this process can write files in: `--data`
    naming a file, a read-only folder or disk, a path through a file."""
    if folder.exists() and not folder.is_dir():
        what = "a file" if folder.is_file() else "something else"
        raise StoreError(f"{_shown(where if where is not None else folder)}: is {what}, not a folder; "
                         "give a folder with --data DIR")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # the database needs its -wal and -shm files beside it
            pass
    except OSError as e:
        from engine.files import reason

        raise StoreError(f"{_shown(folder)}: the data folder cannot be used ({reason(e)}); "
                         "choose another with --data DIR") from None
