"""The shared board under a workshop's and a booth's load: PostgreSQL against SQLite, side by side.

    python benchmarks/board.py [--seconds 60] [--board URL]

Twelve team processes each write rounds (`Store.add_round`) and three kiosk processes each write scores
(`Store.add_score`) as fast as they can for `--seconds`, while a facilitator process polls the board
(`Store.rounds`) four times a second, as the workshop's board would. Printed for each database: writes
made, write latency p50 and p99 (the time `add_*` takes to return, which is what a screen waits for
before it says "saved"), and the board's refresh delay p50 and p99 (from a round's confirmation to the
poll that first shows it). PostgreSQL is the server of `--board` (a superuser's URL; a fresh database is
made on it), else a private server started here (tests/pg_server.py, with fsync and synchronous commits
on, as a real board runs); SQLite is one file all fifteen writers share (WAL, synchronous=FULL), the
single machine's case.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEAMS, KIOSKS = 12, 3


def worker(kind: str, where: str, seconds: float, number: int) -> None:
    """One process's share: write (team, kiosk) or poll (board) until the time is up; JSON on stdout."""
    sys.path.insert(0, str(ROOT))
    from game.data.store import Store

    store = Store.open(where)
    took, delays, seen, end = [], [], set(), time.monotonic() + seconds
    while time.monotonic() < end:
        if kind == "board":
            now = time.time()
            for r in store.rounds(workshop="bench"):
                if r.id not in seen:
                    seen.add(r.id)
                    delays.append(now - r.kpis["confirmed_at"])
            time.sleep(0.25)
            continue
        start = time.perf_counter()
        if kind == "team":
            store.add_round(f"Team {number}", "cs", 100.0, workshop="bench", kpis={"confirmed_at": time.time()})
        else:
            store.add_score("K" + "ABC"[number] + "Z", "cs", 100.0 + len(took))
        took.append(time.perf_counter() - start)
    store.close()
    print(json.dumps({"took": took, "delays": delays}))


def _quantiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    cuts = statistics.quantiles(values, n=100)
    return statistics.median(values), cuts[98]


def run(where: str, seconds: float) -> dict:
    """Every process at once on `where`; the figures."""
    from game.data.store import Store

    Store.open(where).close()  # the schema made before the clock starts
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", kind, where, str(seconds), str(n)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
             for kind, n in [("team", i) for i in range(TEAMS)] + [("kiosk", i) for i in range(KIOSKS)]
             + [("board", 0)]]
    results = [json.loads(p.communicate()[0]) for p in procs]
    took = [t for r in results for t in r["took"]]
    delays = results[-1]["delays"]
    return {"writes": len(took), "latency": _quantiles(took), "refresh": _quantiles(delays)}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--board", metavar="URL", help="a PostgreSQL superuser's URL (default: a private server)")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    import psycopg

    import pg_server

    folder = None
    server = args.board
    if server is None:
        folder = tempfile.mkdtemp(prefix="processplay-bench-pg-")
        server = pg_server.start(folder, durable=True)
    try:
        name = f"bench_{int(time.time())}"
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        figures = {"PostgreSQL": run(server.rsplit("/", 1)[0] + "/" + name, args.seconds),
                   "SQLite": run(str(Path(tempfile.mkdtemp(prefix="processplay-bench-")) / "board.sqlite3"),
                                 args.seconds)}
    finally:
        if folder is not None:
            pg_server.stop(folder)
    print(f"{TEAMS} teams writing rounds, {KIOSKS} kiosks writing scores, a board polling 4/s, {args.seconds:g} s each")
    print(f"{'':12}{'writes':>8}{'write p50':>12}{'write p99':>12}{'refresh p50':>13}{'refresh p99':>13}")
    for db, f in figures.items():
        (w50, w99), (r50, r99) = f["latency"], f["refresh"]
        print(f"{db:12}{f['writes']:>8}{w50 * 1e3:>10.1f}ms{w99 * 1e3:>10.1f}ms{r50 * 1e3:>11.0f}ms{r99 * 1e3:>11.0f}ms")


if __name__ == "__main__":
    main()
