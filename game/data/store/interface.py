"""The store: the one way in for everything the game keeps between runs, whatever database keeps it.

The leaderboard (`add_score`, `top_today`, `top_all_time`, `best_today`, `rank`), the leads left at a
kiosk (`add_lead`, `leads`, `forget_lead`, `delete_leads_before`) and the workshop teams' rounds
(`add_team`, `teams`, `workshops`, `add_round`, `rounds`). Each method first checks what a player typed
(game.data.store.checks) and tidies the values (game.data.store.values): what is refused is a
`StoreError` in words and reaches no database. Then it hands plain values to its back end
(game.data.store.backend.Backend) and returns the rows as game.data.store.records; a write is committed
when the method returns.

Every confirmed write (`add_score`, `add_lead`, `add_round`) has an idempotent key, a UUID made here once
per write (or the caller's `key=`, so that a retry of the same write is the same key): the back end keeps
it in a UNIQUE column and a key it has already kept stores nothing again, so a write sent twice (a retry
after an answer that never came, an outbox draining) is one row.

`Store.open(where)` opens the SQLite back end for the folder or file `where` names (game.data.store.sqlite);
`Store.open(where, board=URL)`, or a `where` that is a `postgresql://` URL, the shared board on a
PostgreSQL server (game.data.store.postgres), and every caller goes on as it is.
"""
from __future__ import annotations

import datetime as _dt
import os
import uuid
from typing import Any, Iterable, Mapping, Sequence

from game.data.store.backend import Backend
from game.data.store.checks import check_initials, check_lead, check_team_name, email_key
from game.data.store.board import is_board_url
from game.data.store.queries import old_score
from game.data.store.records import Lead, RoundRecord, ScoreEntry, Team
from game.data.store.sqlite import SQLiteBackend
from game.data.store.values import (day_text, edge_texts, kpi_values, moment_text, now, real, rule_values,
                                    today)


