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

The methods below the schema's are the back end's share of game.data.store.backend.Backend: plain SQL
on values the store has already checked and tidied; JSON text for KPIs, rules and edges. Emails are
compared with the store's `email_key`, registered as an SQL function.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any, Sequence

from game.data.store.checks import email_key
from game.data.store.errors import StoreError
from game.data.store.location import database_path
from game.data.store.records import Lead, RoundRecord, ScoreEntry, Team
from game.data.store.schema import MIGRATIONS
from game.data.store.transaction import Transaction

_SCORE_COLUMNS = "id, initials, scenario, score, stars, map_score, kpis, day, seed, created, profit"
_ROUND_COLUMNS = ("r.id, t.name, t.workshop, r.round, r.scenario, r.scenario_path, r.seed, r.rules, r.edges,"
                  " r.kpis, r.score, r.stars, r.map_score, r.baseline, r.par, r.created, r.baseline_kpis,"
                  " r.par_kpis, r.profit")
#: The board's rule (engine.scoring.rank_key) in SQL: profit on the evaluation days, then stars, then the
#: map; a row kept before the score was money (no profit) after every row with one; then who came first.
_BOARD_ORDER = "profit IS NULL, profit DESC, stars DESC, map_score DESC, id ASC"
_BOARD_KEY = "profit IS NULL, COALESCE(-profit, 0), -stars, -map_score, id"


