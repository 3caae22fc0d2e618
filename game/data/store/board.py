"""A shared board's address: which `postgresql://` URLs the game accepts, and how one is shown.

Several kiosks of a booth, or the laptops of a workshop, keep their board on one PostgreSQL server,
named by a URL (`--board URL`, or $PROCESSPLAY_BOARD: `board_url`). Before anything connects,
`check_board_url` refuses, in words:

- a password in the URL (`user:secret@host`, `?password=`): it would sit in the shell's history, in `ps`
  and in logs. The password belongs in a pgpass file (~/.pgpass, or the file $PGPASSFILE names) or in
  $PGPASSWORD, which libpq reads by itself;
- a server on another machine without `sslmode=verify-full`: anything less either sends the board in
  clear or trusts whichever server answers. Local means no host (libpq's Unix socket, unless $PGHOST
  names a remote one), `localhost`, `127.0.0.1`, `::1`, or a Unix socket folder (a host starting with /).

`shown` is the URL as any message or log line may carry it: a password, were one there, replaced by
`***`. Nothing here needs psycopg, so these refusals come before the question whether it is installed.
"""
from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, unquote, urlsplit

from game.data.store.errors import StoreError

#: The variable that names the board when `--board` is not given (a kiosk's start script).
BOARD_ENV = "PROCESSPLAY_BOARD"
_SCHEMES = ("postgresql://", "postgres://")
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1", "[::1]"}
_PGPASS = ("use a pgpass file (~/.pgpass, or the file PGPASSFILE names) or PGPASSWORD in the environment "
           "instead")


def board_url(option: str | None = None) -> str | None:
    """The board asked for: `--board URL` (`option`), else $PROCESSPLAY_BOARD, else None (no shared board:
    the SQLite file of the data folder)."""
    return option or os.environ.get(BOARD_ENV) or None


def is_board_url(text: str) -> bool:
    return text.lower().startswith(_SCHEMES)


def shown(url: str) -> str:
    """`url` safe to print: any password (in the user part or as `password=`) replaced by ***."""
    text = re.sub(r"(://[^/@?#]*?:)[^/@?#]*@", r"\1***@", url)
    return re.sub(r"(?i)(password=)[^&#]*", r"\1***", text)


def hosts(url: str) -> list[str]:
    """The hosts `url` names (in its authority, `host=` parameters, else $PGHOST), '' for none."""
    parts = urlsplit(url)
    authority = parts.netloc.rpartition("@")[2]
    found = []
    for item in authority.split(","):
        host = item.strip()
        if host.startswith("["):
            host = host[: host.find("]") + 1]
        elif host.count(":") == 1:
            host = host.partition(":")[0]
        found.append(unquote(host))
    for value in parse_qs(parts.query).get("host", []):
        found.extend(h for h in value.split(","))
    named = [h for h in found if h]
    if not named and os.environ.get("PGHOST"):
        named = os.environ["PGHOST"].split(",")
    return named or [""]


def is_local(host: str) -> bool:
    return host.lower() in _LOCAL_HOSTS or host.startswith("/")


def check_board_url(url: str) -> str:
    """`url` if the game may connect to it; StoreError in words (the URL shown without its password)
    for one that is not a postgresql:// URL, holds a password, or names another machine without
    sslmode=verify-full."""
    if not is_board_url(url):
        raise StoreError(f"{shown(url)}: a board is a URL of the form postgresql://USER@HOST:PORT/DATABASE")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if ":" in parts.netloc.rpartition("@")[0] or "password" in {k.lower() for k in query}:
        raise StoreError(f"{shown(url)}: the board's URL holds a password, which would show on the command "
                         f"line and in logs; {_PGPASS}")
    remote = [h for h in hosts(url) if not is_local(h)]
    if remote and query.get("sslmode", [""])[-1] != "verify-full":
        raise StoreError(f"{shown(url)}: {remote[0]} is another machine, so the board needs TLS with the "
                         "server's certificate checked: add ?sslmode=verify-full to the URL (and the server's "
                         "CA as ~/.postgresql/root.crt or sslrootcert=FILE)")
    return url
