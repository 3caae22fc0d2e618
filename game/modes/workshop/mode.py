"""The workshop's layer: its teams and turns, the rounds kept for them, the exports, the scenario folders.

`Workshop` is a `Layer` (game.modes.shared) above the screens. It keeps the workshop's name (by default
the date) and whose turn it is (`turn`: fewest rounds played, then the order the teams joined, so a team
added mid-rotation waits its turn); the teams and their rounds live in the store (game.data.store). It gives
the flow two builders (`app.settings.screens`): the teams screen (game.modes.workshop.teams) in the
title's place, so Back from scenario select and the crash guard land there, and the team's results
(game.modes.workshop.results) in the results' place. Each frame it looks at the scenario folders once a
second (`poll`): a file added, removed or changed reloads scenario select where it is shown, the focus
kept. Over every screen of a turn (scenario select, briefing, map, rules, run, results) it names the team
playing (game.modes.workshop.playing).

`install(app, scenario_dirs, workshop)` makes `app` a workshop machine: the layer, a crash guard back to
the teams screen, and that screen.
"""
from __future__ import annotations

from pathlib import Path

from game.data.store import SaveError
from game.modes.shared import Layer, log_path, save_failed, store
from game.modes.workshop.playing import draw_playing
from game.modes.workshop.results import WorkshopResults
from game.modes.workshop.teams import WorkshopScene
from game.play import flow
from game.play.decisions import record_rules
from game.scenes.select import SelectScene

POLL_SECONDS = 1.0


def file_name(text: str) -> str:
    """A folder name from a workshop's name that keeps its letters in every script ("Ops academy, 23 Nov"
    -> "ops-academy-23-nov", "Семинар" -> "семинар"): game.data.report.file_slug."""
    from game.data.report import file_slug

    return file_slug(text, "workshop")


def folder_state(dirs) -> dict[str, float]:
    """Path -> modification time of every scenario file in `dirs` (a file added or removed shows too)."""
    out = {}
    for d in dirs:
        for p in sorted(Path(d).glob("*.y*ml")):
            try:
                out[str(p)] = p.stat().st_mtime_ns
            except OSError:
                pass
    return out