class SQLiteBackend:
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
        conn.create_function("email_key", 1, email_key, deterministic=True)
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

    # -- the leaderboard --

    def insert_score(self, *, initials: str, scenario: str, profit: float, stars: int, map_score: int,
                     kpis: dict, day: str, seed: int, created: str) -> int:
        with self.write() as c:
            cur = c.execute(
                "INSERT INTO scores (initials, scenario, score, stars, map_score, kpis, day, seed, created, profit)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (initials, scenario, _old_score(profit) or 0, stars, map_score, json.dumps(kpis), day, seed, created,
                 profit))
            return cur.lastrowid

    def score(self, entry_id: int) -> ScoreEntry | None:
        rows = self._scores("WHERE id = ?", (entry_id,), 1)
        return rows[0] if rows else None

    def scores(self, scenario: str | None, day: str | None, n: int) -> list[ScoreEntry]:
        where, params = _filter(scenario, day)
        return self._scores(where, params, n)

    def count_better(self, scenario: str | None, day: str | None, entry_id: int) -> int:
        where, params = _filter(scenario, day)
        return self.conn.execute(
            f"SELECT COUNT(*) FROM scores {where} AND ({_BOARD_KEY}) < "
            f"(SELECT {_BOARD_KEY} FROM scores WHERE id = ?)", (*params, entry_id)).fetchone()[0]

    def _scores(self, where: str, params: tuple, n: int) -> list[ScoreEntry]:
        rows = self.conn.execute(
            f"SELECT {_SCORE_COLUMNS} FROM scores {where} ORDER BY {_BOARD_ORDER} LIMIT ?",
            (*params, int(n))).fetchall()
        return [ScoreEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8], r[9], r[10])
                for r in rows]

    # -- leads --

    def insert_lead(self, *, name: str, company: str, email: str, consent_at: str, consent_text: str,
                    scenario: str | None, profit: float | None, created: str) -> int:
        with self.write() as c:
            cur = c.execute(
                "INSERT INTO leads (name, company, email, consent_at, consent_text, scenario, score, created,"
                " profit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, company, email, consent_at, consent_text, scenario, _old_score(profit), created, profit))
            return cur.lastrowid

    def leads(self, lead_id: int | None = None) -> list[Lead]:
        where, params = ("WHERE id = ?", (lead_id,)) if lead_id is not None else ("", ())
        rows = self.conn.execute(
            "SELECT id, name, company, email, consent_at, consent_text, scenario, score, created, profit FROM leads "
            f"{where} ORDER BY id", params).fetchall()
        return [Lead(*r) for r in rows]

    def delete_leads_of(self, key: str) -> int:
        with self.write() as c:
            return c.execute("DELETE FROM leads WHERE email_key(email) = ?", (key,)).rowcount

    def delete_leads_before(self, when: str) -> int:
        with self.write() as c:
            return c.execute("DELETE FROM leads WHERE created < ?", (when,)).rowcount

    # -- workshop teams and rounds --

    def ensure_team(self, name: str, workshop: str, created: str) -> None:
        with self.write() as c:
            _team_id(c, name, workshop, created)

    def teams(self, workshop: str | None) -> list[Team]:
        where, params = ("WHERE t.workshop = ?", (workshop,)) if workshop is not None else ("", ())
        rows = self.conn.execute(
            "SELECT t.id, t.name, t.workshop, t.created, COUNT(r.id), MAX(r.profit) FROM teams t "
            f"LEFT JOIN rounds r ON r.team_id = t.id {where} GROUP BY t.id ORDER BY t.id", params).fetchall()
        return [Team(*r) for r in rows]

    def workshops(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT workshop FROM teams GROUP BY workshop ORDER BY MIN(id)")]

    def insert_round(self, *, team: str, workshop: str, scenario: str, scenario_path: str | None,
                     seed: int | None, rules: dict, edges: list, kpis: dict, profit: float, stars: int,
                     map_score: int, baseline: float | None, par: float | None, created: str,
                     baseline_kpis: dict | None, par_kpis: dict | None) -> int:
        """The team (created if new) gets the round numbered after its last; in one transaction."""
        with self.write() as c:
            team_id = _team_id(c, team, workshop, created)
            number = c.execute("SELECT COALESCE(MAX(round), 0) + 1 FROM rounds WHERE team_id = ?",
                               (team_id,)).fetchone()[0]
            cur = c.execute(
                "INSERT INTO rounds (team_id, round, scenario, scenario_path, seed, rules, edges, kpis, score,"
                " stars, map_score, baseline, par, created, baseline_kpis, par_kpis, profit)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (team_id, number, scenario, scenario_path, seed, json.dumps(rules), json.dumps(edges),
                 json.dumps(kpis), _old_score(profit) or 0, stars, map_score, baseline, par, created,
                 _json_or_none(baseline_kpis), _json_or_none(par_kpis), profit))
            return cur.lastrowid

    def rounds(self, team: str | None = None, workshop: str | None = None, scenario: str | None = None,
               round_id: int | None = None) -> list[RoundRecord]:
        clauses, params = ["1 = 1"], []
        for column, value in (("t.name", team), ("t.workshop", workshop), ("r.scenario", scenario),
                              ("r.id", round_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        rows = self.conn.execute(
            f"SELECT {_ROUND_COLUMNS} FROM rounds r JOIN teams t ON t.id = r.team_id "
            f"WHERE {' AND '.join(clauses)} ORDER BY t.id, r.round", tuple(params)).fetchall()
        return [RoundRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), json.loads(r[8]),
                            json.loads(r[9]), r[10], r[11], r[12], r[13], r[14], r[15],
                            None if r[16] is None else json.loads(r[16]),
                            None if r[17] is None else json.loads(r[17]), r[18]) for r in rows]


def _filter(scenario: str | None, day: str | None) -> tuple[str, tuple]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if scenario is not None:
        clauses.append("scenario = ?")
        params.append(scenario)
    if day is not None:
        clauses.append("day = ?")
        params.append(day)
    return "WHERE " + " AND ".join(clauses), tuple(params)


def _team_id(c: sqlite3.Connection, name: str, workshop: str, created: str) -> int:
    """The id of team `name` in `workshop`, created if new (inside the caller's transaction)."""
    c.execute("INSERT OR IGNORE INTO teams (name, workshop, created) VALUES (?, ?, ?)", (name, workshop, created))
    return c.execute("SELECT id FROM teams WHERE workshop = ? AND name = ?", (workshop, name)).fetchone()[0]


def _old_score(profit: float | None) -> int | None:
    """What the old `score` column gets, so a reader from before the score was money does not break."""
    return None if profit is None else int(round(profit))


def _json_or_none(value) -> str | None:
    return None if value is None else json.dumps(value)


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
