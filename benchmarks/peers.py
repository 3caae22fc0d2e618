"""The reference day modelled in SimPy and in Ciw: the yardsticks our engine is timed against and checked by.

The reference day: callers arrive as a Poisson stream (10 a minute) for 8 hours (480 minutes, about 4,800
calls), 12 agents answer them in order of arrival, a call takes an exponential minute, and a caller who is
not answered within their patience (exponential, mean 2 minutes) hangs up. Arrivals stop at the end of
the day and the centre drains: every caller who came is answered or hangs up (the format's `close: drain`).
The `*_mmc_day` variants have callers of infinite patience (M/M/12), for Erlang C checks.

Each function runs one replication and returns the same dict:
`arrivals`, `abandoned`, `served` (counts), `mean_wait` (time on hold per caller, abandoners' waits
included), `p_wait` (share who waited at all), `asa` (mean wait of the callers answered) and
`service_level` (share of all callers answered within `sl_wait`, 20 seconds by default).

Both models are written as each library's documentation teaches, without handicaps: in SimPy a process
per caller racing its request against a patience timeout (the timer only made when the caller must wait);
in Ciw one node with `reneging_time_distributions`. SimPy draws its random numbers up front in numpy
blocks, as our engine does; Ciw draws through its own distributions, as Ciw is meant to be used.
Statistics are computed once at the end of the day, outside the event loop.
"""
from __future__ import annotations

import math
import random

import numpy as np

#: The reference day, in minutes.
ARRIVAL_RATE = 10.0
SERVICE_RATE = 1.0
AGENTS = 12
PATIENCE_MEAN = 2.0
HORIZON = 480.0
SL_WAIT = 1 / 3  # 20 seconds


def _summary(waits: list[float], answered: list[bool], sl_wait: float) -> dict:
    """The day's KPIs from each caller's wait and whether an agent answered them."""
    w = np.asarray(waits, dtype=float)
    ok = np.asarray(answered, dtype=bool)
    n = len(w)
    served = int(ok.sum())
    return {
        "arrivals": n,
        "abandoned": n - served,
        "served": served,
        "mean_wait": float(w.mean()) if n else 0.0,
        "p_wait": float((w > 0).mean()) if n else 0.0,
        "asa": float(w[ok].mean()) if served else math.nan,
        "service_level": float((ok & (w <= sl_wait)).mean()) if n else 0.0,
    }


# --------------------------------------------------------------------------------------------------
# SimPy


def _arrival_times(rng: np.random.Generator, rate: float, horizon: float) -> np.ndarray:
    """Poisson arrival times in [0, horizon): cumulative exponential gaps, drawn in one block."""
    n = int(rate * horizon + 10 * math.sqrt(rate * horizon) + 10)
    times = np.cumsum(rng.exponential(1.0 / rate, n))
    while times[-1] < horizon:  # vanishingly rare: draw more
        times = np.concatenate([times, times[-1] + np.cumsum(rng.exponential(1.0 / rate, n))])
    return times[times < horizon]


def simpy_day(seed: int, *, arrival_rate: float = ARRIVAL_RATE, service_rate: float = SERVICE_RATE,
              agents: int = AGENTS, patience_mean: float | None = PATIENCE_MEAN, horizon: float = HORIZON,
              sl_wait: float = SL_WAIT) -> dict:
    """One reference day in SimPy; `patience_mean=None` makes callers wait for ever (M/M/c)."""
    import simpy

    rng = np.random.default_rng(seed)
    arrivals = _arrival_times(rng, arrival_rate, horizon).tolist()
    n = len(arrivals)
    talk = rng.exponential(1.0 / service_rate, n).tolist()
    patience = rng.exponential(patience_mean, n).tolist() if patience_mean is not None else None
    waits = [0.0] * n
    answered = [True] * n

    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=agents)

    def caller(i: int):
        arrived = env.now
        with pool.request() as req:
            if not req.triggered:  # every agent busy: wait, at most as long as patience lasts
                if patience is None:
                    yield req
                else:
                    yield req | env.timeout(patience[i])
                    if not req.triggered:
                        waits[i] = env.now - arrived
                        answered[i] = False
                        return
                waits[i] = env.now - arrived
            yield env.timeout(talk[i])

    def incoming():
        for i, t in enumerate(arrivals):
            yield env.timeout(t - env.now)
            env.process(caller(i))

    env.process(incoming())
    env.run()  # until the last caller is done: the centre drains
    return _summary(waits, answered, sl_wait)


def simpy_mmc_day(seed: int, **model) -> dict:
    """The reference day in SimPy without abandonment: M/M/12."""
    return simpy_day(seed, patience_mean=None, **model)


# --------------------------------------------------------------------------------------------------
# Ciw


def _ciw_arrivals(rate: float, horizon: float):
    """Ciw's exponential inter-arrival times, stopping at the horizon (Ciw's own arrivals never stop)."""
    import ciw

    class ArrivalsUntil(ciw.dists.Distribution):
        def sample(self, t=None, ind=None):
            gap = random.expovariate(rate)
            return gap if t + gap < horizon else math.inf

    return ArrivalsUntil()


def ciw_day(seed: int, *, arrival_rate: float = ARRIVAL_RATE, service_rate: float = SERVICE_RATE,
            agents: int = AGENTS, patience_mean: float | None = PATIENCE_MEAN, horizon: float = HORIZON,
            sl_wait: float = SL_WAIT) -> dict:
    """One reference day in Ciw; `patience_mean=None` makes callers wait for ever (M/M/c)."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[_ciw_arrivals(arrival_rate, horizon)],
        service_distributions=[ciw.dists.Exponential(rate=service_rate)],
        number_of_servers=[agents],
        reneging_time_distributions=(
            [ciw.dists.Exponential(rate=1.0 / patience_mean)] if patience_mean is not None else None
        ),
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    # Arrivals stop at the horizon, so the run ends once the last caller is done (the next event is at
    # infinity); the generous limit is only a guard.
    sim.simulate_until_max_time(horizon * 100)
    records = sim.get_all_records(only=["service", "renege"])
    waits = [r.waiting_time for r in records]
    answered = [r.record_type == "service" for r in records]
    return _summary(waits, answered, sl_wait)


def ciw_mmc_day(seed: int, **model) -> dict:
    """The reference day in Ciw without abandonment: M/M/12."""
    return ciw_day(seed, patience_mean=None, **model)


PEERS = {"simpy": simpy_day, "ciw": ciw_day}
MMC_PEERS = {"simpy": simpy_mmc_day, "ciw": ciw_mmc_day}


if __name__ == "__main__":
    import statistics
    import sys
    import time

    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    for name, day in {**PEERS, **{f"{k}_mmc": v for k, v in MMC_PEERS.items()}}.items():
        day(0)  # warm up imports and caches
        wall, cpu = [], []
        for seed in range(1, reps + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            out = day(seed)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        # CPU time is the steadier figure on a shared machine; wall time is what a player waits.
        print(f"{name:10s} {statistics.median(cpu):7.1f} ms CPU, {statistics.median(wall):7.1f} ms wall "
              f"per replication (medians of {reps}); last day: {out['arrivals']} calls, "
              f"p_wait {out['p_wait']:.3f}, abandoned {out['abandoned']}, mean_wait {out['mean_wait']:.3f}")