class Workshop(Layer):
    """The workshop's teams and turns, and its watch over the scenario folders."""

    def __init__(self, app, scenario_dirs=(), name: str | None = None):
        self.app = app
        self.dirs = [Path(d) for d in scenario_dirs]
        from game.data.store import today

        self.name = name or today().isoformat()  # the store's own default: the UTC date
        self.current: str | None = None  # the team whose turn it is
        self.files = folder_state(self.dirs)
        self.since_poll = 0.0
        self.reloads = 0
        app.settings.scenario_dirs = self.dirs
        app.settings.screens["title"] = lambda app_, rnd, **ways: self.teams_screen()
        app.settings.screens["results"] = lambda app_, rnd, **ways: WorkshopResults(app_, rnd, self, **ways)
        self.current = self.turn()

    def teams_screen(self) -> WorkshopScene:
        """The workshop's home: the teams and whose turn it is."""
        return WorkshopScene(self.app, self)

    # --- teams ---------------------------------------------------------------------------------
    def teams(self) -> list[str]:
        return [t.name for t in store(self.app).teams(self.name)]

    def add_team(self, name: str) -> str:
        """Keep a new team (in the store); it joins the queue at its end, never ahead of a team waiting."""
        team = store(self.app).add_team(name, self.name).name
        if self.current is None:
            self.current = team
        return team

    def turn(self, after: str | None = None) -> str | None:
        """The team whose turn it is: the one that has played fewest rounds, the first to join among
        equals, so a team that joins late plays once the teams ahead of it in this rotation have; `after`
        (the team that just played) is passed over while another team can play."""
        teams = store(self.app).teams(self.name)
        waiting = [(t.rounds, i, t.name) for i, t in enumerate(teams) if t.name != after]
        waiting = waiting or [(t.rounds, i, t.name) for i, t in enumerate(teams)]
        return min(waiting)[2] if waiting else None

    def next_team(self) -> None:
        """Hand the machine to the team whose turn it is now that the current one has played."""
        self.current = self.turn(after=self.current)

    def record(self, rnd) -> object | None:
        """Keep the current team's round (once) when its results are tallied."""
        o = rnd.outcome
        if o is None or self.current is None or rnd.recorded is not None or rnd.save_failed:
            return None
        g = o.grade
        try:
            rec = store(self.app).add_round(
                self.current, rnd.scenario.id, g.score, g.stars, g.map_score, rules=record_rules(rnd),
                edges=rnd.edges, kpis=o.kpis, seed=o.result.seed, workshop=self.name,
                scenario_path=rnd.scenario.path, baseline=g.baseline, par=g.par,
                baseline_kpis=o.baseline_kpis, par_kpis=o.par_kpis)
        except SaveError as e:  # a full disk, no database: said on the results screen and logged, once
            rnd.save_failed = save_failed(self.app, e, f"the round of {self.current}", "facilitator")
            return None
        rnd.recorded = rec
        return rec

    def export_folder(self, folder: Path | None = None) -> Path:
        from game.modes.shared import data_dir

        from engine.files import ensure_folder

        return ensure_folder(folder or data_dir(self.app) / "exports" / file_name(self.name))

    def export(self, folder: Path | None = None) -> Path:
        """`results.csv` of every round of this workshop (game.data.exports), and each team's best map as
        BPMN beside it (`export_maps`)."""
        from game.data.exports import export_results
        from game.modes.shared import storage_problem

        if storage_problem(self.app):  # nothing was kept: an empty sheet would only mislead
            raise SaveError(f"no database, so no rounds to export ({storage_problem(self.app)})")
        path = self.export_folder(folder) / "results.csv"
        export_results(store(self.app), path, workshop=self.name, folders=self.dirs)
        self.export_maps(path.parent)
        return path

    def export_maps(self, folder: Path) -> list[Path]:
        """Each team's best round's map as BPMN 2.0 with its diagram (for bpmn.io or Camunda Modeler, for
        the debrief's discussion), `map-TEAM-SCENARIO.bpmn` beside results.csv. A round whose scenario
        can no longer be found has no map file; the others are written."""
        from engine.bpmn.export import bpmn_xml
        from engine.files import write_text
        from game.data.exports import ExportError, find_scenario, round_map
        from game.play.bpmn_diagram import diagram_of

        best: dict[str, object] = {}
        for r in store(self.app).rounds(workshop=self.name):
            if r.team not in best or r.rank_key < best[r.team].rank_key:
                best[r.team] = r
        written = []
        for team, r in best.items():
            try:
                scenario = find_scenario(r.scenario, r.scenario_path, self.dirs)
            except ExportError:
                continue
            pmap = round_map(scenario, r)
            edges = list(pmap.edges if pmap is not None else scenario.reference.edges)
            path = folder / f"map-{file_name(team)}-{file_name(scenario.id)}.bpmn"
            write_text(path, bpmn_xml(scenario, edges, diagram_of(scenario, edges)))
            written.append(path)
        return written

    def debriefs(self, folder: Path | None = None) -> list[Path]:
        """A debrief per team, PNG and PDF (game.data.report, matplotlib): slow, so a Job runs it, on a
        connection of its own (a SQLite connection is not shared between threads here)."""
        from game.data.report import write_debriefs
        from game.data.store import Store

        out = self.export_folder(folder)
        with Store.open(store(self.app).path) as own:
            return write_debriefs(own, out, workshop=self.name, folders=self.dirs)

    # --- the scenario folders ------------------------------------------------------------------
    def poll(self) -> bool:
        """Whether a scenario file changed since the last look; the list on screen is reloaded if so."""
        now = folder_state(self.dirs)
        if now == self.files:
            return False
        self.files = now
        self.reloads += 1
        top = self.app.stack.top
        if isinstance(top, SelectScene):
            focus = top.focus
            fresh = flow.select(self.app)
            if fresh.entries:
                fresh.move(min(focus, len(fresh.entries) - 1) - fresh.focus)
        return True

    # --- each frame ----------------------------------------------------------------------------
    def filter(self, dt, events):
        self.since_poll += dt
        if self.since_poll >= POLL_SECONDS:
            self.since_poll = 0.0
            self.poll()
        return events

    def draw(self, surface):
        """Over each screen of a turn, the team playing (game.modes.workshop.playing)."""
        top = self.app.stack.top
        if self.current and top is not None:
            draw_playing(surface, self.current, top.name)


def install(app, scenario_dirs=(), workshop: str | None = None) -> Workshop:
    """Make `app` a workshop machine: its layer, a crash guard back to the workshop screen, and that screen."""
    from game.core.guard import CrashGuard

    ws = Workshop(app, scenario_dirs, workshop)
    app.mode = "facilitator"
    app.layers.append(ws)
    CrashGuard(app, lambda: flow.title(app), log_path(app))
    flow.title(app)  # the workshop screen, in the title's place
    return ws
