"""The SQLite database's tables, as a list of migrations: the schema carries its version, and grows.

The `meta` table holds `schema_version`, the number of migrations applied. Opening a database applies the
missing ones in order, each in its own transaction (game.data.store.sqlite), so a kiosk updated at a show
keeps its board; a database whose version is higher than this list is long was made by a newer game and
is refused, not touched. Append a migration, never edit one that has shipped. A back end for another
database brings its own list, with the same versions meaning the same tables.
"""
from __future__ import annotations

from typing import Sequence

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
    (  # 3: the score in money, the profit on the evaluation days (older rows keep their 0-1,000 score, NULL here)
        "ALTER TABLE scores ADD COLUMN profit REAL",
        "ALTER TABLE rounds ADD COLUMN profit REAL",
        "ALTER TABLE leads ADD COLUMN profit REAL",
        "CREATE INDEX scores_by_profit ON scores (scenario, day, profit DESC, stars DESC, map_score DESC)",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
