"""What the game keeps between runs: the leaderboard, the leads left at a kiosk, the teams' rounds of a workshop.

One SQLite file (standard library) in the user's data folder, `platformdirs.user_data_dir("ProcessPlay")`,
or in the folder given by `--data DIR`; or, for several machines sharing a board, a PostgreSQL server
named by `--board URL` (or $PROCESSPLAY_BOARD). The promise to a player is simple: a score or a lead that was
confirmed on screen is never lost, even if the kiosk's power is pulled a second later (WAL with
`synchronous=FULL`, every write one transaction committed before the call returns).

The layers, from the callers down:

- `interface.Store`: the one way in, the same whatever database keeps the data. Every method checks what
  a player typed (`checks`: initials of three letters A-Z not on the deny-list, a lead's explicit
  consent, name and email shape, a team's name) and tidies the values (`values`: days, timestamps, KPI
  means, rules, edges) before anything reaches a database, and returns the rows of `records`;
- `backend.Backend`: what a database must do for the store, on values already checked;
- `queries.BoardQueries`: the SQL of the board, leads, teams and rounds, written once for both back ends,
  every write carrying its idempotent key;
- `sqlite.SQLiteBackend`: one machine's file (opening and its checks on the folder, the schema of
  `schema` brought up to date by migrations), writing through `transaction`;
- `postgres.PostgresBackend`: a board on a PostgreSQL server (psycopg 3, an optional extra), its URL
  checked first by `board` (no password in it, TLS with verification for another machine); `roles`
  makes its kiosk, sales and facilitator roles (`python main.py board setup URL`);
- `unavailable.UnavailableStore`: what the game runs on when its database cannot be opened: empty
  boards, and every save a `SaveError` the screens show as "couldn't save";
- `location`: where the data folder and the database file are; `errors`: what the store refuses.

A database that cannot be opened or written is said in words, never as a traceback: `Store.open` refuses
a `--data` that names a file, a read-only folder or something that is not a database with a `StoreError`;
a write the machine cannot make (a full disk, a read-only disk, a lock held too long) is a `SaveError`
with the reason, nothing half-stored.

Nothing here imports pygame or matplotlib.
"""
from __future__ import annotations

from game.data.store.board import BOARD_ENV, board_url, check_board_url, shown
from game.data.store.checks import check_email, check_initials, email_key
from game.data.store.errors import InitialsError, LeadError, SaveError, StoreError
from game.data.store.interface import Store
from game.data.store.location import APP_NAME, DATA_ENV, DB_NAME, LOG_NAME, data_dir, database_path
from game.data.store.records import Lead, RoundRecord, ScoreEntry, Team
from game.data.store.postgres import require_psycopg
from game.data.store.schema import MIGRATIONS, POSTGRES_MIGRATIONS, SCHEMA_VERSION
from game.data.store.unavailable import UnavailableStore
from game.data.store.values import today

__all__ = [
    "Store", "StoreError", "InitialsError", "LeadError", "SaveError", "UnavailableStore", "email_key",
    "ScoreEntry", "Lead", "Team", "RoundRecord", "data_dir", "database_path", "check_initials", "check_email",
    "today", "SCHEMA_VERSION", "DB_NAME",
    "LOG_NAME", "MIGRATIONS", "APP_NAME", "DATA_ENV", "POSTGRES_MIGRATIONS", "BOARD_ENV", "board_url",
    "check_board_url", "shown", "require_psycopg",
]
