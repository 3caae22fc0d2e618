"""`python main.py screenshots DIR [--size WxH]`: one PNG of every screen and state worth looking at.

Each state is reached the way a player reaches it (through `game.play.flow` and the screens' own actions),
drawn headless and saved at the size asked for (the logical 1920x1080 surface, scaled like a window).
`STATES` lists them in order, one small function each, all sharing one `Session` (the app, the folder,
the round carried from the map to the results).
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pygame

from game.core.app import App
from game.play import flow
from game.play.round import Round

FPS = 60
BROKEN_EXAMPLE = """format: 1
id: broken-example
title: A scenario with mistakes
domain: logistics
steps:
  depot: {kind: nope}
"""


def _frames(app, n: int, events=()) -> None:
    for i in range(n):
        app.step(1.0 / FPS, list(events) if i == 0 else [])


def _hinted_map(scenario):
    """The expert map with up to two hinted links sent to the wrong exit: runnable, but with hints to give."""
    from engine.maps import map_problems
    from engine.model import ProcessMap

    edges = list(scenario.reference.edges)
    exits = [s.id for s in scenario.steps.values() if s.kind == "exit"]
    changed = 0
    for i, e in enumerate(edges):
        if changed == 2 or not scenario.hints.get(e):
            continue
        for x in exits:
            if x == e.dst:
                continue
            trial = edges[:i] + [type(e)(e.src, e.port, x)] + edges[i + 1:]
            if not map_problems(scenario, ProcessMap(tuple(trial))):
                edges, changed = trial, changed + 1
                break
    return edges


@dataclass
class Session:
    """One screenshot run: the headless app, where the PNGs go, and what was saved so far."""

    app: Any
    out: Path
    size: tuple[int, int]
    log: Callable[[str], None]
    scenario: Any  # customer service (or the first built-in scenario)
    started: Any = None  # the round started from scenario select: its briefing, then its empty map
    done: Any = None  # the round on the expert map, carried from the finished map to its results
    shots: list[tuple[str, str | None]] = field(default_factory=list)

    def frames(self, n: int) -> None:
        _frames(self.app, n)

    def save(self, name: str, note: str = "") -> None:
        path = self.out / f"{sum(1 for _, p in self.shots if p) + 1:02d}_{name}.png"
        self.app.screenshot(path, tuple(self.size))
        self.shots.append((name, str(path)))
        self.log(f"{path}{('  ' + note) if note else ''}")

    def skip(self, name: str, why: str) -> None:
        self.shots.append((name, None))
        self.log(f"skipped {name}: {why}")


# --- the states, in the order they are saved ------------------------------------------------------------


def _title(s: Session) -> None:
    flow.title(s.app)
    s.frames(90)
    s.save("title")


def _select(s: Session) -> None:
    flow.select(s.app)
    s.frames(15)  # past the fade-in
    s.save("select")


def _select_custom_broken(s: Session) -> None:
    settings = s.app.settings
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "broken_example.yaml").write_text(BROKEN_EXAMPLE)
        settings.scenario_dirs = [Path(tmp)]
        top = flow.select(s.app)
        broken = next((i for i, e in enumerate(top.entries) if e.scenario is None), None)
        if broken is not None:
            top.move(broken - top.focus)  # its page, the broken card in focus
        s.frames(15)
        s.save("select_custom_broken")
        if broken is not None:
            top.pick(broken)  # a tap on the broken card: all its problems in full
            s.frames(2)
            s.save("select_broken_problems")
        settings.scenario_dirs = []


def _briefing(s: Session) -> None:
    s.started = flow.start(s.app, s.scenario)
    top = s.app.stack.top
    if top.name != "briefing":
        s.skip("briefing", "the scenario has no briefing")
        return
    for _ in range(min(2, max(0, len(top.lines) - 1)) * 2):
        top.advance()
    s.frames(50)  # part of the line typed, as a player sees it
    s.save("briefing")


def _map_empty(s: Session) -> None:
    flow.go(s.app, s.started, "map")
    s.frames(15)
    s.save("map_empty")


def _map_hints(s: Session) -> None:
    hinted = Round(s.scenario)
    hinted.edges = _hinted_map(s.scenario)
    editor = flow.go(s.app, hinted, "map")
    s.frames(2)
    editor.submit()
    s.frames(5)
    s.save("map_hints")


def _map_finished(s: Session) -> None:
    s.done = Round(s.scenario)
    s.done.edges = list(s.scenario.reference.edges)
    editor = flow.go(s.app, s.done, "map")
    s.frames(2)
    editor.submit()  # a perfect map: its score panel
    s.frames(5)
    s.save("map_finished")
    editor.finish()  # on to the rules (or the run, for a scenario without levers)


def _rules(s: Session) -> None:
    if s.done.phase != "rules":
        flow.go(s.app, s.done, "rules")
    rules = s.app.stack.top
    if s.scenario.rules:
        first = s.scenario.rules[0]
        if first.kind == "slider":
            vals = first.values()
            rules.set_rule(first.id, vals[min(len(vals) - 1, vals.index(first.default) + 2)])
        rules.wait_forecast()
    s.frames(15)
    s.save("rules")


def _decision_event(scenario):
    return next((ev for ev in scenario.events if getattr(ev, "decision", None) is not None), None)


def _run_decision(s: Session) -> None:
    """The day stopped at its first decision, every choice's rest-of-day forecast in; then its default."""
    run = flow.go(s.app, s.done, "run")
    ev = _decision_event(s.scenario)
    if ev is None:
        s.skip("run_decision", "the scenario has no decision")
        return
    run.seek(ev.at + 1e-6)
    s.frames(2)
    if run.dialog is None:
        s.skip("run_decision", "the day did not stop at its decision")
        return
    run.outlooks.wait(300)
    s.frames(2)
    s.save("run_decision")
    run.dialog.left = run.dialog.view.seconds * 0.6  # the kiosk's timer, as `decide_within` shows it
    s.frames(1)
    s.save("run_decision_timer")
    run.decide(run.dialog.view.default)


