"""What the game keeps between runs: the leaderboard, the leads left at a kiosk, the teams' rounds of a workshop.

One SQLite file (standard library) in the user's data folder, `platformdirs.user_data_dir("ProcessPlay")`,
or in the folder given by `--data DIR`. The promise to a player is simple: a score or a lead that was
confirmed on screen is never lost, even if the kiosk's power is pulled a second later. So:

- the database runs in WAL mode with `synchronous=FULL`: a commit returns only once its log frame is on
  disk, and a crash (process killed, machine off) at any moment leaves the last committed state;
- every write is one transaction (`BEGIN IMMEDIATE ... COMMIT`) that is committed before the method
  returns, so the screen may say "saved" as soon as the call comes back;
- the schema carries its version in a `meta` table and grows by a list of migrations, each applied in
  its own transaction, so a kiosk updated at a show keeps its board.

A database that cannot be opened or written is said in words, never as a traceback: `Store.open` refuses
a `--data` that names a file, a read-only folder or something that is not a database with a `StoreError`;
a write the machine cannot make (a full disk, a read-only disk, a lock held too long) is a `SaveError`
with the reason, nothing half-stored. The game runs on an `UnavailableStore` when its database cannot be
opened: empty boards, and every save a `SaveError` the screens show as "couldn't save".

Emails are matched by Unicode case folding (`email_key`: NFC, then `str.casefold`), so `ZOË@EXAMPLE.COM`
finds `zoë@example.com`; addresses are stored as typed (NFC) and compared folded, so the rows kept by an
older version need no migration.

The checks a player's input must pass live here too, so every screen and the command line apply the same
ones: initials are exactly three letters A-Z and not on the deny-list; a lead needs explicit consent, a
name and an email of a plausible shape. A refusal is a `StoreError` whose text can be shown as it is.

Nothing here imports pygame or matplotlib.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from game.data.denylist import DENIED_MESSAGE, is_denied

__all__ = [
    "Store", "StoreError", "InitialsError", "LeadError", "SaveError", "UnavailableStore", "email_key",
    "ScoreEntry", "Lead", "Team", "RoundRecord", "data_dir", "database_path", "check_initials", "check_email",
    "today", "SCHEMA_VERSION", "DB_NAME",
    "LOG_NAME",
]

APP_NAME = "ProcessPlay"
DB_NAME = "processplay.sqlite3"
LOG_NAME = "processplay.log"  # the kiosk's crash log, beside the database
#: Set to a folder to move the data there without `--data` (a kiosk's start script, the tests).
DATA_ENV = "PROCESSPLAY_DATA"


class StoreError(ValueError):
    """Input the store refuses; `str(e)` is a sentence a player or facilitator can read."""


class InitialsError(StoreError):
    pass


class SaveError(StoreError):
    """A write the machine could not make (a full or read-only disk, a database that cannot be opened):
    nothing was stored. `str(e)` is for the staff and the log; `reason` is the cause alone. A screen says
    "couldn't save" in its own words and logs this."""

    def __init__(self, reason: str, path: str | os.PathLike | None = None):
        self.reason = reason
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {reason}" if path is not None else reason)


class LeadError(StoreError):
    pass


# --- where the data lives -------------------------------------------------------------------------


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The folder of the database and the log: `override` (from `--data DIR`), else $PROCESSPLAY_DATA,
    else the user's data folder for ProcessPlay (e.g. ~/.local/share/ProcessPlay on Linux,
    %LOCALAPPDATA%\\ProcessPlay on Windows, ~/Library/Application Support/ProcessPlay on macOS)."""
    if override:
        return Path(override).expanduser()
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(where: str | os.PathLike | None = None) -> Path:
    """The database file for `where`: a folder (the database inside it), a file ending in .sqlite3, .sqlite
    or .db (that file), or None (the default data folder)."""
    if where is not None and Path(where).suffix.lower() in (".sqlite3", ".sqlite", ".db"):
        return Path(where).expanduser()
    return data_dir(where) / DB_NAME


# --- checks on what players type ----------------------------------------------------------------------

