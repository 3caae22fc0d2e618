"""`python -m game.tools.modeshots DIR [WxH]`: a PNG of every screen of the kiosk, workshop and demo modes.

Each state is reached through the modes' own actions, headless, with a throw-away data folder, and saved
at the size asked for (the logical surface scaled like a window), to be looked at.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DT = 1 / 30


def take(out_dir, size=(1920, 1080), log=print) -> list[str]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from engine.load import builtin_dir, load

    from game.play import flow
    from game.core.app import App

    pygame.init()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[str] = []
    tmp = tempfile.TemporaryDirectory()
    sc = load(builtin_dir() / "customer_service.yaml")

    def frames(app, seconds=0.0, events=()):
        app.step(DT, list(events))
        for _ in range(int(seconds / DT)):
            app.step(DT, [])

    def save(app, name):
        path = out / f"{len(saved) + 1:02d}_{name}.png"
        app.screenshot(path, tuple(size))
        saved.append(str(path))
        log(path)

    def tap(pos):
        return [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)]

    def fresh(sub):
        app = App(T_SIZE, headless=True)
        app.data_dir = Path(tmp.name) / sub
        return app

    from game.ui import theme as T

    T_SIZE = T.LOGICAL_SIZE

    # --- kiosk ---------------------------------------------------------------------------------------
    from game.modes.kiosk.mode import InitialsScene, KioskOptions, LeadScene, install
    from game.modes.shared import store

    app = fresh("kiosk")
    k = install(app, KioskOptions(attract_replications=2, replications=3, attract_pace=0.2))
    flow.options(app).background_par = False
    st = store(app)
    for ini, score, stars in (("ADA", 861, 3), ("GRC", 774, 2), ("ALN", 702, 2), ("KAT", 655, 1), ("LIN", 590, 1)):
        st.add_score(ini, sc.id, score, stars)
    st.add_score("OLD", sc.id, 905, 3, day="2026-01-15")
    frames(app, 2.0)
    save(app, "kiosk_attract_title")
    frames(app, 6.0)
    save(app, "kiosk_attract_playing")
    frames(app, 0.1, tap((600, 600)))
    frames(app, 0.5)
    save(app, "kiosk_select_timer")
    rnd = flow.start(app, sc)
    frames(app, 1.0)
    save(app, "kiosk_briefing_timer")
    flow.go(app, rnd, "map")
    frames(app, 0.5)
    save(app, "kiosk_map_timer")
    k.left = 24.0
    rnd.edges = list(sc.reference.edges)
    flow.go(app, rnd, "run")
    run = app.stack.top
    if hasattr(run, "seek"):
        run.seek(sc.time.horizon / 2)
    frames(app, 0.2)
    save(app, "kiosk_run_timer_low")
    k.countdown = 7.4
    frames(app, 0.0)
    save(app, "kiosk_still_there")
    k.countdown = None
    k.left = 0.05
    frames(app, 0.2)
    save(app, "kiosk_times_up")
    res = app.stack.top
    frames(app, 0.1)
    res = app.stack.top
    if hasattr(res, "wait"):
        res.wait(120)
    frames(app, 4.0)
    save(app, "kiosk_results")
    ini = app.stack.replace(InitialsScene(app, rnd, k))
    for ch in "JO":
        ini.type(ch)
    frames(app, 0.1)
    save(app, "kiosk_initials")
    ini.initials = ""
    for ch in "FUK":
        ini.type(ch)
    frames(app, 0.1)
    save(app, "kiosk_initials_denied")
    ini.initials = ""
    for ch in "JOE":
        ini.type(ch)
    ini.save()
    frames(app, 0.1)
    save(app, "kiosk_boards")
    lead = app.stack.replace(LeadScene(app, rnd, k, mine="JOE"))
    for i, text in enumerate(("Joe Bloggs", "Acme Logistics", "joe.bloggs@acme")):
        lead.set_focus(i)
        for ch in text:
            lead.type(ch)
    frames(app, 0.1)
    save(app, "kiosk_lead_typing")
    for ch in ".com":
        lead.type(ch)
    lead.toggle_consent()
    frames(app, 0.1)
    save(app, "kiosk_lead_consent")
    lead.send()
    frames(app, 0.1)
    save(app, "kiosk_boards_after_lead")
    st.close()

    # --- workshop ------------------------------------------------------------------------------------
    from game.modes.workshop.mode import TeamBoardScene, TeamNameScene
    from game.modes.workshop.mode import install as workshop

    custom = Path(tmp.name) / "custom"
    custom.mkdir()
    (custom / "my_calls.yaml").write_text((builtin_dir() / "customer_service.yaml").read_text()
                                          .replace("id: customer-service", "id: my-calls", 1)
                                          .replace("title: Customer service", "title: Our own call centre", 1))
    from game.tools.screenshots import BROKEN_EXAMPLE

    (custom / "broken_example.yaml").write_text(BROKEN_EXAMPLE)
    app = fresh("workshop")
    ws = workshop(app, [custom], workshop="Ops academy, 23 Nov")
    opts = flow.options(app)
    opts.replications, opts.background_par = 3, False
    frames(app, 0.2)
    save(app, "workshop_empty")
    app.stack.push(TeamNameScene(app, ws))
    for ch in "Night shift":
        app.stack.top.type(ch)
    frames(app, 0.1)
    save(app, "workshop_team_name")
    app.stack.top.add()
    for name in ("Blue team", "The Optimists"):
        ws.add_team(name)
    ws.current = "Night shift"
    slider = next(r for r in sc.rules if r.kind == "slider")
    from game.modes.demo.mode import expert_round

    for team, level in (("Night shift", 0), ("Blue team", 4), ("The Optimists", -1)):
        ws.current = team
        r = expert_round(sc)
        if team == "The Optimists":
            r.edges = [e for e in r.edges][:-1] + [r.edges[-1]]
        r.rules[slider.id] = slider.values()[level]
        flow.go(app, r, "results")
        frames(app, 0.1)
        top = app.stack.top
        top.wait(120)
        frames(app, 0.2)
    save(app, "workshop_results")
    ws.current = "Blue team"
    top.to_workshop()
    frames(app, 0.2)
    save(app, "workshop_teams")
    flow.select(app)
    sel = app.stack.top
    broken = next((i for i, e in enumerate(sel.entries) if e.scenario is None), 0)
    sel.move(broken - sel.focus)
    frames(app, 0.1)
    save(app, "workshop_select_custom")
    app.stack.replace(TeamBoardScene(app, ws))
    frames(app, 0.2)
    save(app, "workshop_board")
    store(app).close()

    # --- demo ----------------------------------------------------------------------------------------
    from game.modes.demo.mode import WhatIfScene
    from game.modes.demo.mode import install as demo

    app = fresh("demo")
    d = demo(app)
    flow.options(app).replications, flow.options(app).background_par = 4, False
    frames(app, 0.2)
    save(app, "demo_select")
    d.help = True
    frames(app, 0.0)
    save(app, "demo_shortcuts")
    d.help = False
    w = app.stack.replace(WhatIfScene(app, expert_round(sc)))
    frames(app, 0.1)
    save(app, "demo_whatif_running")
    w.wait(120)
    frames(app, 0.1)
    save(app, "demo_whatif")
    tmp.cleanup()
    return saved


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    size = tuple(int(x) for x in argv[1].split("x")) if len(argv) > 1 else (1920, 1080)
    take(argv[0] if argv else "shots-modes", size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
