"""Where the game keeps its data: the database and the crash log, in one folder.

The folder is the one given with `--data DIR`, else $PROCESSPLAY_DATA (a kiosk's start script, the
tests), else the user's data folder for ProcessPlay (platformdirs). `database_path` turns what `--data`
names into the SQLite file: a folder holds `DB_NAME`, a path ending in .sqlite3, .sqlite or .db is the
file itself. The log (`LOG_NAME`) sits beside the database.
"""
from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ProcessPlay"
DB_NAME = "processplay.sqlite3"
LOG_NAME = "processplay.log"  # the kiosk's crash log, beside the database
#: Set to a folder to move the data there without `--data` (a kiosk's start script, the tests).
DATA_ENV = "PROCESSPLAY_DATA"


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
