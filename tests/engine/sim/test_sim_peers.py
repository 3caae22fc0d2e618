"""The same small models in our engine, in SimPy and in Ciw (benchmarks/peers.py) agree within their
confidence intervals: a two-sample check at four standard errors of the difference."""
from __future__ import annotations

import math
import statistics

import pytest

from engine import sim
from test_sim_models import mmc

pytest.importorskip("simpy")
pytest.importorskip("ciw")

HORIZON = 240.0
REPS = 6
NAMES = ("p_wait", "mean_wait", "service_level", "abandon_rate")


def _stats(values):
    return statistics.fmean(values), statistics.stdev(values) / math.sqrt(len(values))


def _ours(patience, agents):
    sc = mmc(lam=10.0, mu=1.0, c=agents, patience=patience, horizon=HORIZON, slw=1 / 3, seed=31)
    return sim.run(sc, replications=3 * REPS).per_replication


def _peer(day, patience, agents):
    out = []
    for seed in range(REPS):
        r = day(100 + seed, patience_mean=patience, horizon=HORIZON, agents=agents)
        r["abandon_rate"] = r["abandoned"] / r["arrivals"]
        out.append(r)
    return out


@pytest.mark.parametrize("patience,agents", [(2.0, 12), (None, 12), (1.0, 11)])
@pytest.mark.parametrize("peer", ["simpy", "ciw"])
def test_agrees_with_peer(peer, patience, agents):
    from benchmarks import peers

    theirs = _peer(peers.PEERS[peer], patience, agents)
    ours = _ours(patience, agents)
    for name in NAMES:
        m1, s1 = _stats([r[name] for r in ours])
        m2, s2 = _stats([r[name] for r in theirs])
        assert abs(m1 - m2) <= 4 * math.hypot(s1, s2) + 1e-12, f"{peer} {name}: ours {m1:.4f}, theirs {m2:.4f}"