_INITIALS = re.compile(r"[A-Z]{3}")
# A plausible address, not a proof of one (only sending a mail proves that): one @, a local part without
# spaces or a dot at either end, a domain of dot-separated labels of letters, digits and inner hyphens,
# ending in a top-level label of two or more letters (or an IDN's xn-- form). Unicode letters allowed.
_LOCAL = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[\w-]{{1,59}})")


def check_initials(initials: str) -> str:
    """`initials` upper-cased if they are exactly three letters A-Z and not on the deny-list; else
    InitialsError with a friendly sentence."""
    text = (initials or "").strip().upper()
    if not _INITIALS.fullmatch(text):
        raise InitialsError("Initials are three letters, A to Z.")
    if is_denied(text):
        raise InitialsError(DENIED_MESSAGE)
    return text


def email_key(email: str) -> str:
    """What two addresses that are the same mailbox share, for matching: NFC-normalised, surrounding
    spaces gone, Unicode case folding (`ZOË@EXAMPLE.COM`, `zoë@example.com` and `Zoe\u0308@Example.com`
    all give `zoë@example.com`)."""
    text = unicodedata.normalize("NFC", (email or "").strip()).casefold()
    return unicodedata.normalize("NFC", text)


def check_email(email: str) -> str:
    """`email` without surrounding spaces (NFC-normalised) if it has the shape of an address; else
    LeadError. No network."""
    text = unicodedata.normalize("NFC", (email or "").strip())
    local, at, domain = text.rpartition("@")
    if (not at or len(text) > 254 or len(local) > 64 or not _LOCAL.fullmatch(local)
            or not _DOMAIN.fullmatch(domain) or "_" in domain):
        raise LeadError("That email address does not look right. Please check it.")
    return text


def today() -> _dt.date:
    """The day of the daily board: the UTC date, the same one `engine.scoring.daily_seed` uses."""
    return _dt.datetime.now(_dt.timezone.utc).date()


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _day(day: _dt.date | str | None) -> str:
    if day is None:
        return today().isoformat()
    if isinstance(day, _dt.datetime):
        return day.astimezone(_dt.timezone.utc).date().isoformat()
    if isinstance(day, _dt.date):
        return day.isoformat()
    return _dt.date.fromisoformat(day).isoformat()


def _kpis_json(kpis: Mapping[str, Any] | None) -> str:
    """KPI means as JSON: (mean, half-width) pairs and {"mean": ..} become their mean; NaN becomes null."""
    out: dict[str, float | None] = {}
    for name, v in (kpis or {}).items():
        if isinstance(v, (tuple, list)):
            v = v[0]
        elif isinstance(v, Mapping):
            v = v.get("mean")
        v = None if v is None else float(v)
        out[str(name)] = v if v is None or math.isfinite(v) else None
    return json.dumps(out, sort_keys=True)


def _rules_json(rules: Mapping[str, Any] | None) -> str:
    """Rule values in the order given (the scenario's order of levers, as screens list them)."""
    return json.dumps({str(k): (v.item() if hasattr(v, "item") else v) for k, v in (rules or {}).items()})


def _edges_json(edges: Iterable[Any] | None) -> str:
    """Edges as their readable text, `src.port -> dst` (engine.format.parse_edge reads it back)."""
    return json.dumps([str(e) for e in (edges or ())])


# --- rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """A line of the leaderboard."""

    id: int
    initials: str
    scenario: str
    score: int  # the headline score, 0-1000
    stars: int
    map_score: int
    kpis: dict[str, float | None]
    day: str  # ISO date (UTC) of the daily board
    seed: int | None  # the daily challenge's seed the round was played on
    created: str  # ISO timestamp, UTC


@dataclass(frozen=True, slots=True)
class Lead:
    """A visitor who left their details, with the moment they consented."""

    id: int
    name: str
    company: str
    email: str
    consent_at: str  # ISO timestamp, UTC
    consent_text: str  # what the screen asked them to agree to
    scenario: str | None
    score: int | None
    created: str


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    name: str
    workshop: str
    created: str
    rounds: int  # rounds played
    best: int | None  # best headline score


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """One round a workshop team played: enough to show it, compare it, and replay its day."""

    id: int
    team: str
    workshop: str
    round: int  # 1, 2, ... for each team
    scenario: str
    scenario_path: str | None  # the file it came from, to find a custom scenario again
    seed: int | None
    rules: dict[str, Any]
    edges: list[str]
    kpis: dict[str, float | None]
    score: int  # headline, 0-1000
    stars: int
    map_score: int
    baseline: float | None  # the objective under the default rules, same seed (for the debrief)
    par: float | None  # the objective under par's rules, same seed
    created: str
    baseline_kpis: dict[str, float | None] | None = None  # every KPI under the default rules, same seed
    par_kpis: dict[str, float | None] | None = None  # every KPI under par's rules, same seed


