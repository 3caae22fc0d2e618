"""`python -m game.tools.modeshots DIR [WxH]`: a PNG of every screen of the kiosk, workshop and demo modes.

Each state is reached through the modes' own actions, headless, with a throw-away data folder, and saved
at the size asked for (the logical surface scaled like a window), to be looked at. `STATES` lists them in
order, one small function each, sharing one `Session`.
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
from game.modes.shared import store
from game.play import flow
from game.ui import theme as T

DT = 1 / 30


@dataclass
class Session:
    """One run of the modes' screenshots: the app of the mode being shot, where the PNGs go, what was saved,
    and what a state leaves for the next (the kiosk, its visitor's round, the workshop)."""

    out: Path
    size: tuple[int, int]
    log: Callable[[Any], None]
    folder: Path  # a throw-away data folder, a sub-folder per mode
    scenario: Any  # customer service
    app: Any = None
    kiosk: Any = None
    round: Any = None
    workshop: Any = None
    saved: list[str] = field(default_factory=list)

    def fresh(self, sub: str):
        """A new headless app for a mode, keeping its data in its own sub-folder."""
        self.app = App(T.LOGICAL_SIZE, headless=True)
        self.app.data_dir = self.folder / sub
        return self.app

    def frames(self, seconds: float = 0.0, events=()) -> None:
        self.app.step(DT, list(events))
        for _ in range(int(seconds / DT)):
            self.app.step(DT, [])

    def save(self, name: str) -> None:
        path = self.out / f"{len(self.saved) + 1:02d}_{name}.png"
        self.app.screenshot(path, tuple(self.size))
        self.saved.append(str(path))
        self.log(path)


def tap(pos) -> list:
    return [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)]


# --- kiosk -------------------------------------------------------------------------------------------------


def _kiosk_attract(s: Session) -> None:
    from game.modes.kiosk.mode import KioskOptions, install

    app = s.fresh("kiosk")
    s.kiosk = install(app, KioskOptions(attract_pace=0.2))
    app.settings.background_par = False
    st = store(app)
    # profits on the evaluation days, in money; GRC and ALN tie on profit and stars: the map breaks the tie
    for ini, profit, stars, map_score in (("ADA", 4105.0, 3, 100), ("GRC", 3390.5, 2, 100), ("ALN", 3390.5, 2, 88),
                                          ("KAT", 2410.0, 1, 94), ("LIN", 1852.0, 0, 100)):
        st.add_score(ini, s.scenario.id, profit, stars, map_score)
    st.add_score("OLD", s.scenario.id, 4320.0, 3, 100, day="2026-01-15")
    s.frames(2.0)
    s.save("kiosk_attract_title")
    s.frames(6.0)
    s.save("kiosk_attract_playing")


def _kiosk_attract_boards(s: Session) -> None:
    """Between two attract rounds: the leaderboard behind "Tap to play"."""
    app, k = s.app, s.kiosk
    if getattr(app.stack.top, "round", None) is None:
        flow.start(app, s.scenario)
    k.attract_boards()
    s.frames(0.5)
    s.save("kiosk_attract_boards")


def _kiosk_round(s: Session) -> None:
    """A visitor's round, its timer on every screen with the time for the phase on screen, to the time
    running out before the day ("Time's up"), then the day in the time left."""
    app, k, sc = s.app, s.kiosk, s.scenario
    s.frames(0.1, tap((600, 600)))
    s.frames(0.5)
    s.save("kiosk_select")
    s.round = rnd = flow.start(app, sc)
    s.frames(1.0)
    s.save("kiosk_briefing_timer")
    flow.go(app, rnd, "map")
    k.elapsed = k.budget.briefing + 3.0
    s.frames(0.5)
    s.save("kiosk_map_timer")
    start = list(rnd.edges)
    rnd.edges = list(sc.reference.edges)
    flow.go(app, rnd, "rules")
    k.elapsed = k.budget.deadline("map") + 4.0
    s.frames(0.5)
    s.save("kiosk_rules_timer")
    rnd.edges, rnd.layout = start, {}
    flow.go(app, rnd, "map")
    k.elapsed = k.budget.before_run - 7.6  # over the map's own time: the time until the day starts
    s.frames(0.2)
    s.save("kiosk_map_timer_late")
    s.frames(7.6)
    s.frames(0.5)
    s.save("kiosk_times_up")
    s.frames(3.0)
    run = app.stack.top
    run.seek(sc.time.horizon / 2)
    s.frames(0.2)
    s.save("kiosk_run_timer")
    k.countdown = 7.4
    s.frames(0.0)
    s.save("kiosk_still_there")
    k.countdown = None
    run.skip()
    for _ in range(3000):
        if app.stack.top.name == "results":
            break
        s.frames(0.1)


