"""A private PostgreSQL server for the tests of the shared board: made in a temporary folder, stopped after.

`start(folder)` runs `initdb` in `folder` (trust authentication, so the tests' roles log in without
passwords), then `pg_ctl start` on 127.0.0.1 at a free port with its Unix socket in the folder too, and
answers the superuser's URL. When this runs as root (CI in a container), the server runs as the
`postgres` user (`runuser -u postgres --`), which PostgreSQL insists on. `stop(folder)` stops it.
The binaries are found on PATH, else in /usr/lib/postgresql/*/bin (Debian's `postgresql` package);
`binaries()` is None when there are none, and the tests then skip (with CI=true they fail).

`.ci/run` uses it too: `python tests/pg_server.py start DIR` prints the URL, `... stop DIR` stops it.
The server keeps no data worth keeping, so it runs with fsync off (a writer killed mid-write is a
client killed; the server lives on).
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

#: The variable naming a server already running (CI starts one): the superuser's URL.
URL_ENV = "PROCESSPLAY_TEST_PG"


def binaries() -> Path | None:
    """The folder of `initdb` and `pg_ctl`, or None when PostgreSQL's server is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists():
            return Path(folder)
    return None


def _as_server_user(command: list[str]) -> list[str]:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: str | os.PathLike, durable: bool = False) -> str:
    """Make and start a server in `folder` (made if missing); the superuser's URL. `durable`: with fsync
    and synchronous commits on, as a real board runs (benchmarks/board.py); the tests do without."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb) found")
    folder = Path(folder)
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                    "--no-sync", "-E", "UTF8", "--locale=C"]), **run)
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off"
    (folder / "options").write_text(options)
    (folder / "url").write_text(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    return restart(folder)


def restart(folder: str | os.PathLike) -> str:
    """Start again the server `start` made in `folder` and `stop` stopped (same port, same data); its URL."""
    folder = Path(folder)
    subprocess.run(_as_server_user([str(binaries() / "pg_ctl"), "-D", str(folder / "data"), "-l",
                                    str(folder / "server.log"), "-o", (folder / "options").read_text(), "-w",
                                    "-t", "60", "start"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    return (folder / "url").read_text()


def role_url(url: str, role: str) -> str:
    """The server's superuser `url` logging in as `role` instead."""
    return url.replace("://postgres@", f"://{role}@", 1)


def stop(folder: str | os.PathLike) -> None:
    bin_dir = binaries()
    data = Path(folder) / "data"
    if bin_dir is not None and data.exists():
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


if __name__ == "__main__":
    action, where = sys.argv[1], sys.argv[2]
    if action == "start":
        print(start(where))
    else:
        stop(where)