# --- schema ----------------------------------------------------------------------------------------

#: Each entry brings the schema from version i to i + 1, in one transaction. Append, never edit.
MIGRATIONS: list[Sequence[str]] = [
    (
        """CREATE TABLE scores (
            id INTEGER PRIMARY KEY,
            initials TEXT NOT NULL CHECK (length(initials) = 3),
            scenario TEXT NOT NULL,
            score INTEGER NOT NULL,
            stars INTEGER NOT NULL DEFAULT 0,
            map_score INTEGER NOT NULL DEFAULT 0,
            kpis TEXT NOT NULL DEFAULT '{}',
            day TEXT NOT NULL,
            seed INTEGER,
            created TEXT NOT NULL)""",
        "CREATE INDEX scores_by_day ON scores (day, scenario, score DESC)",
        "CREATE INDEX scores_by_score ON scores (scenario, score DESC)",
        """CREATE TABLE leads (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            company TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL,
            consent_at TEXT NOT NULL,
            consent_text TEXT NOT NULL DEFAULT '',
            scenario TEXT,
            score INTEGER,
            created TEXT NOT NULL)""",
        """CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            workshop TEXT NOT NULL,
            created TEXT NOT NULL,
            UNIQUE (workshop, name))""",
        """CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
            round INTEGER NOT NULL,
            scenario TEXT NOT NULL,
            scenario_path TEXT,
            seed INTEGER,
            rules TEXT NOT NULL DEFAULT '{}',
            edges TEXT NOT NULL DEFAULT '[]',
            kpis TEXT NOT NULL DEFAULT '{}',
            score INTEGER NOT NULL,
            stars INTEGER NOT NULL DEFAULT 0,
            map_score INTEGER NOT NULL DEFAULT 0,
            baseline REAL,
            par REAL,
            created TEXT NOT NULL,
            UNIQUE (team_id, round))""",
    ),
    (  # 2: the KPIs of the default rules and of par on the round's seed, as the results screen showed them
        "ALTER TABLE rounds ADD COLUMN baseline_kpis TEXT",
        "ALTER TABLE rounds ADD COLUMN par_kpis TEXT",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """The game's database. Open it with `Store.open(path_or_folder_or_None)`; close it when done (or use
    it as a context manager). One Store per process; SQLite serialises writers across processes."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()  # a background job may save while a screen reads: one write at a time

    # -- opening --

    @classmethod
    def open(cls, where: str | os.PathLike | None = None, *, migrations: Sequence[Sequence[str]] | None = None
             ) -> "Store":
        """Open (creating if need be) the database for `where` (see `database_path`) and bring its schema
        up to date. StoreError if it was made by a newer ProcessPlay or is not a database."""
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
            store = cls(conn, path)
            store._migrate(MIGRATIONS if migrations is None else migrations)
        except sqlite3.DatabaseError as e:
            conn.close()
            if isinstance(e, sqlite3.OperationalError) and "not a database" not in str(e):
                raise StoreError(f"{_shown(path)}: the database cannot be used here ({e}); "
                                 "choose another folder with --data DIR") from None
            raise StoreError(f"{_shown(path)}: not a ProcessPlay database ({e})") from None
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self):
        return _Transaction(self.conn, self._lock, self.path)

    def _migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        with self._write() as c:
            c.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            c.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '0')")
        version = self.schema_version()
        if version > len(migrations):
            raise StoreError(f"{self.path}: made by a newer ProcessPlay (schema {version}, this one knows "
                             f"{len(migrations)}); update the game or use another --data folder")
        for i in range(version, len(migrations)):
            with self._write() as c:
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

    def add_score(self, initials: str, scenario: str, score: int, stars: int = 0, map_score: int = 0,
                  kpis: Mapping[str, Any] | None = None, day: _dt.date | str | None = None,
                  seed: int | None = None) -> ScoreEntry:
        """Put a round on the board; committed to disk when this returns. `day` defaults to today (UTC);
        `seed` to that day's daily-challenge seed for the scenario. InitialsError for bad initials."""
        initials = check_initials(initials)
        day = _day(day)
        if seed is None:
            from engine.scoring import daily_seed

            seed = daily_seed(day, scenario)
        with self._write() as c:
            cur = c.execute(
                "INSERT INTO scores (initials, scenario, score, stars, map_score, kpis, day, seed, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (initials, scenario, int(score), int(stars), int(map_score), _kpis_json(kpis), day, int(seed),
                 _now()))
            row_id = cur.lastrowid
        return self.score_entry(row_id)

    def score_entry(self, entry_id: int) -> ScoreEntry | None:
        rows = self._scores("WHERE id = ?", (entry_id,), 1)
        return rows[0] if rows else None

    def top_today(self, scenario: str | None = None, day: _dt.date | str | None = None, n: int = 10
                  ) -> list[ScoreEntry]:
        """Today's board (or `day`'s), best first; ties go to whoever got there first."""
        where, params = self._filter(scenario, _day(day))
        return self._scores(where, params, n)

    def top_all_time(self, scenario: str | None = None, n: int = 10) -> list[ScoreEntry]:
        where, params = self._filter(scenario, None)
        return self._scores(where, params, n)

    def best_today(self, scenario: str | None = None, day: _dt.date | str | None = None) -> ScoreEntry | None:
        """The day's best entry (for the attract screen), or None when nobody has played yet."""
        top = self.top_today(scenario, day, 1)
        return top[0] if top else None

    def rank(self, entry: ScoreEntry, all_time: bool = False) -> int:
        """Where `entry` stands (1 = top) on its day's board for its scenario, or on the all-time one."""
        where, params = self._filter(entry.scenario, None if all_time else entry.day)
        better = self.conn.execute(
            f"SELECT COUNT(*) FROM scores {where} AND (score > ? OR (score = ? AND id < ?))",
            (*params, entry.score, entry.score, entry.id)).fetchone()[0]
        return better + 1

    @staticmethod
    def _filter(scenario: str | None, day: str | None) -> tuple[str, tuple]:
        clauses, params = ["1 = 1"], []
        if scenario is not None:
            clauses.append("scenario = ?")
            params.append(scenario)
        if day is not None:
            clauses.append("day = ?")
            params.append(day)
        return "WHERE " + " AND ".join(clauses), tuple(params)

    def _scores(self, where: str, params: tuple, n: int) -> list[ScoreEntry]:
        rows = self.conn.execute(
            "SELECT id, initials, scenario, score, stars, map_score, kpis, day, seed, created FROM scores "
            f"{where} ORDER BY score DESC, id ASC LIMIT ?", (*params, int(n))).fetchall()
        return [ScoreEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8], r[9]) for r in rows]

    # -- leads --

    def add_lead(self, name: str, company: str, email: str, consent: bool, scenario: str | None = None,
                 score: int | None = None, consent_text: str = "") -> Lead:
        """Keep a visitor's details, only with their explicit consent (`consent is True`: a ticked box,
        not a default). LeadError, and nothing stored, without consent, a name, or a plausible email."""
        if consent is not True:
            raise LeadError("We can only keep your details if you tick the consent box.")
        name = " ".join((name or "").split())
        company = " ".join((company or "").split())
        if not name:
            raise LeadError("Please enter your name.")
        if len(name) > 120 or len(company) > 120:
            raise LeadError("That is longer than we can keep; please shorten it.")
        email = check_email(email)
        now = _now()
        with self._write() as c:
            cur = c.execute(
                "INSERT INTO leads (name, company, email, consent_at, consent_text, scenario, score, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, company, email, now, consent_text or "", scenario, None if score is None else int(score),
                 now))
            row_id = cur.lastrowid
        return self.leads(lead_id=row_id)[0]

    def leads(self, lead_id: int | None = None) -> list[Lead]:
        """Every lead, oldest first (or the one with `lead_id`)."""
        where, params = ("WHERE id = ?", (lead_id,)) if lead_id is not None else ("", ())
        rows = self.conn.execute(
            "SELECT id, name, company, email, consent_at, consent_text, scenario, score, created FROM leads "
            f"{where} ORDER BY id", params).fetchall()
        return [Lead(*r) for r in rows]

    def forget_lead(self, email: str) -> int:
        """Delete every lead with this email, as a visitor may ask; how many went. Matched by Unicode case
        folding (`email_key`), so the capitals and accents of the request need not be those stored."""
        with self._write() as c:
            return c.execute("DELETE FROM leads WHERE email_key(email) = ?", (email_key(email),)).rowcount

    def delete_leads_before(self, when: _dt.datetime | str) -> int:
        """Delete leads older than `when` (a retention period ending); how many went."""
        if isinstance(when, _dt.datetime):
            when = when.astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
        with self._write() as c:
            return c.execute("DELETE FROM leads WHERE created < ?", (when,)).rowcount

    # -- workshop teams and rounds --

    def add_team(self, name: str, workshop: str | None = None) -> Team:
        """The team called `name` in `workshop` (default: today's date), created if new."""
        name, workshop = _team_name(name), workshop or today().isoformat()
        with self._write() as c:
            _team_id(c, name, workshop)
        return next(t for t in self.teams(workshop) if t.name == name)

    def teams(self, workshop: str | None = None) -> list[Team]:
        """The teams (of `workshop`, or of every workshop), in the order they joined."""
        where, params = ("WHERE t.workshop = ?", (workshop,)) if workshop is not None else ("", ())
        rows = self.conn.execute(
            "SELECT t.id, t.name, t.workshop, t.created, COUNT(r.id), MAX(r.score) FROM teams t "
            f"LEFT JOIN rounds r ON r.team_id = t.id {where} GROUP BY t.id ORDER BY t.id", params).fetchall()
        return [Team(*r) for r in rows]

    def workshops(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT workshop FROM teams GROUP BY workshop ORDER BY MIN(id)")]

    def add_round(self, team: str, scenario: str, score: int, stars: int = 0, map_score: int = 0,
                  rules: Mapping[str, Any] | None = None, edges: Iterable[Any] | None = None,
                  kpis: Mapping[str, Any] | None = None, seed: int | None = None, workshop: str | None = None,
                  scenario_path: str | os.PathLike | None = None, baseline: float | None = None,
                  par: float | None = None, baseline_kpis: Mapping[str, Any] | None = None,
                  par_kpis: Mapping[str, Any] | None = None) -> RoundRecord:
        """Record a team's round (the team is created if new); its number is the team's next. Committed
        when this returns. `edges` are Edge objects or `src.port -> dst` strings; `baseline` and `par` the
        objective's value under the default rules and par's on the same seed, `baseline_kpis` and
        `par_kpis` all their KPIs (the debrief shows them; without them it runs those days again)."""
        team, workshop = _team_name(team), workshop or today().isoformat()
        with self._write() as c:
            team_id = _team_id(c, team, workshop)
            number = c.execute("SELECT COALESCE(MAX(round), 0) + 1 FROM rounds WHERE team_id = ?",
                               (team_id,)).fetchone()[0]
            cur = c.execute(
                "INSERT INTO rounds (team_id, round, scenario, scenario_path, seed, rules, edges, kpis, score,"
                " stars, map_score, baseline, par, created, baseline_kpis, par_kpis)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (team_id, number, scenario, None if scenario_path is None else str(scenario_path),
                 None if seed is None else int(seed), _rules_json(rules), _edges_json(edges), _kpis_json(kpis),
                 int(score), int(stars), int(map_score), _real(baseline), _real(par), _now(),
                 None if baseline_kpis is None else _kpis_json(baseline_kpis),
                 None if par_kpis is None else _kpis_json(par_kpis)))
            row_id = cur.lastrowid
        return self._rounds("WHERE r.id = ?", (row_id,))[0]

    def rounds(self, team: str | None = None, workshop: str | None = None, scenario: str | None = None
               ) -> list[RoundRecord]:
        """Rounds played, by team (in the order teams joined) then round number; filtered as asked."""
        clauses, params = ["1 = 1"], []
        for column, value in (("t.name", team), ("t.workshop", workshop), ("r.scenario", scenario)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        return self._rounds("WHERE " + " AND ".join(clauses), tuple(params))

    def _rounds(self, where: str, params: tuple) -> list[RoundRecord]:
        rows = self.conn.execute(
            "SELECT r.id, t.name, t.workshop, r.round, r.scenario, r.scenario_path, r.seed, r.rules, r.edges,"
            " r.kpis, r.score, r.stars, r.map_score, r.baseline, r.par, r.created, r.baseline_kpis, r.par_kpis"
            f" FROM rounds r JOIN teams t ON t.id = r.team_id {where} ORDER BY t.id, r.round", params).fetchall()
        return [RoundRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), json.loads(r[8]),
                            json.loads(r[9]), r[10], r[11], r[12], r[13], r[14], r[15],
                            None if r[16] is None else json.loads(r[16]),
                            None if r[17] is None else json.loads(r[17])) for r in rows]


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


