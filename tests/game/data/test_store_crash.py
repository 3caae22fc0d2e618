"""A row confirmed on screen is never lost, and a write sent again is not kept twice: a writer killed with
SIGKILL at random moments, again and again, leaves every row it had confirmed intact, none twice, and the
database sound; on an SQLite file and on a board on a real PostgreSQL server.

The writer is a child process that adds leaderboard entries and leads as fast as it can, write i with the
key `w-i`, and prints each row's id only after `add_score` / `add_lead` returned, which is the moment a
kiosk says "saved". The test kills it at seeded random moments (some while it is still opening and
migrating the database), several times over on the same database; each new writer starts again three
writes before the last one confirmed, as a retry after a lost answer would (the write in flight when it
died may or may not have landed). Then every printed row is checked against the database, and no write
may be there twice.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from game.data.store import Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

ROOT = Path(__file__).resolve().parents[3]

WRITER = r"""
import sys
from game.data.store import Store

path, start = sys.argv[1], int(sys.argv[2])
store = Store.open(path)
print("ready", flush=True)
i = start
while True:
    if i % 2:
        e = store.add_score("Q" + chr(65 + i // 26 % 26) + chr(65 + i % 26), "crash", i % 1000, stars=i % 4,
                            kpis={"profit": float(i)}, seed=i, key=f"w-{i}")
        print("score", e.id, i, flush=True)
    else:
        lead = store.add_lead(f"Visitor {i}", "Acme", f"v{i}@example.com", consent=True, profit=i % 1000,
                              key=f"w-{i}")
        print("lead", lead.id, i, flush=True)
    i += 1
"""


def _run_and_kill(db: Path | str, start: int, delay: float, wait_ready: bool) -> tuple[list[tuple[str, int, int]], int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(start)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    lines: list[str] = []
    writing = threading.Event()

    def read():  # drain the pipe as it fills, so the writer never blocks on printing
        for line in proc.stdout:
            lines.append(line)
            if not line.startswith("ready"):
                writing.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if wait_ready:  # until the first row is confirmed, so each such round has something to lose
        assert writing.wait(60), "the writer did not start"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    code = proc.wait(30)
    reader.join(30)
    confirmed = []
    for line in lines:
        if not line.endswith("\n"):  # cut short by the kill: not confirmed
            continue
        parts = line.split()
        if parts[0] in ("score", "lead"):
            confirmed.append((parts[0], int(parts[1]), int(parts[2])))
    return confirmed, code


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_sigkill_at_random_moments_loses_no_confirmed_row_and_keeps_none_twice(tmp_path, request, backend):
    rng = random.Random(20261123)
    db = tmp_path / "kiosk.sqlite3" if backend == "sqlite" else request.getfixturevalue("pg_database")()
    confirmed: list[tuple[str, int, int]] = []
    rounds = 8
    for k in range(rounds):
        early = k in (0, 3)  # killed while opening (the first time, during the schema's creation)
        resume = max((i for _, _, i in confirmed), default=2) - 2  # the last confirmed writes sent again
        rows, code = _run_and_kill(db, start=resume, delay=rng.uniform(0.0, 0.05) if early
                                   else rng.uniform(0.05, 0.3), wait_ready=not early)
        assert code == -signal.SIGKILL
        confirmed += rows
    assert len(confirmed) >= rounds - 2  # at least one row in each round that waited for writing

    with Store.open(db) as store:
        assert store.integrity() == "ok"
        leads = {lead.id: lead for lead in store.leads()}
        for kind, row_id, i in confirmed:
            if kind == "score":
                e = store.score_entry(row_id)
                assert e is not None, f"confirmed score {row_id} lost"
                assert (e.profit, e.score, e.seed, e.kpis) == (i % 1000, i % 1000, i, {"profit": float(i)})
            else:
                assert row_id in leads, f"confirmed lead {row_id} lost"
                assert (leads[row_id].email, leads[row_id].profit) == (f"v{i}@example.com", i % 1000)
        # a write sent again (by the next writer) was kept once: one row per write index
        scores = store.top_all_time("crash", n=1_000_000)
        assert len(scores) == len({e.seed for e in scores})
        assert len(leads) == len({lead.email for lead in leads.values()})
        resent = [i for _, _, i in confirmed]
        assert len(resent) > len(set(resent))  # some confirmed writes were indeed sent twice...
        answered: dict[int, set[int]] = {}
        for _, row_id, i in confirmed:
            answered.setdefault(i, set()).add(row_id)
        assert all(len(ids) == 1 for ids in answered.values())  # ...and were answered the same row each time
        # and the database takes new rows after all that
        assert store.add_score("END", "crash", 1).id > 0
