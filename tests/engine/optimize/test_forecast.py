"""The live forecast (engine.optimize.forecast): the evaluation days one at a time, finished equal to the results.

The finished forecast of every built-in scenario, under the default rules and seeded random lever settings,
is compared with `engine.sim.run` on the same days: every KPI equal (bit for bit), so the money lines are
equal to the cent. Partial forecasts are the means of the first days of that same run.
"""
import random

import pytest

from engine import sim
from engine.load import builtin_dir, load
from engine.money import money_lines
from engine.optimize import DayByDay, forecast_of, formula_forecast
from engine.scoring import evaluation_days

BUILTINS = sorted(builtin_dir().glob("*.yaml"))


@pytest.fixture(scope="module", params=BUILTINS, ids=lambda p: p.stem)
def scenario(request):
    return load(request.param)


def random_settings(scenario, n: int, seed: int) -> list[dict]:
    """`n` settings, each lever a seeded random choice among its values (within its range)."""
    rng = random.Random(seed)
    return [{rule.id: rng.choice(list(rule.values())) for rule in scenario.rules} for _ in range(n)]


def finish(run: DayByDay) -> DayByDay:
    while not run.done:
        run.step()
    return run


def cents(money) -> dict:
    return {"revenue": [(k, round(v, 2)) for k, v in money.revenue], "cost": [(k, round(v, 2)) for k, v in money.cost],
            "penalties": [(k, round(v, 2)) for k, v in money.penalties], "profit": round(money.profit, 2)}


def test_the_finished_forecast_is_the_results_figure_to_the_cent(scenario):
    seed, n = evaluation_days(scenario)
    for rules in [scenario.default_rules()] + random_settings(scenario, 2, seed=len(scenario.id)):
        forecast = finish(DayByDay(scenario, scenario.reference, rules)).forecast()
        results = sim.run(scenario, scenario.reference, rules, seed=seed, replications=n)
        means = results.means()
        assert forecast.complete and forecast.label == f"{n} of {n} days" and (forecast.days, forecast.of) == (n, n)
        assert forecast.kpis == means  # every KPI, bit for bit: the same days, averaged the same way
        for name in ["profit", "revenue", "cost"] + [f"penalty.{p.id}" for p in scenario.penalties]:
            assert round(forecast.kpis[name], 2) == round(means[name], 2)
        assert cents(money_lines(scenario, rules, forecast.kpis)) == cents(money_lines(scenario, rules, means))


def test_after_k_days_the_forecast_is_the_mean_of_those_days():
    sc = load(builtin_dir() / "customer_service.yaml")
    rules = random_settings(sc, 1, seed=7)[0]
    seed, n = evaluation_days(sc)
    per_day = sim.run(sc, None, rules, seed=seed, replications=n).per_replication
    run = DayByDay(sc, None, rules)
    finished = []
    while len(finished) < 3:
        r = run.step()
        if r is not None:
            finished.append(r)
    assert finished == [0, 1, 2]
    partial = run.forecast()
    assert partial.label == f"3 of {n} days" and not partial.complete
    for name in ("profit", "service_level", "cost"):
        assert partial.kpis[name] == sum(d[name] for d in per_day[:3]) / 3


def test_days_split_between_workers_average_in_replication_order():
    """Two shares (even and odd days), finished in any order, give the results figure exactly."""
    sc = load(builtin_dir() / "supply_chain.yaml")
    seed, n = evaluation_days(sc)
    rules = random_settings(sc, 1, seed=3)[0]
    odd = finish(DayByDay(sc, None, rules, replications=range(1, n, 2)))
    even = finish(DayByDay(sc, None, rules, replications=range(0, n, 2)))
    assert set(odd.days) == set(range(1, n, 2))
    assert forecast_of({**odd.days, **even.days}, n, seed).kpis == sim.run(sc, None, rules, seed=seed,
                                                                         replications=n).means()


def test_a_day_left_half_run_resumes_where_it_stopped():
    """A caller that stops between slices (to serve another setting) loses nothing: the day goes on from
    the slice it reached, and the days are those of a run made in one go."""
    sc = load(builtin_dir() / "customer_service.yaml")
    seed, n = evaluation_days(sc)
    a, b = random_settings(sc, 2, seed=11)
    first, other = DayByDay(sc, None, a), DayByDay(sc, None, b)
    for _ in range(3):
        first.step()
    assert first.replication == 0 and not first.days  # day 0 is half-run
    for _ in range(5):
        other.step()
    finish(first)
    assert first.forecast().kpis == sim.run(sc, None, a, seed=seed, replications=n).means()


def test_a_daily_challenge_forecasts_on_its_own_days():
    sc = load(builtin_dir() / "tutorial.yaml")
    run = finish(DayByDay(sc, None, None, seed=12345))
    assert (run.seed, run.total) == evaluation_days(sc, 12345)
    assert run.forecast().kpis == sim.run(sc, None, None, seed=12345, replications=run.total).means()


def test_a_day_too_big_for_a_preview_is_estimated_by_the_formulas(monkeypatch):
    from engine.load import loads
    from engine.optimize import forecast
    from engine.queueing import ErlangA
    from test_optimize import STAFFING  # one desk, callers with 2 minutes' patience

    sc = loads(STAFFING, "<staffing>")
    run = DayByDay(sc, None, {"agents": 8})
    assert not run.too_big
    monkeypatch.setattr(forecast, "DAY_FITS", 1e-6)
    assert run.too_big
    f = formula_forecast(sc, None, {"agents": 8})
    assert f.method == "formulas" and f.label == "estimate by formulas" and not f.complete and "profit" not in f.kpis
    q = ErlangA(2.0, 1 / 3, 8, 1 / 2)
    assert f.kpis["abandon_rate"] == pytest.approx(q.p_abandon)
    assert f.kpis["asa"] == pytest.approx(q.asa)
    assert f.kpis["utilization.agents"] == pytest.approx(2.0 * (1 - q.p_abandon) * 3 / 8)