def _run_midday(s: Session) -> None:
    run = s.app.stack.top if getattr(s.app.stack.top, "name", "") == "run" else flow.go(s.app, s.done, "run")
    run.seek(s.scenario.time.horizon / 2)
    s.frames(2)
    s.save("run_midday")


def _run_change(s: Session) -> None:
    """The lever panel with a change pending and its rest-of-day forecast against keeping the rules."""
    run = s.app.stack.top
    slider = next((w for w in getattr(run, "widgets", ()) if w.rule.kind == "slider"), None)
    if slider is None:
        s.skip("run_change", "the scenario has no slider")
        return
    run.open_levers()
    slider.set_index(slider.index + 2)
    s.frames(2)
    run.outlooks.wait(300)
    s.frames(2)
    s.save("run_change")
    run.lever_panel.keep()
    s.frames(2)


def _results(s: Session) -> None:
    res = flow.go(s.app, s.done, "results")
    s.frames(20)
    s.save("results_tallying")
    res.wait(300)
    s.frames(90)  # the headline counted up, the stars in
    s.save("results")
    res.toggle_view()
    s.frames(3)
    s.save("results_map")


# --- the advisors you can ask, the hints panel, the marked board (issue 13, helper D) -----------------


def _ask_first(screen) -> None:
    """Tap the screen's first advisor, as a player does (the screen's AdvisorDesk)."""
    screen.desk.open(next(iter(screen.scenario.advisors)))


def _briefing_tip(s: Session) -> None:
    flow.start(s.app, s.scenario)
    top = s.app.stack.top
    if top.name != "briefing" or not s.scenario.advisors:
        s.skip("briefing_tip", "no briefing or no advisors")
        return
    s.frames(20)
    _ask_first(top)
    s.frames(3)
    s.save("briefing_tip")


def _hinted_editor(s: Session):
    """The map screen of a new round on the hinted map (runnable, two links astray)."""
    hinted = Round(s.scenario)
    hinted.edges = _hinted_map(s.scenario)
    editor = flow.go(s.app, hinted, "map")
    s.frames(2)
    return editor


def _map_tip_and_hints(s: Session) -> None:
    """A missed attempt's hints kept in the side panel, and a tip asked on top of them."""
    editor = _hinted_editor(s)
    editor.submit()
    editor.close_feedback()  # "Improve my map": the hints stay beside the board
    s.frames(3)
    s.save("map_hints_panel")
    _ask_first(editor)
    s.frames(3)
    s.save("map_tip")


def _map_marked(s: Session) -> None:
    """After the last attempt: the best map with the expert's missing and extra links marked."""
    editor = _hinted_editor(s)
    while not editor.attempts.finished:
        editor.submit()
        editor.close_feedback()
    s.frames(3)
    s.save("map_marked")


def _rules_tip(s: Session) -> None:
    rules = flow.go(s.app, s.done, "rules")
    if rules.name != "rules" or not s.scenario.rules:
        s.skip("rules_tip", "the scenario has no levers")
        return
    rules.wait_forecast()
    s.frames(15)  # past the fade-in
    _ask_first(rules)
    s.frames(3)
    s.save("rules_tip")


def _run_tip(s: Session) -> None:
    run = flow.go(s.app, s.done, "run")
    later = s.scenario.time.horizon * 2 / 3  # later than run_midday: the afternoon's bottleneck
    run.seek(later)
    while run.dialog is not None:  # a decision on the way: its default, as the day would take it
        run.decide(s.scenario.events[run.day.asking].decision.default)
        run.seek(later)
    _ask_first(run)
    s.frames(2)
    s.save("run_tip")
    run.stop_work()


ADVISOR_STATES = (_briefing_tip, _map_tip_and_hints, _map_marked, _rules_tip, _run_tip)

STATES = (_title, _select, _select_custom_broken, _briefing, _map_empty, _map_hints, _map_finished, _rules,
          _run_decision, _run_midday, _run_change, _results) + ADVISOR_STATES


def open_session(out_dir, size=(1920, 1080), log=print, scenario="customer_service.yaml") -> Session:
    """A headless app and a Session on the built-in `scenario` (a file name in the built-in folder, or a
    loaded scenario), saving into `out_dir`."""
    from engine.files import ensure_folder
    from engine.load import builtin_dir, load

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame starts: headless, silent
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    pygame.init()
    app = App(tuple(size), headless=True)
    app.settings.background_par = False
    if isinstance(scenario, str):
        paths = sorted(Path(builtin_dir()).glob("*.yaml"))
        scenario = load(next((p for p in paths if p.name == scenario), paths[0] if paths else None))
    return Session(app, ensure_folder(out_dir), tuple(size), log, scenario)


def take(out_dir, size=(1920, 1080), log=print, scenario="customer_service.yaml") -> list[tuple[str, str | None]]:
    """Write the screenshots of `scenario` (see `open_session`) into `out_dir`; returns (name, path or None
    when skipped) in order."""
    session = open_session(out_dir, size, log, scenario)
    for state in STATES:
        state(session)
    return session.shots


def main(out_dir, size=(1920, 1080)) -> int:
    from engine.files import WriteError

    try:
        take(out_dir, size)
    except WriteError as e:  # a folder or file that cannot be written: one line, exit 2
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # a command-line tool: say what failed, exit 1
        import traceback

        traceback.print_exc()
        print(f"screenshots failed: {e}", file=sys.stderr)
        return 1
    return 0
