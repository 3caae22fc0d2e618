"""The order of play: title -> scenario select -> briefing -> map -> rules -> run -> results -> again.

Screens do not know each other. A phase screen, when the player is finished with it, calls
`flow.done(app, round, PHASE)`; to go back, `flow.back(app, round, PHASE)`. This module decides what
comes next and builds it. The map editor and the run screen (game/scenes/mapeditor.py and run.py) are
imported only when needed; until they exist, or if one fails to import, a plain stand-in keeps the round
playable (the map stand-in offers the expert map, the run goes straight to the results).

A phase screen class is built as `Cls(app, round)`; if its constructor also takes `on_done` or `on_back`
they are given callables that call `done`/`back` for that phase, so either style works.

Per-app options (`options(app)`): replications of the results run (tests use few), whether par may be
computed in a background process, extra folders of custom scenarios, and a seed for the day.
"""
from __future__ import annotations

import inspect
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from game.play.round import Round

PHASES = ("briefing", "map", "rules", "run", "results")


@dataclass
class Options:
    replications: int | None = None  # of the results run; None: the scenario's run.replications
    background_par: bool = True  # compute par in another process when a scenario has none kept
    scenario_dirs: list[Path] = field(default_factory=list)  # custom scenarios besides the built-in ones
    seed: int | None = None  # the day's seed (a daily challenge); None: the scenario's own
    attract: bool = False  # rounds are played by the autoplay (nothing is saved, no par job)
    par_seconds: float = 20.0  # a quick search for par at the results when none is kept or computed
    # a mode's own screen for a phase (the kiosk's results with "Save my score"): phase -> make(app, round)
    screens: dict[str, Callable[[Any, Round], Any]] = field(default_factory=dict)


def options(app) -> Options:
    opts = getattr(app, "flow_options", None)
    if opts is None:
        opts = Options()
        app.flow_options = opts
    return opts


# --- par, kept beside the scenario or computed in the background ------------------------------------

_par_jobs: dict[str, Any] = {}


def par_for(scenario, app=None):
    """The scenario's par (an OptimizeResult) if kept beside it or already computed, else None; starts
    a background computation the first time when the app's options allow it."""
    from engine.optimize import ParJob, load_par

    kept = load_par(scenario)
    if kept is not None or not scenario.path or not scenario.rules:
        return kept
    job = _par_jobs.get(scenario.path)
    if job is None:
        if app is None or not options(app).background_par or options(app).attract:
            return None
        try:
            job = _par_jobs[scenario.path] = ParJob(scenario.path, seconds=50.0)
        except Exception:  # no processes here (a sandbox): play without par
            return None
    job.poll()
    return job.result


def par_progress(scenario) -> float | None:
    """How far the background par computation of `scenario` is (0..1), None when none runs."""
    job = _par_jobs.get(scenario.path or "")
    return None if job is None or job.done else job.progress


# --- building the phase screens ---------------------------------------------------------------------

_warned: set[str] = set()


def _import(module: str, name: str):
    try:
        mod = __import__(f"game.scenes.{module}", fromlist=[name])
        return getattr(mod, name)
    except ImportError:
        return None
    except Exception:  # a screen that fails to import must not stop the game: use the stand-in
        if module not in _warned:
            _warned.add(module)
            print(f"game.scenes.{module} failed to import; using a stand-in:\n{traceback.format_exc()}",
                  file=sys.stderr)
        return None


def scene_class(phase: str):
    """The screen class of a phase (None for the run when its screen does not exist yet)."""
    if phase == "briefing":
        from game.scenes.briefing import BriefingScene

        return BriefingScene
    if phase == "map":
        from game.scenes.standins import MapStandIn

        return _import("mapeditor", "MapEditorScene") or MapStandIn
    if phase == "rules":
        from game.scenes.rules import RulesScene

        return RulesScene
    if phase == "run":
        return _import("run", "RunScene")
    if phase == "results":
        from game.scenes.results import ResultsScene

        return ResultsScene
    raise ValueError(f"unknown phase {phase!r}; phases are {', '.join(PHASES)}")


def build(app, rnd: Round, phase: str):
    make = options(app).screens.get(phase)
    if make is not None:
        return make(app, rnd)
    cls = scene_class(phase)
    if cls is None:
        return None
    params = inspect.signature(cls.__init__).parameters
    kwargs = {}
    if "on_done" in params:
        kwargs["on_done"] = lambda *_: done(app, rnd, phase)
    if "on_back" in params:
        kwargs["on_back"] = lambda *_: back(app, rnd, phase)
    if "on_map" in params:  # the run's way back when its day cannot finish
        kwargs["on_map"] = lambda *_: go(app, rnd, "map")
    return cls(app, rnd, **kwargs)


def go(app, rnd: Round, phase: str):
    """Show `phase` of the round (the next available one when its screen does not exist)."""
    if phase == "rules" and not rnd.scenario.rules:
        phase = "run"
    scene = build(app, rnd, phase)
    if scene is None:  # the run screen is not there yet: the results run the day themselves
        return go(app, rnd, PHASES[PHASES.index(phase) + 1])
    rnd.extra["phase"] = phase
    if phase != "results":  # the map or the rules may change: an earlier tally no longer holds
        rnd.extra.pop("outcome", None)
    return app.stack.replace(scene)


# --- the public moves ---------------------------------------------------------------------------------


def title(app):
    from game.scenes.title import TitleScene

    return app.stack.reset(TitleScene(app))


def select(app):
    from game.scenes.select import SelectScene

    return app.stack.replace(SelectScene(app))


def start(app, scenario, *, briefing: bool = True) -> Round:
    """A new round of `scenario`, from its briefing (or straight onto the map)."""
    opts = options(app)
    rnd = Round(scenario, seed=opts.seed)
    par_for(scenario, app)  # start computing par now, if it must be, so it is ready by the results
    go(app, rnd, "briefing" if briefing and scenario.briefing else "map")
    return rnd


def done(app, rnd: Round, phase: str):
    """The player finished `phase`: on to the next one; after the results, back to scenario select."""
    if phase == "results":
        return select(app)
    return go(app, rnd, PHASES[PHASES.index(phase) + 1])


def back(app, rnd: Round, phase: str):
    """The player asked to go back from `phase`."""
    if phase in ("briefing", "results"):
        return select(app)
    if phase == "run":  # the day being watched is abandoned; its result would be stale
        rnd.result = rnd.day = None
    i = PHASES.index(phase) - 1
    if PHASES[i] == "rules" and not rnd.scenario.rules:
        i -= 1
    if PHASES[i] == "briefing" and not rnd.scenario.briefing:
        return select(app)
    return go(app, rnd, PHASES[i])


def retry(app, rnd: Round) -> Round:
    """Play the same scenario again, onto the map (the briefing was heard already)."""
    return start(app, rnd.scenario, briefing=False)


def next_scenario(app, rnd: Round):
    """The next playable scenario of the catalogue, or scenario select when there is no other."""
    from game.scenes.select import catalogue

    playable = [e for e in catalogue(options(app).scenario_dirs) if e.scenario is not None]
    ids = [e.scenario.id for e in playable]
    if len(playable) < 2 or rnd.scenario.id not in ids:
        return select(app)
    nxt = playable[(ids.index(rnd.scenario.id) + 1) % len(playable)]
    return start(app, nxt.scenario)