class UnavailableStore:
    """What the game uses when its database cannot be opened (`reason` says why): the boards are empty,
    and every save is a SaveError, so a screen says it could not save instead of raising, and the game
    goes on without keeping anything."""

    def __init__(self, reason: str, path: str | os.PathLike | None = None):
        self.reason = reason
        self.path = Path(path) if path is not None else None

    def _refuse(self, *args, **kwargs):
        raise SaveError(self.reason)

    add_score = add_lead = add_team = add_round = forget_lead = delete_leads_before = _refuse

    def top_today(self, *args, **kwargs) -> list:
        return []

    top_all_time = leads = teams = rounds = top_today

    def workshops(self) -> list:
        return []

    def best_today(self, *args, **kwargs):
        return None

    def score_entry(self, entry_id):
        return None

    def rank(self, entry, all_time: bool = False) -> int:
        return 1

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def _team_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise StoreError("A team needs a name.")
    if len(name) > 40:
        raise StoreError("Team names are at most 40 characters.")
    return name


def _team_id(c: sqlite3.Connection, name: str, workshop: str) -> int:
    """The id of team `name` in `workshop`, created if new (inside the caller's transaction)."""
    c.execute("INSERT OR IGNORE INTO teams (name, workshop, created) VALUES (?, ?, ?)", (name, workshop, _now()))
    return c.execute("SELECT id FROM teams WHERE workshop = ? AND name = ?", (workshop, name)).fetchone()[0]


