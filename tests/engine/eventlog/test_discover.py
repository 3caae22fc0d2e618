"""A scenario discovered from an event log (engine.eventlog.discover): simulate the tutorial, log its days as
XES, discover a scenario from the log, simulate that: the same arrivals, completions, hang-ups, waits and
staff load within 10 %, and the parameters found near the ones the log was made with."""
from __future__ import annotations

import numpy as np
import pytest
import yaml

pytest.importorskip("pm4py")

from engine.eventlog.discover import read_log, discover  # noqa: E402
from engine.eventlog.export import export_log  # noqa: E402
from engine.eventlog.fit import best_fit  # noqa: E402
from engine.load import builtin_dir, load, validate_file  # noqa: E402
from engine.sim import run  # noqa: E402

KPIS = ("arrivals", "completed", "abandon_rate", "mean_wait", "utilization.agents")


@pytest.fixture(scope="module")
def found(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("log")
    tut = load(builtin_dir() / "tutorial.yaml")
    export_log(tut, tmp / "tutorial.xes")
    export_log(tut, tmp / "tutorial.csv")
    raw, notes = discover(read_log(str(tmp / "tutorial.xes")), "tutorial.xes")
    path = tmp / "found.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return tut, raw, path, tmp


def test_the_discovered_scenario_plays_the_same_day(found):
    tut, raw, path, _ = found
    assert validate_file(path) == []
    sc = load(path)
    a = run(tut, None, tut.default_rules(), workers=1)
    b = run(sc, None, sc.default_rules(), seed=12345, workers=1)  # other days than the log's
    for k in KPIS:
        assert b.mean(k) == pytest.approx(a.mean(k), rel=0.10), k


def test_the_parameters_found_are_the_ones_the_log_was_made_with(found):
    tut, raw, _, _ = found
    steps = {s["label"]: s for s in raw["steps"].values()}
    desk = steps["Help desk"]
    assert desk["kind"] == "service" and desk["duration"]["gamma"]["mean"] == pytest.approx(5, rel=0.1)
    assert desk["duration"]["gamma"]["cv"] == pytest.approx(0.7, rel=0.1)
    assert raw["resources"][desk["pools"][0]]["count"] == tut.resources["agents"].count
    assert raw["entities"]["case"]["patience"]["exponential"]["mean"] == pytest.approx(4, rel=0.15)
    faq = steps["FAQ page"]
    assert faq["kind"] == "branch" and faq["branches"]["help_desk"] == pytest.approx(0.8, abs=0.03)
    assert steps["Gave up"].get("outcome") == "abandoned" and steps["Calls come in"]["kind"] == "source"
    rate = dict((t, r) for t, r in steps["Calls come in"]["rate"])
    assert np.mean([rate[30], rate[45]]) == pytest.approx(2.2, rel=0.12)  # the 09:30 update's peak
    assert np.mean([rate[0], rate[15]]) == pytest.approx(1.2, rel=0.12)


def test_csv_and_xes_give_the_same_scenario(found):
    _, raw, _, tmp = found
    other, _ = discover(read_log(str(tmp / "tutorial.csv")), "tutorial.xes")
    assert other == raw


@pytest.mark.parametrize("dist,expect", [("exponential", "exponential"), ("lognormal", "lognormal"),
                                         ("gamma", "gamma"), ("uniform", "uniform")])
def test_the_best_fit_finds_the_family_a_sample_came_from(dist, expect):
    rng = np.random.default_rng(4)
    sample = {"exponential": lambda: rng.exponential(3.0, 4000),
              "lognormal": lambda: rng.lognormal(1.0, 0.9, 4000),
              "gamma": lambda: rng.gamma(6.0, 0.5, 4000),
              "uniform": lambda: rng.uniform(2.0, 5.0, 4000)}[dist]()
    fit = best_fit(sample)
    assert list(fit) == [expect]
    assert best_fit([2.0] * 20) == 2.0 and list(best_fit([1.0, 2.0, 3.0])) == ["empirical"]
