"""The queueing and inventory oracles: public figures, properties, a second method, and the peers.

The peer-model tests at the end check SimPy and Ciw (benchmarks/peers.py) against the formulas, so that
when our engine is later timed against them we know all three simulate the same day.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package
    sys.path.insert(0, str(ROOT))

from engine.queueing import (  # noqa: E402
    ErlangA,
    MMc,
    agents_needed,
    base_stock_lost_sales,
    erlang_b,
    erlang_c,
    rq_backorders,
)

# The reference contact centre, per minute: 10 calls, 1-minute calls, 12 agents, patience 2 minutes.
LAM, MU, AGENTS, THETA = 10.0, 1.0, 12, 0.5
TWENTY_SECONDS = 1 / 3


# --------------------------------------------------------------------------------------------------
# Public figures


def test_erlang_c_reference_figures():
    centre = MMc(LAM, MU, AGENTS)
    assert centre.p_wait == pytest.approx(0.449388, abs=5e-7)
    assert centre.asa == pytest.approx(0.224694, abs=5e-7)
    assert centre.service_level(TWENTY_SECONDS) == pytest.approx(0.769276, abs=5e-7)
    # Little's law ties the queue to the wait.
    assert centre.mean_queue == pytest.approx(LAM * centre.asa)
    assert centre.mean_in_system == pytest.approx(centre.mean_queue + LAM / MU)


def test_erlang_a_reference_figures():
    centre = ErlangA(LAM, MU, AGENTS, THETA)
    assert centre.p_abandon == pytest.approx(0.039181, abs=5e-7)
    assert centre.p_wait == pytest.approx(0.341520, abs=5e-7)
    # Each caller on hold gives up at rate theta: abandonments = theta x queue = theta x lambda x wait.
    assert centre.mean_wait == pytest.approx(centre.p_abandon / THETA)


def test_base_stock_lost_sales_figure():
    shelf = base_stock_lost_sales(5, demand_rate=2.0, mean_lead_time=1.5)
    assert shelf.stockout_probability == pytest.approx(0.11005, abs=5e-6)
    assert shelf.fill_rate == pytest.approx(1 - shelf.stockout_probability)
    # Units on order are the busy lines of the loss system; the rest is on the shelf.
    assert shelf.mean_on_order == pytest.approx(3.0 * (1 - shelf.stockout_probability))
    assert shelf.mean_on_hand == pytest.approx(5 - shelf.mean_on_order)


def test_rq_backorders_figures():
    policy = rq_backorders(4, 5, demand_rate=1.0, lead_time=5.0)
    assert policy.fill_rate == pytest.approx(0.7234, abs=5e-5)
    assert policy.mean_on_hand == pytest.approx(2.3604, abs=5e-5)
    assert policy.order_frequency == pytest.approx(0.2)


def test_small_cases_by_hand():
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert erlang_c(3, 3.0) == 1.0  # overloaded: everyone waits
    mm1 = MMc(0.5, 1.0, 1)
    assert mm1.asa == pytest.approx(0.5 / (1 - 0.5))  # rho / (mu - lambda)
    assert MMc(12, 1, 12).service_level(1.0) == 0.0
    assert MMc(12, 1, 12).asa == math.inf


def test_staffing_for_eighty_twenty():
    # 80 % within 20 seconds: 13 agents without abandonment, and 12 reach it when callers hang up.
    c = agents_needed(LAM, MU, 0.8, TWENTY_SECONDS)
    assert MMc(LAM, MU, c).service_level(TWENTY_SECONDS) >= 0.8 > MMc(LAM, MU, c - 1).service_level(TWENTY_SECONDS)
    assert c == 13
    assert agents_needed(LAM, MU, 0.8, TWENTY_SECONDS, abandon_rate=THETA) == 12


# --------------------------------------------------------------------------------------------------
# Erlang A by a second method: Palm's closed form (Mandelbaum & Zeltyn)


def palm_erlang_a(lam: float, mu: float, n: int, theta: float) -> tuple[float, float]:
    """(P(wait), P(abandon)) of M/M/n+M from Palm's formulas, written independently of the chain.

    A(x, y) = x e^y y^-x gamma(x, y) = sum_k y^k / ((x+1)...(x+k)), with x = n mu / theta, y = lam / theta.
    """
    x, y = n * mu / theta, lam / theta
    # Terms grow while y > x + k and can pass 1e308: sum them in log space, as exp(log_term - peak).
    log_terms = [0.0]
    k = 0
    while True:
        k += 1
        log_terms.append(log_terms[-1] + math.log(y / (x + k)))
        if y / (x + k) < 0.5 and log_terms[-1] < max(log_terms) - 45:
            break
    peak = max(log_terms)
    inv_a = 1 / math.fsum(math.exp(t - peak) for t in log_terms) * math.exp(-peak)  # 1 / A(x, y)
    b = erlang_b(n, lam / mu)
    rho = lam / (n * mu)
    p_wait = b / (b + (1 - b) * inv_a)
    p_abandon_if_wait = inv_a / rho + 1 - 1 / rho
    return p_wait, p_wait * p_abandon_if_wait


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(0.1, 60), mu=st.floats(0.2, 5), agents=st.integers(1, 40), theta=st.floats(0.05, 10),
)
def test_erlang_a_matches_palm_closed_form(lam, mu, agents, theta):
    centre = ErlangA(lam, mu, agents, theta)
    p_wait, p_abandon = palm_erlang_a(lam, mu, agents, theta)
    assert centre.p_wait == pytest.approx(p_wait, rel=1e-9, abs=1e-13)
    assert centre.p_abandon == pytest.approx(p_abandon, rel=1e-9, abs=1e-13)


def test_erlang_a_with_patience_equal_to_talk_time_is_a_poisson_crowd():
    # When theta = mu every caller leaves at the same rate whether talking or waiting: M/M/infinity,
    # so the number present is Poisson(a) and P(wait) = P(Poisson(a) >= c).
    a, c = 9.0, 10
    centre = ErlangA(a, 1.0, c, 1.0)
    below = sum(math.exp(-a) * a**k / math.factorial(k) for k in range(c))
    assert centre.p_wait == pytest.approx(1 - below, rel=1e-12)


def test_erlang_a_ladder_agrees_with_littles_law():
    # P(abandon) from the ladder a waiting caller climbs equals theta x mean queue / lambda.
    centre = ErlangA(LAM, MU, AGENTS, THETA)
    served_after_waiting = float(np.dot(centre._ahead, centre._p_served_from))
    assert centre.p_wait - served_after_waiting == pytest.approx(centre.p_abandon, rel=1e-12)
    # The answered callers' waits are part of everybody's, and abandoners waited too.
    assert 0 < centre.asa * centre.p_served < centre.mean_wait


def _expm(a: np.ndarray) -> np.ndarray:
    """Matrix exponential by scaling and squaring a Taylor series (small, well-scaled matrices only)."""
    s = max(0, int(math.ceil(math.log2(max(np.abs(a).sum(axis=1).max(), 1e-300)))) + 1)
    b = a / 2**s
    out = term = np.eye(len(a))
    for k in range(1, 30):
        term = term @ b / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


@pytest.mark.parametrize("t", [0.05, TWENTY_SECONDS, 1.0, 3.0])
def test_erlang_a_service_level_by_matrix_exponential(t):
    # The waiting caller's ladder as a continuous-time chain: states m = 0..M ahead, then answered,
    # then gave up. P(answered by t) from its matrix exponential, against the uniformised sum.
    lam, mu, c, theta = 4.0, 1.0, 4, 0.7
    centre = ErlangA(lam, mu, c, theta)
    ahead = centre._ahead
    m_states = len(ahead)
    size = m_states + 2
    answered, gave_up = m_states, m_states + 1
    gen = np.zeros((size, size))
    for m in range(m_states):
        climb = c * mu + m * theta
        gen[m, m - 1 if m else answered] += climb
        gen[m, gave_up] += theta
        gen[m, m] = -(climb + theta)
    start = np.zeros(size)
    start[:m_states] = ahead
    by_t = start @ _expm(gen * t)
    assert centre.service_level(t) == pytest.approx((1 - centre.p_wait) + by_t[answered], abs=1e-12)


def test_erlang_a_service_level_limits():
    centre = ErlangA(LAM, MU, AGENTS, THETA)
    assert centre.service_level(0) == pytest.approx(1 - centre.p_wait)
    assert centre.service_level(60) == pytest.approx(centre.p_served, abs=1e-12)
    levels = [centre.service_level(t) for t in (0, 0.1, TWENTY_SECONDS, 1, 2, 5)]
    assert levels == sorted(levels)


def test_erlang_a_copes_with_overload():
    # Twice the work the agents can do: abandonment keeps the queue finite, and about half hang up.
    centre = ErlangA(24.0, 1.0, 12, 1.0)
    assert 0.45 < centre.p_abandon < 0.55
    assert centre.p_wait > 0.99
    assert centre.utilization == pytest.approx(centre.load * centre.p_served / 12)


# --------------------------------------------------------------------------------------------------
# Properties


@given(c=st.integers(0, 200), a=st.floats(0, 300))
def test_erlang_b_is_a_probability_falling_with_servers(c, a):
    b = erlang_b(c, a)
    assert 0 <= b <= 1
    assert erlang_b(c + 1, a) <= b


@given(c=st.integers(1, 200), a=st.floats(0, 300))
def test_erlang_c_is_at_least_b_and_falls_with_servers(c, a):
    assert erlang_c(c, a) >= erlang_b(c, a) - 1e-15
    assert erlang_c(c + 1, a) <= erlang_c(c, a) + 1e-15
    assert 0 <= erlang_c(c, a) <= 1


@settings(max_examples=40, deadline=None)
@given(c=st.integers(1, 30), rho=st.floats(0.05, 0.95), t=st.floats(0, 2))
def test_erlang_a_tends_to_erlang_c_as_patience_grows(c, rho, t):
    lam = rho * c
    endless = MMc(lam, 1.0, c)
    patient = ErlangA(lam, 1.0, c, abandon_rate=1e-9)
    assert patient.p_wait == pytest.approx(endless.p_wait, abs=1e-6)
    assert patient.mean_wait == pytest.approx(endless.asa, rel=1e-4, abs=1e-9)
    assert patient.service_level(t) == pytest.approx(endless.service_level(t), abs=1e-6)
    assert patient.p_abandon < 1e-6
    # And with no abandonment at all it is exactly M/M/c.
    assert ErlangA(lam, 1.0, c, 0.0).p_wait == pytest.approx(endless.p_wait, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(c=st.integers(1, 20), load=st.floats(0.5, 30), theta=st.floats(0.05, 5))
def test_more_patience_means_fewer_hang_ups_but_more_waiting(c, load, theta):
    hasty, patient = ErlangA(load, 1.0, c, theta * 2), ErlangA(load, 1.0, c, theta)
    assert patient.p_abandon <= hasty.p_abandon + 1e-12
    assert patient.p_wait >= hasty.p_wait - 1e-12


@given(r=st.integers(-3, 15), q=st.integers(1, 12), lam=st.floats(0.1, 5), lead=st.floats(0.1, 5))
def test_rq_backorders_identities(r, q, lam, lead):
    policy = rq_backorders(r, q, lam, lead)
    assert 0 <= policy.fill_rate <= 1
    assert policy.mean_on_hand >= 0 and policy.mean_backorders >= -1e-12
    # Net stock = on hand - backorders has mean r + (Q + 1) / 2 - lambda L.
    assert policy.mean_on_hand - policy.mean_backorders == pytest.approx(r + (q + 1) / 2 - lam * lead, abs=1e-9)


def test_rq_with_q_one_is_base_stock_with_backorders():
    # Q = 1 keeps the position at r + 1: a demand is met when the lead-time demand is at most r.
    lam_l = 3.0
    policy = rq_backorders(4, 1, 1.0, lam_l)
    assert policy.fill_rate == pytest.approx(sum(math.exp(-lam_l) * lam_l**k / math.factorial(k) for k in range(5)))


# --------------------------------------------------------------------------------------------------
# The peers (SimPy, Ciw) agree with the formulas. A few replications of the 8-hour day each, so the whole
# block takes a few seconds; with fixed seeds the outcome is the same on every run. Each estimate must sit
# within 4 standard errors (across replications) of the exact steady-state value. The day starts empty,
# which biases waits slightly low: well inside that slack.

REPS = 5


def _check(day, expected: dict[str, float], seeds=range(1, REPS + 1)):
    days = [day(seed) for seed in seeds]
    for d in days:
        assert d["arrivals"] == d["served"] + d["abandoned"]
        assert 4000 < d["arrivals"] < 5600  # about 4,800 calls in 8 hours
    for kpi, exact in expected.items():
        if kpi == "p_abandon":
            xs = np.array([d["abandoned"] / d["arrivals"] for d in days])
        else:
            xs = np.array([d[kpi] for d in days])
        se = xs.std(ddof=1) / math.sqrt(len(xs))
        assert abs(xs.mean() - exact) <= 4 * se, (kpi, xs.mean(), exact, se)


def _erlang_a_expected() -> dict[str, float]:
    centre = ErlangA(LAM, MU, AGENTS, THETA)
    return {
        "p_abandon": centre.p_abandon,
        "p_wait": centre.p_wait,
        "mean_wait": centre.mean_wait,
        "asa": centre.asa,
        "service_level": centre.service_level(TWENTY_SECONDS),
    }


def _erlang_c_expected() -> dict[str, float]:
    centre = MMc(LAM, MU, AGENTS)
    return {"p_wait": centre.p_wait, "mean_wait": centre.asa, "service_level": centre.service_level(TWENTY_SECONDS)}


def test_simpy_reference_day_agrees_with_erlang_a():
    from benchmarks.peers import simpy_day

    _check(simpy_day, _erlang_a_expected())


def test_ciw_reference_day_agrees_with_erlang_a():
    from benchmarks.peers import ciw_day

    _check(ciw_day, _erlang_a_expected())


def test_simpy_mmc_day_agrees_with_erlang_c():
    from benchmarks.peers import simpy_mmc_day

    _check(simpy_mmc_day, _erlang_c_expected())


def test_ciw_mmc_day_agrees_with_erlang_c():
    from benchmarks.peers import ciw_mmc_day

    _check(ciw_mmc_day, _erlang_c_expected())


def test_peers_repeat_themselves_with_the_same_seed():
    from benchmarks.peers import ciw_day, simpy_day

    assert simpy_day(7) == simpy_day(7)
    assert ciw_day(7) == ciw_day(7)
