"""What a database must do for the store: the back end's share of the work, and nothing more.

`Store` (game.data.store.interface) checks and tidies every value, then calls one of these methods, so a
back end only keeps and finds rows: it never sees initials that are not three letters, a lead without
consent or a KPI that is not a plain number. The values arrive as plain Python (str, int, float, None,
and dicts and lists of those for KPIs, rules and edges); timestamps and days as ISO strings, computed
above so every back end agrees. Each write is one transaction, committed when the method returns; a
write the machine cannot make is a `SaveError`, nothing stored. Rows come back as the dataclasses of
game.data.store.records, in the orders each method states.

Every insert carries `key`, the write's idempotent key (a UUID the store made once for the write, or the
caller's own for a retry): a back end keeps it in a UNIQUE column, and a key it already has inserts
nothing and answers the id of the row that has it.

`SQLiteBackend` (game.data.store.sqlite) keeps one machine's data in a file, `PostgresBackend`
(game.data.store.postgres) a board shared by several machines; both inherit their queries from
game.data.store.queries.BoardQueries. `Store.open` picks one from the form of what it is given.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from game.data.store.records import Lead, RoundRecord, ScoreEntry, Team


class Backend(Protocol):
    path: Path | str | None  # where the data is, for messages and for opening it again (a file, a board's URL)

    def close(self) -> None: ...

    def schema_version(self) -> int:
        """How many of the back end's migrations its database has had."""

    def integrity(self) -> str:
        """The word "ok" for sound data, else what is wrong."""

    # -- the leaderboard --
    def insert_score(self, *, initials: str, scenario: str, profit: float | None, stars: int, map_score: int,
                     kpis: dict, day: str, seed: int, created: str, key: str) -> int:
        """Keep a leaderboard line (its `score` column written as round(profit) for older readers); its id."""

    def score(self, entry_id: int) -> ScoreEntry | None: ...

    def scores(self, scenario: str | None, day: str | None, n: int) -> list[ScoreEntry]:
        """The best `n` lines (of `scenario`, of `day`, when given), best first by the board's rule
        (engine.scoring.rank_key: profit, then stars, then map; no profit last), ties to the earlier."""

    def count_better(self, scenario: str | None, day: str | None, entry_id: int) -> int:
        """How many lines (of `scenario`, of `day`) stand above line `entry_id` by the board's rule."""

    # -- leads --
    def insert_lead(self, *, name: str, company: str, email: str, consent_at: str, consent_text: str,
                    scenario: str | None, profit: float | None, created: str, key: str) -> int:
        """Keep a lead; its id."""

    def leads(self, lead_id: int | None = None) -> list[Lead]:
        """Every lead, oldest first (or the one with `lead_id`)."""

    def delete_leads_of(self, key: str) -> int:
        """Delete the leads whose email has this `email_key`; how many went."""

    def delete_leads_before(self, when: str) -> int:
        """Delete the leads created before `when`; how many went."""

    # -- workshop teams and rounds --
    def ensure_team(self, name: str, workshop: str, created: str) -> None:
        """Team `name` of `workshop` exists afterwards (made now if new)."""

    def teams(self, workshop: str | None) -> list[Team]:
        """The teams (of `workshop`), in the order they joined, with their rounds played and best profit."""

    def workshops(self) -> list[str]:
        """The workshops, in the order their first team joined."""

    def insert_round(self, *, team: str, workshop: str, scenario: str, scenario_path: str | None,
                     seed: int | None, rules: dict, edges: list, kpis: dict, profit: float | None, stars: int,
                     map_score: int, baseline: float | None, par: float | None, created: str,
                     baseline_kpis: dict | None, par_kpis: dict | None, key: str) -> int:
        """Keep a round as the team's next (the team made if new), in one transaction; its id."""

    def rounds(self, team: str | None = None, workshop: str | None = None, scenario: str | None = None,
               round_id: int | None = None) -> list[RoundRecord]:
        """The rounds matching every filter given, by team (in the order teams joined) then number."""
