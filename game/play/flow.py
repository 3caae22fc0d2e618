"""The order of play: title -> scenario select -> briefing -> map -> rules -> run -> results -> again.

Screens do not know each other, nor this module. The flow builds every screen and hands it its ways on
as keyword arguments (game.scenes: `on_done`, `on_back`, and a screen's own, such as the results'
`on_next` and `on_retry`), each a callable bound here to this round and phase: `done(app, round, PHASE)`
goes on to the next phase, `back(app, round, PHASE)` goes back one. `ways(app, round, phase)` makes them.

A mode decides a screen of its own for any place of the flow (the kiosk's results with "Save my score",
the workshop's teams in place of the title) through `app.settings.screens` (game.core.settings): the flow
asks that builder first, with the same ways on it would have given its own screen, so the mode's screen
is the one shown from its first frame.

Every screen module is imported here, at the top: a screen that fails to import is an error of the game
(the command fails and says why), never hidden behind a stand-in.

What the session is set to (custom scenario folders, the day's seed, background par) is
`app.settings`; par itself is game.play.par's.
"""
from __future__ import annotations

from typing import Callable

from game.play.catalogue import catalogue
from game.play.par import par_for
from game.play.round import Round
from game.scenes.briefing import BriefingScene
from game.scenes.mapeditor import MapEditorScene
from game.scenes.results import ResultsScene
from game.scenes.rules import RulesScene
from game.scenes.run import RunScene
from game.scenes.select import SelectScene
from game.scenes.title import TitleScene

PHASES = ("briefing", "map", "rules", "run", "results")

#: the flow's own screen of each phase, built as `make(app, round, **ways)`
SCREENS: dict[str, Callable] = {"briefing": BriefingScene, "map": MapEditorScene, "rules": RulesScene,
                                "run": RunScene, "results": ResultsScene}


# --- building the screens ---------------------------------------------------------------------------


def ways(app, rnd: Round, phase: str) -> dict[str, Callable]:
    """The ways on from `phase` of `rnd`, as keyword arguments of its screen."""
    if phase == "results":
        return {"on_next": lambda: next_scenario(app, rnd), "on_retry": lambda: retry(app, rnd),
                "on_back": lambda: done(app, rnd, phase)}
    out = {"on_done": lambda: done(app, rnd, phase), "on_back": lambda: back(app, rnd, phase)}
    if phase == "run":  # the run's way back when its day cannot finish
        out["on_map"] = lambda: go(app, rnd, "map")
    return out


def mode_screen(app, place: str, rnd: Round | None, ways_on: dict[str, Callable]):
    """The mode's own screen for `place` of the flow, when it gives one (else None)."""
    make = app.settings.screens.get(place)
    return make(app, rnd, **ways_on) if make is not None else None


def build(app, rnd: Round, phase: str):
    """The screen of `phase` of `rnd`: the mode's, when it has one for that phase, else the flow's own."""
    if phase not in SCREENS:
        raise ValueError(f"unknown phase {phase!r}; phases are {', '.join(PHASES)}")
    ways_on = ways(app, rnd, phase)
    return mode_screen(app, phase, rnd, ways_on) or SCREENS[phase](app, rnd, **ways_on)


def go(app, rnd: Round, phase: str):
    """Show `phase` of the round (the rules of a scenario without levers are skipped)."""
    if phase == "rules" and not rnd.scenario.rules:
        phase = "run"
    if phase in ("briefing", "map", "rules"):  # before the run: a day played earlier no longer holds
        rnd.forget_day()
    scene = build(app, rnd, phase)
    rnd.phase = phase
    if phase != "results":  # the map or the rules may change: an earlier tally no longer holds
        rnd.outcome = None
    return app.stack.replace(scene)


# --- the public moves ---------------------------------------------------------------------------------


def title(app):
    """The title (or a mode's screen in its place), everything else left."""
    ways_on = {"on_play": lambda: select(app)}
    return app.stack.reset(mode_screen(app, "title", None, ways_on) or TitleScene(app, **ways_on))


def select(app):
    """Scenario select, over the catalogue of the built-in and the session's custom scenarios."""
    ways_on = {"on_pick": lambda scenario: start(app, scenario), "on_back": lambda: title(app)}
    scene = mode_screen(app, "select", None, ways_on) or SelectScene(
        app, catalogue(app.settings.scenario_dirs), **ways_on)
    return app.stack.replace(scene)


def start(app, scenario, *, briefing: bool = True) -> Round:
    """A new round of `scenario`, from its briefing (or straight onto the map)."""
    rnd = Round(scenario, seed=app.settings.seed)
    par_for(scenario, app.settings)  # start computing par now, if it must be, so it is ready by the results
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
    playable = [e for e in catalogue(app.settings.scenario_dirs) if e.scenario is not None]
    ids = [e.scenario.id for e in playable]
    if len(playable) < 2 or rnd.scenario.id not in ids:
        return select(app)
    nxt = playable[(ids.index(rnd.scenario.id) + 1) % len(playable)]
    return start(app, nxt.scenario)
