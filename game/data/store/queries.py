"""The back ends' share of the store's work, in SQL both SQLite and PostgreSQL speak: written once.

`BoardQueries` is every method of game.data.store.backend.Backend that keeps or finds rows (the board,
leads, teams and rounds); a back end inherits it and brings the rest: opening, its schema's migrations,
`write()` (one transaction, yielding something with `execute(sql, params)`) and `_rows(sql, params)`
(a read). The statements use `?` placeholders (game.data.store.postgres turns them into psycopg's `%s`)
and `INSERT ... ON CONFLICT DO NOTHING`, which both databases know. Two things differ and are hooks:
`LOCK_TEAM`, the statement that makes two writers of one team's rounds take turns (SQLite's
`BEGIN IMMEDIATE` already does; PostgreSQL locks the team's row), and nothing else.

Every write carries its idempotent key (`keyed_insert`): a key already kept inserts nothing and answers
the id of the row that has it, so a write sent again (a retry after a lost answer, the outbox draining
twice) is still one row. Emails are matched by `email_key` in Python (Unicode case folding, which
neither database's `lower` does), on the ids and emails alone. Values come back as each
database keeps them: SQLite gives JSON and times as text, PostgreSQL (through psycopg) gives JSON already
read and times as `datetime`/`date`; `json_value` and `iso_text` make both the plain values the records
hold (ISO strings, UTC to the second), so a row reads the same whichever database kept it.
"""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Sequence

from game.data.store.checks import email_key
from game.data.store.records import Lead, RoundRecord, ScoreEntry, Team

SCORE_COLUMNS = "id, initials, scenario, score, stars, map_score, kpis, day, seed, created, profit"
LEAD_COLUMNS = "id, name, company, email, consent_at, consent_text, scenario, score, created, profit"
ROUND_COLUMNS = ("r.id, t.name, t.workshop, r.round, r.scenario, r.scenario_path, r.seed, r.rules, r.edges,"
                 " r.kpis, r.score, r.stars, r.map_score, r.baseline, r.par, r.created, r.baseline_kpis,"
                 " r.par_kpis, r.profit")
#: The board's rule (engine.scoring.rank_key) in SQL: profit on the evaluation days, then stars, then the
#: map; a row kept before the score was money (no profit) after every row with one; then who came first.
BOARD_ORDER = "profit IS NULL, profit DESC, stars DESC, map_score DESC, id ASC"
BOARD_KEY = "profit IS NULL, COALESCE(-profit, 0), -stars, -map_score, id"


def board_filter(scenario: str | None, day: str | None) -> tuple[str, tuple]:
    """The WHERE clause (and its values) of a board of `scenario` and `day`, either or both None for all."""
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if scenario is not None:
        clauses.append("scenario = ?")
        params.append(scenario)
    if day is not None:
        clauses.append("day = ?")
        params.append(day)
    return "WHERE " + " AND ".join(clauses), tuple(params)