class Store:
    """The game's long-lived data on `backend`. Open it with `Store.open(path_or_folder_or_None)`; close it
    when done (or use it as a context manager). One Store per process."""

    def __init__(self, backend: Backend):
        self.backend = backend

    @classmethod
    def open(cls, where: str | os.PathLike | None = None, *, board: str | None = None,
             migrations: Sequence[Sequence[str]] | None = None) -> "Store":
        """Open (creating if need be) the database for `where` (a folder, a .sqlite3/.sqlite/.db file, or
        None for the default data folder: game.data.store.location.database_path) and bring its schema up
        to date (`migrations`: that back end's list, by default the game's own). With `board` (or a
        `where` that is a postgresql:// URL), the shared board on that PostgreSQL server instead
        (game.data.store.postgres). StoreError if it was made by a newer ProcessPlay, is not a database,
        or cannot be used here; for a board, also a URL refused (game.data.store.board) or a server that
        does not answer, in words."""
        if board is None and where is not None and is_board_url(str(where)):
            board = str(where)
        if board is not None:
            from game.data.store.postgres import PostgresBackend

            return cls(PostgresBackend.open(board, migrations=migrations))
        return cls(SQLiteBackend.open(where, migrations=migrations))

    @property
    def path(self):
        """Where the data is (the database file, or the board's URL, which never holds a password)."""
        return self.backend.path

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def schema_version(self) -> int:
        return self.backend.schema_version()

    def integrity(self) -> str:
        """The word "ok" for a sound database, else what is wrong with it."""
        return self.backend.integrity()

    # -- the leaderboard --

    def add_score(self, initials: str, scenario: str, profit: float, stars: int = 0, map_score: int = 0,
                  kpis: Mapping[str, Any] | None = None, day: _dt.date | str | None = None,
                  seed: int | None = None, key: str | None = None) -> ScoreEntry:
        """Put a round on the board: its score is `profit` on the evaluation days (money), with its stars
        and map score for the ties; committed to disk when this returns. `day` defaults to today (UTC);
        `seed` to that day's daily-challenge seed for the scenario; `key` to a new one (pass the same key
        again to retry this write without a second row). InitialsError for bad initials."""
        initials = check_initials(initials)
        day = day_text(day)
        if seed is None:
            from engine.scoring import daily_seed

            seed = daily_seed(day, scenario)
        row_id = self.backend.insert_score(initials=initials, scenario=scenario, profit=real(profit),
                                           stars=int(stars), map_score=int(map_score), kpis=kpi_values(kpis),
                                           day=day, seed=int(seed), created=now(), key=_key(key))
        return self.score_entry(row_id)

    def score_entry(self, entry_id: int) -> ScoreEntry | None:
        return self.backend.score(entry_id)

    def top_today(self, scenario: str | None = None, day: _dt.date | str | None = None, n: int = 10
                  ) -> list[ScoreEntry]:
        """Today's board (or `day`'s), best first by the board's rule (profit, then stars, then map);
        full ties go to whoever got there first."""
        return self.backend.scores(scenario, day_text(day), n)

    def top_all_time(self, scenario: str | None = None, n: int = 10) -> list[ScoreEntry]:
        return self.backend.scores(scenario, None, n)

    def best_today(self, scenario: str | None = None, day: _dt.date | str | None = None) -> ScoreEntry | None:
        """The day's best entry (for the attract screen), or None when nobody has played yet."""
        top = self.top_today(scenario, day, 1)
        return top[0] if top else None

    def rank(self, entry: ScoreEntry, all_time: bool = False) -> int:
        """Where `entry` stands (1 = top) on its day's board for its scenario, or on the all-time one."""
        return self.backend.count_better(entry.scenario, None if all_time else entry.day, entry.id) + 1

    # -- leads --

    def add_lead(self, name: str, company: str, email: str, consent: bool, scenario: str | None = None,
                 profit: float | None = None, consent_text: str = "", key: str | None = None) -> Lead:
        """Keep a visitor's details, only with their explicit consent (`consent is True`: a ticked box,
        not a default). LeadError, and nothing stored, without consent, a name, or a plausible email.
        The Lead returned is what was kept, made here: a kiosk may add leads but not read them."""
        name, company, email = check_lead(name, company, email, consent)
        moment, profit = now(), real(profit)
        row_id = self.backend.insert_lead(name=name, company=company, email=email, consent_at=moment,
                                          consent_text=consent_text or "", scenario=scenario,
                                          profit=profit, created=moment, key=_key(key))
        return Lead(row_id, name, company, email, moment, consent_text or "", scenario, old_score(profit),
                    moment, profit)

    def leads(self, lead_id: int | None = None) -> list[Lead]:
        """Every lead, oldest first (or the one with `lead_id`)."""
        return self.backend.leads(lead_id)

    def forget_lead(self, email: str) -> int:
        """Delete every lead with this email, as a visitor may ask; how many went. Matched by Unicode case
        folding (`email_key`), so the capitals and accents of the request need not be those stored."""
        return self.backend.delete_leads_of(email_key(email))

    def delete_leads_before(self, when: _dt.datetime | str) -> int:
        """Delete leads older than `when` (a retention period ending); how many went."""
        return self.backend.delete_leads_before(moment_text(when))

    # -- workshop teams and rounds --

    def add_team(self, name: str, workshop: str | None = None) -> Team:
        """The team called `name` in `workshop` (default: today's date), created if new."""
        name, workshop = check_team_name(name), workshop or today().isoformat()
        self.backend.ensure_team(name, workshop, now())
        return next(t for t in self.teams(workshop) if t.name == name)

    def teams(self, workshop: str | None = None) -> list[Team]:
        """The teams (of `workshop`, or of every workshop), in the order they joined."""
        return self.backend.teams(workshop)

    def workshops(self) -> list[str]:
        return self.backend.workshops()

    def add_round(self, team: str, scenario: str, profit: float, stars: int = 0, map_score: int = 0,
                  rules: Mapping[str, Any] | None = None, edges: Iterable[Any] | None = None,
                  kpis: Mapping[str, Any] | None = None, seed: int | None = None, workshop: str | None = None,
                  scenario_path: str | os.PathLike | None = None, baseline: float | None = None,
                  par: float | None = None, baseline_kpis: Mapping[str, Any] | None = None,
                  par_kpis: Mapping[str, Any] | None = None, key: str | None = None) -> RoundRecord:
        """Record a team's round (the team is created if new); its number is the team's next. Committed
        when this returns. Its score is `profit` on the evaluation days; `edges` are Edge objects or
        `src.port -> dst` strings; `baseline` and `par` the default rules' and par's profit on those days, `baseline_kpis` and
        `par_kpis` all their KPIs (the debrief shows them; without them it runs those days again)."""
        team, workshop = check_team_name(team), workshop or today().isoformat()
        row_id = self.backend.insert_round(
            team=team, workshop=workshop, scenario=scenario,
            scenario_path=None if scenario_path is None else str(scenario_path),
            seed=None if seed is None else int(seed), rules=rule_values(rules), edges=edge_texts(edges),
            kpis=kpi_values(kpis), profit=real(profit), stars=int(stars), map_score=int(map_score),
            baseline=real(baseline), par=real(par), created=now(),
            baseline_kpis=None if baseline_kpis is None else kpi_values(baseline_kpis),
            par_kpis=None if par_kpis is None else kpi_values(par_kpis), key=_key(key))
        return self.backend.rounds(round_id=row_id)[0]

    def rounds(self, team: str | None = None, workshop: str | None = None, scenario: str | None = None
               ) -> list[RoundRecord]:
        """Rounds played, by team (in the order teams joined) then round number; filtered as asked."""
        return self.backend.rounds(team, workshop, scenario)


def _key(key: str | None) -> str:
    """The write's idempotent key: the caller's (a retry of the same write), else a new UUID."""
    return str(key) if key is not None else str(uuid.uuid4())