def _kiosk_results(s: Session) -> None:
    s.frames(0.1)
    s.app.stack.top.wait(300)
    s.frames(4.0)
    s.save("kiosk_results")


def _kiosk_initials(s: Session) -> None:
    from game.modes.kiosk.mode import InitialsScene

    ini = s.app.stack.replace(InitialsScene(s.app, s.round, s.kiosk))
    for letters, name in (("JO", "kiosk_initials"), ("FUK", "kiosk_initials_denied")):
        ini.initials = ""
        for ch in letters:
            ini.type(ch)
        s.frames(0.1)
        s.save(name)
    ini.initials = ""
    for ch in "JOE":
        ini.type(ch)
    ini.save()
    s.frames(0.1)
    s.save("kiosk_boards")


def _kiosk_lead(s: Session) -> None:
    from game.modes.kiosk.mode import LeadScene

    lead = s.app.stack.replace(LeadScene(s.app, s.round, s.kiosk, mine="JOE"))
    for i, text in enumerate(("Joe Bloggs", "Acme Logistics", "joe.bloggs@acme")):
        lead.set_focus(i)
        for ch in text:
            lead.type(ch)
    s.frames(0.1)
    s.save("kiosk_lead_typing")
    for ch in ".com":
        lead.type(ch)
    lead.toggle_consent()
    s.frames(0.1)
    s.save("kiosk_lead_consent")
    lead.send()
    s.frames(0.1)
    s.save("kiosk_boards_after_lead")
    store(s.app).close()


# --- workshop ----------------------------------------------------------------------------------------------


def _workshop_teams(s: Session) -> None:
    """A workshop on a folder of custom scenarios (one broken), its first team named on the keyboard."""
    from engine.load import builtin_dir

    from game.modes.workshop.mode import install
    from game.modes.workshop.team_name import TeamNameScene
    from game.tools.screenshots import BROKEN_EXAMPLE

    custom = s.folder / "custom"
    custom.mkdir()
    (custom / "my_calls.yaml").write_text((builtin_dir() / "customer_service.yaml").read_text()
                                          .replace("id: customer-service", "id: my-calls", 1)
                                          .replace("title: Customer service", "title: Our own call centre", 1))
    (custom / "broken_example.yaml").write_text(BROKEN_EXAMPLE)
    app = s.fresh("workshop")
    s.workshop = ws = install(app, [custom], workshop="Ops academy, 23 Nov")
    app.settings.background_par = False
    s.frames(0.2)
    s.save("workshop_empty")
    app.stack.push(TeamNameScene(app, ws))
    for ch in "Night shift":
        app.stack.top.type(ch)
    s.frames(0.1)
    s.save("workshop_team_name")
    app.stack.top.add()
    for name in ("Blue team", "The Optimists"):
        ws.add_team(name)


def _workshop_results(s: Session) -> None:
    """A round for each team (the expert map, a staffing lever set differently), then the teams."""
    from game.modes.demo.mode import expert_round

    ws, sc = s.workshop, s.scenario
    slider = next(r for r in sc.rules if r.kind == "slider")
    for team, level in (("Night shift", 0), ("Blue team", 4), ("The Optimists", -1)):
        ws.current = team
        r = expert_round(sc)
        r.rules[slider.id] = slider.values()[level]
        top = flow.go(s.app, r, "results")
        s.frames(0.1)
        top.wait(300)
        s.frames(1.5)  # the profit counted up, the stars in
    s.save("workshop_results")
    ws.current = "Blue team"
    top.to_workshop()
    s.frames(0.2)
    s.save("workshop_teams")