def round_filter(team: str | None, workshop: str | None, scenario: str | None, round_id: int | None
                 ) -> tuple[str, tuple]:
    clauses, params = ["1 = 1"], []
    for column, value in (("t.name", team), ("t.workshop", workshop), ("r.scenario", scenario),
                          ("r.id", round_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return "WHERE " + " AND ".join(clauses), tuple(params)


def keyed_insert(table: str, columns: Sequence[str]) -> tuple[str, str]:
    """The two statements of an idempotent write to `table`: an INSERT of `columns` and `key` that does
    nothing when a row already has that key, then the SELECT of that row's id (the new one or the one
    kept before), so sending the same write twice leaves one row and answers the same id."""
    names = ", ".join((*columns, "key"))
    marks = ", ".join("?" * (len(columns) + 1))
    return (f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT (key) DO NOTHING",
            f"SELECT id FROM {table} WHERE key = ?")


def json_value(value):
    """A JSON column's value: text (SQLite) read, an object (psycopg already read it) as it is."""
    return json.loads(value) if isinstance(value, str) else value


def json_text(value) -> str | None:
    return None if value is None else json.dumps(value)


def iso_text(value):
    """A day or a moment as the records hold it: ISO text (UTC, to the second) whatever the database gave."""
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def old_score(profit: float | None) -> int | None:
    """What the old `score` column gets, so a reader from before the score was money does not break."""
    return None if profit is None else int(round(profit))


def score_entry(r: Sequence) -> ScoreEntry:
    return ScoreEntry(r[0], r[1], r[2], r[3], r[4], r[5], json_value(r[6]), iso_text(r[7]), r[8], iso_text(r[9]),
                      r[10])


def round_record(r: Sequence) -> RoundRecord:
    return RoundRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json_value(r[7]), json_value(r[8]),
                       json_value(r[9]), r[10], r[11], r[12], r[13], r[14], iso_text(r[15]),
                       None if r[16] is None else json_value(r[16]),
                       None if r[17] is None else json_value(r[17]), r[18])


def lead_record(r: Sequence) -> Lead:
    return Lead(r[0], r[1], r[2], r[3], iso_text(r[4]), r[5], r[6], r[7], iso_text(r[8]), r[9])


class BoardQueries:
    """The Backend methods that keep and find rows, on `self.write()` and `self._rows(sql, params)`."""

    #: What makes two writers of one team's rounds take turns, inside the transaction ("" when the
    #: transaction itself already holds the only write lock, as SQLite's BEGIN IMMEDIATE does).
    LOCK_TEAM = ""

    def write(self):  # pragma: no cover - every back end has its own
        raise NotImplementedError

    def _rows(self, sql: str, params: Sequence = ()) -> list[tuple]:  # pragma: no cover
        raise NotImplementedError

    # -- the leaderboard --

    def insert_score(self, *, initials: str, scenario: str, profit: float | None, stars: int, map_score: int,
                     kpis: dict, day: str, seed: int, created: str, key: str) -> int:
        insert, find = keyed_insert("scores", ("initials", "scenario", "score", "stars", "map_score", "kpis",
                                               "day", "seed", "created", "profit"))
        with self.write() as c:
            c.execute(insert, (initials, scenario, old_score(profit) or 0, stars, map_score, json.dumps(kpis), day,
                               seed, created, profit, key))
            return c.execute(find, (key,)).fetchone()[0]

    def score(self, entry_id: int) -> ScoreEntry | None:
        rows = self._scores("WHERE id = ?", (entry_id,), 1)
        return rows[0] if rows else None

    def scores(self, scenario: str | None, day: str | None, n: int) -> list[ScoreEntry]:
        where, params = board_filter(scenario, day)
        return self._scores(where, params, n)

    def count_better(self, scenario: str | None, day: str | None, entry_id: int) -> int:
        where, params = board_filter(scenario, day)
        return self._rows(f"SELECT COUNT(*) FROM scores {where} AND ({BOARD_KEY}) < "
                          f"(SELECT {BOARD_KEY} FROM scores WHERE id = ?)", (*params, entry_id))[0][0]

    def _scores(self, where: str, params: tuple, n: int) -> list[ScoreEntry]:
        rows = self._rows(f"SELECT {SCORE_COLUMNS} FROM scores {where} ORDER BY {BOARD_ORDER} LIMIT ?",
                          (*params, int(n)))
        return [score_entry(r) for r in rows]

    # -- leads --

    def insert_lead(self, *, name: str, company: str, email: str, consent_at: str, consent_text: str,
                    scenario: str | None, profit: float | None, created: str, key: str) -> int:
        insert, find = keyed_insert("leads", ("name", "company", "email", "consent_at", "consent_text",
                                              "scenario", "score", "created", "profit"))
        with self.write() as c:
            c.execute(insert, (name, company, email, consent_at, consent_text, scenario, old_score(profit),
                               created, profit, key))
            return c.execute(find, (key,)).fetchone()[0]

    def leads(self, lead_id: int | None = None) -> list[Lead]:
        where, params = ("WHERE id = ?", (lead_id,)) if lead_id is not None else ("", ())
        return [lead_record(r) for r in self._rows(f"SELECT {LEAD_COLUMNS} FROM leads {where} ORDER BY id",
                                                   params)]

    def delete_leads_of(self, key: str) -> int:
        with self.write() as c:
            ids = [r[0] for r in c.execute("SELECT id, email FROM leads", ()).fetchall() if email_key(r[1]) == key]
            for lead_id in ids:
                c.execute("DELETE FROM leads WHERE id = ?", (lead_id,))
            return len(ids)

    def delete_leads_before(self, when: str) -> int:
        with self.write() as c:
            return c.execute("DELETE FROM leads WHERE created < ?", (when,)).rowcount

    # -- workshop teams and rounds --

    def ensure_team(self, name: str, workshop: str, created: str) -> None:
        with self.write() as c:
            _team_id(c, name, workshop, created)

    def teams(self, workshop: str | None) -> list[Team]:
        where, params = ("WHERE t.workshop = ?", (workshop,)) if workshop is not None else ("", ())
        rows = self._rows("SELECT t.id, t.name, t.workshop, t.created, COUNT(r.id), MAX(r.profit) FROM teams t "
                          f"LEFT JOIN rounds r ON r.team_id = t.id {where} GROUP BY t.id ORDER BY t.id", params)
        return [Team(r[0], r[1], r[2], iso_text(r[3]), r[4], r[5]) for r in rows]

    def workshops(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT workshop FROM teams GROUP BY workshop ORDER BY MIN(id)")]

    def insert_round(self, *, team: str, workshop: str, scenario: str, scenario_path: str | None,
                     seed: int | None, rules: dict, edges: list, kpis: dict, profit: float | None, stars: int,
                     map_score: int, baseline: float | None, par: float | None, created: str,
                     baseline_kpis: dict | None, par_kpis: dict | None, key: str) -> int:
        """The team (created if new) gets the round numbered after its last; in one transaction. A key
        kept already answers its round, numbering nothing."""
        insert, find = keyed_insert("rounds", ("team_id", "round", "scenario", "scenario_path", "seed", "rules",
                                               "edges", "kpis", "score", "stars", "map_score", "baseline", "par",
                                               "created", "baseline_kpis", "par_kpis", "profit"))
        with self.write() as c:
            kept = c.execute(find, (key,)).fetchone()
            if kept is not None:
                return kept[0]
            team_id = _team_id(c, team, workshop, created)
            if self.LOCK_TEAM:
                c.execute(self.LOCK_TEAM, (team_id,))
            number = c.execute("SELECT COALESCE(MAX(round), 0) + 1 FROM rounds WHERE team_id = ?",
                               (team_id,)).fetchone()[0]
            c.execute(insert, (team_id, number, scenario, scenario_path, seed, json.dumps(rules), json.dumps(edges),
                               json.dumps(kpis), old_score(profit) or 0, stars, map_score, baseline, par, created,
                               json_text(baseline_kpis), json_text(par_kpis), profit, key))
            return c.execute(find, (key,)).fetchone()[0]

    def rounds(self, team: str | None = None, workshop: str | None = None, scenario: str | None = None,
               round_id: int | None = None) -> list[RoundRecord]:
        where, params = round_filter(team, workshop, scenario, round_id)
        rows = self._rows(f"SELECT {ROUND_COLUMNS} FROM rounds r JOIN teams t ON t.id = r.team_id "
                          f"{where} ORDER BY t.id, r.round", params)
        return [round_record(r) for r in rows]


def _team_id(c, name: str, workshop: str, created: str) -> int:
    """The id of team `name` in `workshop`, created if new (inside the caller's transaction)."""
    c.execute("INSERT INTO teams (name, workshop, created) VALUES (?, ?, ?) ON CONFLICT (workshop, name) DO NOTHING",
              (name, workshop, created))
    return c.execute("SELECT id FROM teams WHERE workshop = ? AND name = ?", (workshop, name)).fetchone()[0]