def _real(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


# SQLite's errors of the machine rather than of the data: a full or read-only disk, I/O, a lock held too long
_MACHINE_ERRORS = (sqlite3.OperationalError, sqlite3.DatabaseError, OSError)
_NOT_MACHINE = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


def _save_error(exc: BaseException, path) -> SaveError:
    text = str(exc)
    if isinstance(exc, OSError):
        from engine.files import reason

        text = reason(exc)
    elif "full" in text:
        text = f"the disk is full ({text})"
    elif "readonly" in text or "read-only" in text:
        text = f"the disk or folder is read-only ({text})"
    return SaveError(text, path)


class _Transaction:
    """`with`: BEGIN IMMEDIATE (take the write lock now, so the transaction cannot fail half-way for
    a lock), COMMIT on success, ROLLBACK on any exception. A failure of the machine (full disk, read-only
    disk, I/O, a lock not granted) becomes a SaveError, nothing stored."""

    def __init__(self, conn: sqlite3.Connection, lock, path=None):
        self.conn = conn
        self.lock = lock
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException as e:
            self.lock.release()
            if isinstance(e, _MACHINE_ERRORS) and not isinstance(e, _NOT_MACHINE):
                raise _save_error(e, self.path) from None
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self._finish(exc_type)
        except _MACHINE_ERRORS as e:
            if isinstance(e, _NOT_MACHINE):
                raise
            raise _save_error(e, self.path) from None
        finally:
            self.lock.release()
        if exc is not None and isinstance(exc, _MACHINE_ERRORS) and not isinstance(exc, _NOT_MACHINE):
            raise _save_error(exc, self.path) from None

    def _finish(self, exc_type) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return
            except BaseException:
                if self.conn.in_transaction:
                    try:
                        self.conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the failed COMMIT is the one to report
                raise
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the failure that brought us here is the one to report