def _workshop_turn(s: Session) -> None:
    """One team's turn, each screen naming the team playing: scenario select, briefing, map, rules, run."""
    ws = s.workshop
    ws.current = "The Optimists"
    sel = flow.select(s.app)
    s.frames(0.2)
    s.save("workshop_turn_select")
    del sel
    from game.modes.demo.mode import expert_round

    rnd = expert_round(s.scenario)  # the expert's map, so the day runs
    for phase in ("briefing", "map", "rules", "run"):
        screen = flow.go(s.app, rnd, phase)
        if phase == "run":  # mid-morning, before the day's shock
            screen.seek(s.scenario.time.horizon * 0.3)
        s.frames(0.3)
        s.save(f"workshop_turn_{phase}")
    ws.current = "Blue team"
    flow.title(s.app)
    s.frames(0.1)


def _fourth_team(s: Session) -> None:
    """A fourth team with a long name whose day took a decision at the storm and pulled a lever later (its
    round stored as a played day keeps them, game.play.decisions.record_rules), copying the best map."""
    sc, st = s.scenario, store(s.app)
    best = min(st.rounds(workshop=s.workshop.name), key=lambda r: r.rank_key)
    storm = next(i for i, e in enumerate(sc.events) if e.decision is not None)
    at = sc.events[storm].at
    chosen = sc.events[storm].decision.choices[0].id
    slider = next(r for r in sc.rules if r.kind == "slider")
    rules = {**best.rules, "_played": [[at, "decide", [storm, chosen]], [at + 60, "rules", {slider.id: slider.max}]],
             "_decisions": [[at, storm, chosen, {chosen: best.profit or 0.0}]]}
    name = "Operations Excellence Squad North"
    s.workshop.add_team(name)
    st.add_round(name, sc.id, (best.profit or 0.0) - 120.0, stars=best.stars, map_score=best.map_score,
                 rules=rules, edges=best.edges, kpis=best.kpis, seed=best.seed, workshop=s.workshop.name,
                 scenario_path=sc.path)


def _workshop_select_and_board(s: Session) -> None:
    from game.modes.workshop.board import TeamBoardScene

    sel = flow.select(s.app)
    broken = next((i for i, e in enumerate(sel.entries) if e.scenario is None), 0)
    sel.move(broken - sel.focus)
    s.frames(0.1)
    s.save("workshop_select_custom")
    s.app.stack.replace(TeamBoardScene(s.app, s.workshop))
    s.frames(0.2)
    s.save("workshop_board")
    _fourth_team(s)
    s.app.stack.replace(TeamBoardScene(s.app, s.workshop))
    s.frames(0.2)
    s.save("workshop_board_four")
    s.workshop.current = "Operations Excellence Squad North"
    flow.title(s.app)
    s.frames(0.2)
    s.save("workshop_teams_four")
    flow.select(s.app)
    s.frames(0.2)
    s.save("workshop_select_long_name")
    store(s.app).close()


# --- demo --------------------------------------------------------------------------------------------------


def _demo(s: Session) -> None:
    from game.modes.demo.mode import WhatIfScene, expert_round, install

    app = s.fresh("demo")
    d = install(app)
    app.settings.background_par = False
    s.frames(0.2)
    s.save("demo_select")
    d.help = True
    s.frames(0.0)
    s.save("demo_shortcuts")
    d.help = False
    what_if = app.stack.replace(WhatIfScene(app, expert_round(s.scenario)))
    s.frames(0.1)
    s.save("demo_whatif_running")
    what_if.wait(120)
    s.frames(0.1)
    s.save("demo_whatif")
    lever = next(r for r in s.scenario.rules if r.kind == "slider")  # a lever moved: the numbers go stale
    what_if.set_rule(lever.id, lever.values()[0])
    s.frames(0.0)
    s.save("demo_whatif_stale")
    what_if.wait(120)
    s.frames(0.1)
    s.save("demo_whatif_rerun")


STATES = (_kiosk_attract, _kiosk_attract_boards, _kiosk_round, _kiosk_results, _kiosk_initials, _kiosk_lead, _workshop_teams,
          _workshop_results, _workshop_turn, _workshop_select_and_board, _demo)


def take(out_dir, size=(1920, 1080), log=print) -> list[str]:
    from engine.load import builtin_dir, load

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame starts: headless, silent
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    pygame.init()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(out, tuple(size), log, Path(tmp), load(builtin_dir() / "customer_service.yaml"))
        for state in STATES:
            state(session)
    return session.saved


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    size = tuple(int(x) for x in argv[1].split("x")) if len(argv) > 1 else (1920, 1080)
    take(argv[0] if argv else "shots-modes", size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
