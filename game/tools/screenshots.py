"""`python main.py screenshots DIR [--size WxH]`: one PNG of every screen and state worth looking at.

Each state is reached the way a player reaches it (through `game.play.flow` and the screens' own actions),
drawn headless and saved at the size asked for (the logical 1920x1080 surface, scaled like a window).
A screen that does not exist yet in this build is skipped with a note instead of failing the rest.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

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


def take(out_dir, size=(1920, 1080), replications: int = 3, log=print) -> list[tuple[str, str | None]]:
    """Write the screenshots into `out_dir`; returns (name, path or None when skipped) in order."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from engine.load import builtin_dir, load

    from game.play import flow
    from game.core.app import App
    from game.play.round import Round

    from engine.files import ensure_folder

    pygame.init()
    out = ensure_folder(out_dir)
    app = App(tuple(size), headless=True)
    opts = flow.options(app)
    opts.replications = replications
    opts.background_par = False
    shots: list[tuple[str, str | None]] = []

    def save(name: str, note: str = "") -> None:
        path = out / f"{sum(1 for _, p in shots if p) + 1:02d}_{name}.png"
        app.screenshot(path, tuple(size))
        shots.append((name, str(path)))
        log(f"{path}{('  ' + note) if note else ''}")

    def skip(name: str, why: str) -> None:
        shots.append((name, None))
        log(f"skipped {name}: {why}")

    paths = sorted(Path(builtin_dir()).glob("*.yaml"))
    main_path = next((p for p in paths if p.name == "customer_service.yaml"), paths[0] if paths else None)
    scenario = load(main_path)

    flow.title(app)
    _frames(app, 90)
    save("title")

    flow.select(app)
    _frames(app, 15)  # past the fade-in
    save("select")

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "broken_example.yaml").write_text(BROKEN_EXAMPLE)
        opts.scenario_dirs = [Path(tmp)]
        flow.select(app)
        top = app.stack.top
        broken = next((i for i, e in enumerate(getattr(top, "entries", [])) if e.scenario is None), None)
        if broken is not None:
            top.move(broken - top.focus)  # its page, the broken card in focus
        _frames(app, 15)
        save("select_custom_broken")
        opts.scenario_dirs = []

    rnd = flow.start(app, scenario)
    top = app.stack.top
    if getattr(top, "name", "") == "briefing":
        for _ in range(min(2, max(0, len(top.lines) - 1)) * 2):
            top.advance()
        _frames(app, 50)  # part of the line typed, as a player sees it
        save("briefing")
    else:
        skip("briefing", "the scenario has no briefing")

    flow.go(app, rnd, "map")
    editor = app.stack.top
    real_editor = type(editor).__name__ == "MapEditorScene"
    _frames(app, 15)
    save("map_empty", "" if real_editor else "(the map editor is missing: its stand-in)")

    if real_editor:
        hinted = Round(scenario)
        hinted.edges = _hinted_map(scenario)
        flow.go(app, hinted, "map")
        ed = app.stack.top
        _frames(app, 2)
        if hasattr(ed, "submit"):
            ed.submit()
        _frames(app, 5)
        save("map_hints")

    done = Round(scenario)
    done.edges = list(scenario.reference.edges)
    flow.go(app, done, "map")
    ed = app.stack.top
    _frames(app, 2)
    if real_editor and hasattr(ed, "submit"):
        ed.submit()  # a perfect map: its score panel
        _frames(app, 5)
        save("map_finished")
        if hasattr(ed, "finish"):
            ed.finish()
    else:
        _frames(app, 15)
        save("map_finished", "(stand-in)")
        ed.use_reference()
    if done.extra.get("phase") != "rules":
        flow.go(app, done, "rules")
    rules = app.stack.top
    if scenario.rules:
        first = scenario.rules[0]
        if first.kind == "slider":
            vals = first.values()
            rules.set_rule(first.id, vals[min(len(vals) - 1, vals.index(first.default) + 2)])
        rules.wait_forecast()
    _frames(app, 15)
    save("rules")

    run_cls = flow.scene_class("run")
    if run_cls is None:
        skip("run_midday", "the run screen (game/scenes/run.py) is not in this build yet")
    else:
        flow.go(app, done, "run")
        run = app.stack.top
        midday = scenario.time.horizon / 2
        if hasattr(run, "seek"):
            run.seek(midday)
        else:
            if hasattr(run, "set_speed"):
                run.set_speed(60)  # 1x shows a day in 90 s: get to midday quickly
            for _ in range(FPS * 600):
                _frames(app, 1)
                day = getattr(run, "day", None) or done.day
                if day is None or getattr(day, "now", 0) >= midday or app.stack.top is not run:
                    break
            if hasattr(run, "set_speed"):
                run.set_speed(1)
        _frames(app, 2)
        save("run_midday")

    flow.go(app, done, "results")
    res = app.stack.top
    _frames(app, 20)
    save("results_tallying")
    res.wait()
    _frames(app, 90)  # the headline counted up, the stars in
    save("results")
    if hasattr(res, "toggle_view"):
        res.toggle_view()
        _frames(app, 3)
        save("results_map")
    return shots


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
