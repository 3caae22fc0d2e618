"""Workshop mode (`python main.py --facilitator [--scenarios DIR]`): teams take turns on one machine.

- Custom scenarios come from `--scenarios` folders and are listed beside the built-in ones on scenario
  select; a file that does not load is a card with its LINE:COL problems (game.scenes.select does both).
  The folders are polled: a file added, removed or changed on disk reloads the list where it is shown.
- The workshop screen lists the named teams and whose turn it is; "Play" starts that team's round at
  scenario select. Its results are recorded for the team (game.data.store) as soon as they are tallied, and
  "Next team" hands the machine to the next one.
- The results board compares the teams side by side on one scenario: headline, stars, KPIs, and each
  team's map as a thumbnail (game.ui.board.Board).
- The workshop screen stands in the title's place and the team's results in the flow's (the flow builds
  them: `app.settings.screens`, game.core.settings), so Back from scenario select, or the crash guard,
  lands on the teams.
- Export writes `results.csv` of every round of the workshop (game.data.exports) and a debrief per team (PNG and
  PDF, game.data.report) into `exports/WORKSHOP/` in the data folder.
"""
from __future__ import annotations

from pathlib import Path

import pygame

from game.play import flow
from game.ui import words
from game.ui import theme as T
from game.ui.charts import star
from game.ui.keyboard import Keyboard, TextField, typing_input
from game.modes.shared import Layer, draw_notice, log_path, save_failed, store
from game.scenes import MARGIN, Screen, content_rect, primary_rect, secondary_rect
from game.scenes.results import ResultsScene
from game.data.store import SaveError
from game.ui.widgets import Button, pointer, primary

POLL_SECONDS = 1.0
DEBRIEF_DEADLINE = 600.0  # wall seconds the debriefs may take before the screen stops waiting for them


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
        app.settings.screens["title"] = lambda app_, rnd, **ways: WorkshopScene(app_, self)
        app.settings.screens["results"] = lambda app_, rnd, **ways: WorkshopResults(app_, rnd, self, **ways)
        teams = self.teams()
        self.current = teams[0] if teams else None

    # --- teams ---------------------------------------------------------------------------------
    def teams(self) -> list[str]:
        return [t.name for t in store(self.app).teams(self.name)]

    def add_team(self, name: str) -> str:
        team = store(self.app).add_team(name, self.name).name
        if self.current is None:
            self.current = team
        return team

    def next_team(self) -> None:
        teams = self.teams()
        if teams:
            i = teams.index(self.current) if self.current in teams else -1
            self.current = teams[(i + 1) % len(teams)]

    def record(self, rnd) -> object | None:
        """Keep the current team's round (once) when its results are tallied."""
        o = rnd.outcome
        if o is None or self.current is None or rnd.recorded is not None or rnd.save_failed:
            return None
        g = o.grade
        try:
            rec = store(self.app).add_round(
                self.current, rnd.scenario.id, g.headline, g.stars, g.map_score, rules=rnd.rules,
                edges=rnd.edges, kpis=o.kpis, seed=o.result.seed, workshop=self.name,
                scenario_path=rnd.scenario.path, baseline=g.baseline, par=g.par,
                baseline_kpis=o.baseline.means(), par_kpis=o.par_run.means())
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
        """`results.csv` of every round of this workshop (game.data.exports)."""
        from game.data.exports import export_results
        from game.modes.shared import storage_problem

        if storage_problem(self.app):  # nothing was kept: an empty sheet would only mislead
            raise SaveError(f"no database, so no rounds to export ({storage_problem(self.app)})")
        path = self.export_folder(folder) / "results.csv"
        export_results(store(self.app), path, workshop=self.name)
        return path

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
        if getattr(top, "name", "") == "select":
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
        top = self.app.stack.top
        if self.current and getattr(top, "round", None) is not None and getattr(top, "name", "") in (
                "briefing", "rules", "results"):
            label = f"Playing: {self.current}"
            size = T.SIZE_SMALL
            w = T.font(size, "semibold").size(label)[0] + 40
            r = pygame.Rect(T.W - MARGIN - w, 96, w, 40)
            T.panel(surface, r, T.BG_LIGHT, radius=20, border=T.PURPLE)
            T.text(surface, label, r.center, size, T.TEXT, "semibold", anchor="center")


class WorkshopResults(ResultsScene):
    """The results, kept for the team that played, with "Next team" as the way on."""

    def __init__(self, app, rnd, workshop: Workshop, **ways):
        super().__init__(app, rnd, **ways)  # the flow's ways on: "Try again" is its retry
        self.workshop = workshop
        self.buttons = [Button(primary_rect(), "Next team  ▶", self.next_team, kind="primary", enabled=False),
                        Button(secondary_rect(0), "Try again", self.retry),
                        Button(secondary_rect(1), "Teams", self.to_workshop, kind="quiet"), self.view_button]

    def tick(self, dt):
        super().tick(dt)
        if self.ready:
            self.workshop.record(self.round)
        self.buttons[0].enabled = self.ready

    def next_team(self) -> None:
        self.workshop.next_team()
        self.to_workshop()

    def draw(self, surface):
        super().draw(surface)
        if self.round.save_failed:
            draw_notice(surface, self.round.save_failed)

    def next(self) -> None:
        self.next_team()

    def to_workshop(self) -> None:
        self.app.stack.reset(WorkshopScene(self.app, self.workshop))

    def on_back(self) -> None:
        self.to_workshop()


class WorkshopScene(Screen):
    """The teams, whose turn it is, and the ways to the board and the export."""

    name = "workshop"

    def __init__(self, app, workshop: Workshop):
        super().__init__(app)
        self.workshop = workshop
        from game.modes.shared import storage_problem

        problem = storage_problem(app)  # started on a data folder it cannot use: say so from the start
        self.message = f"Nothing can be saved: {problem}" if problem else ""
        self.job = None  # the debriefs being written
        self.teams = store(app).teams(workshop.name)
        self.play_button = Button(primary_rect(), "Play  ▶", self.play, kind="primary")
        self.buttons = [self.play_button,
                        Button(secondary_rect(0), "Add a team", self.add_team),
                        Button(secondary_rect(1), "Results board", self.board),
                        Button(secondary_rect(2), "Export", self.export, kind="quiet")]
        self._sync()

    def _sync(self) -> None:
        self.teams = store(self.app).teams(self.workshop.name)
        cur = self.workshop.current
        self.play_button.enabled = cur is not None
        self.play_button.label = f"Play: {cur}  ▶" if cur else "Play  ▶"

    def team_rects(self) -> list[tuple[object, pygame.Rect]]:
        teams = self.teams
        area = content_rect()
        cols, w, h, gap = 3, (area.width - 2 * 32) // 3, 150, 32
        return [(t, pygame.Rect(area.left + (i % cols) * (w + gap), area.top + 90 + (i // cols) * (h + gap), w, h))
                for i, t in enumerate(teams[:9])]

    def play(self) -> None:
        if self.workshop.current:
            flow.select(self.app)

    def add_team(self) -> None:
        self.app.stack.push(TeamNameScene(self.app, self.workshop))

    def board(self) -> None:
        self.app.stack.replace(TeamBoardScene(self.app, self.workshop))

    def export(self) -> None:
        """results.csv now; the teams' debriefs (PNG and PDF) in the background."""
        from game.core.jobs import Job

        try:
            path = self.workshop.export()
        except Exception as e:  # a folder we cannot write: say so
            self.message = f"Could not export: {e}"
            return
        self.message = f"Saved {path}; writing the debriefs…"
        if self.job is None and any(t.rounds for t in self.teams):
            self.job = Job(self.workshop.debriefs, name="debriefs", deadline=DEBRIEF_DEADLINE)

    def tick(self, dt):
        if self.job is not None and self.job.done:
            job, self.job = self.job, None
            folder = self.workshop.export_folder()
            if job.timed_out:
                self.message = f"The debriefs took far too long, so we stopped waiting; results.csv is in {folder}"
            else:
                self.message = (f"Could not write the debriefs: {job.error}" if job.error else
                                f"Saved results.csv and {len(job.result)} debrief files in {folder}")

    def enter(self) -> None:
        self._sync()

    def on_back(self) -> None:
        pass  # the workshop screen is home: Esc does not close the facilitator's game

    def handle(self, event) -> bool:
        pos = pointer(event)
        if pos is None or event.type != pygame.MOUSEBUTTONUP or not primary(event):
            return False
        for team, r in self.team_rects():
            if r.collidepoint(pos):
                self.workshop.current = team.name
                self._sync()
                return True
        return False

    def draw(self, surface):
        teams = self.team_rects()
        self.header(surface, "Workshop", "Teams take turns: pick whose turn it is, then Play.",
                    right=f"{len(teams)} team{'s' if len(teams) != 1 else ''}  ·  {self.workshop.name}")
        area = content_rect()
        custom = sum(1 for _ in self.workshop.files)
        note = (f"{custom} custom scenario file{'s' if custom != 1 else ''} from "
                + ", ".join(str(d) for d in self.workshop.dirs)) if self.workshop.dirs else \
            "Built-in scenarios (add your own with --scenarios DIR)"
        T.text(surface, T.ellipsize(note, area.width, T.SIZE_BODY), (area.left, area.top + 24), T.SIZE_BODY,
               T.TEXT_DIM)
        if not teams:
            T.text(surface, "No teams yet: tap \"Add a team\" to name the first one.", (T.W // 2, T.H // 2),
                   T.SIZE_HEAD - 8, T.TEXT, "semibold", anchor="center")
        for team, r in teams:
            cur = team.name == self.workshop.current
            T.panel(surface, r, T.PANEL_HI if cur else T.PANEL, radius=22, border=T.ACCENT if cur else T.LINE,
                    width=4 if cur else 2)
            T.text(surface, T.ellipsize(team.name, r.width - 60, T.SIZE_HEAD - 8, "bold"), (r.left + 30, r.top + 26),
                   T.SIZE_HEAD - 8, T.TEXT, "bold")
            played = f"{team.rounds} round{'s' if team.rounds != 1 else ''}"
            best = f"best {team.best:,}" if team.best is not None else "no score yet"
            T.text(surface, f"{played}  ·  {best}", (r.left + 30, r.bottom - 30), T.SIZE_SMALL, T.TEXT_DIM,
                   anchor="midleft")
            if cur:
                T.text(surface, "NEXT UP", (r.right - 30, r.bottom - 30), T.SIZE_SMALL, T.ACCENT, "semibold",
                       anchor="midright")
        if self.message:
            T.text(surface, T.ellipsize(self.message, T.W - 2 * MARGIN, T.SIZE_SMALL),
                   (MARGIN, primary_rect().top - 40),
                   T.SIZE_SMALL, T.GOOD if self.message.startswith("Saved") else T.WARN, anchor="midleft")
        self.draw_buttons(surface)


class TeamNameScene(Screen):
    """A team's name, typed on the on-screen keyboard (or the laptop's)."""

    name = "team_name"

    def __init__(self, app, workshop: Workshop):
        super().__init__(app)
        self.workshop = workshop
        self.field = TextField((MARGIN + 200, 260, T.W - 2 * MARGIN - 400, 90), "Team name", 40,
                               lambda s: bool(s.strip()), "Blue team")
        self.field.focused = True
        self.keyboard = Keyboard(pygame.Rect(MARGIN + 60, 410, T.W - 2 * MARGIN - 120, 500), "text",
                                 on_char=self.type, on_back=self.back, on_enter=self.add, enter_label="Add")
        self.message = ""
        self.buttons = [Button(primary_rect(), "Add team  ▶", self.add, kind="primary"),
                        Button(secondary_rect(0), "Cancel", self.on_back, kind="quiet")]

    def _caps(self) -> None:
        """Capitals where words start, as a phone keyboard does."""
        self.keyboard.upper = not self.field.text or self.field.text.endswith((" ", "-"))

    def type(self, ch: str) -> None:
        self.field.type(ch)
        self._caps()

    def back(self) -> None:
        self.field.back()
        self._caps()

    def add(self) -> None:
        name = self.field.text.strip()
        if not name:
            self.message = "A team needs a name."
            return
        try:
            self.workshop.current = self.workshop.add_team(name)
        except SaveError as e:  # a full disk, no database: said and logged
            self.message = save_failed(self.app, e, "the team", "facilitator")
            return
        except ValueError as e:  # the store's own check
            self.message = str(e)
            return
        self.app.stack.pop()

    def on_back(self) -> None:
        self.app.stack.pop()

    def update(self, dt, events):
        self.age += dt
        typing_input(self, events)

    def draw(self, surface):
        self.header(surface, "Add a team", "A name everyone in the room will recognise.")
        self.field.draw(surface, self.age)
        self.keyboard.draw(surface)
        if self.message:
            room = primary_rect().left - secondary_rect(1).right - 48
            T.text(surface, T.ellipsize(self.message, room, T.SIZE_BODY, "semibold"), (T.W // 2, primary_rect().centery),
                   T.SIZE_BODY, T.WARN, "semibold", anchor="center")
        self.draw_buttons(surface)


class TeamBoardScene(Screen):
    """The teams side by side on one scenario: each team's best round, its KPIs and its map."""

    name = "teamboard"
    PER_PAGE = 4

    def __init__(self, app, workshop: Workshop, scenario_id: str | None = None):
        super().__init__(app)
        self.workshop = workshop
        self.rounds = store(app).rounds(workshop=workshop.name)
        self.scenario_ids = list(dict.fromkeys(r.scenario for r in reversed(self.rounds)))
        self.scenario_id = scenario_id or (self.scenario_ids[0] if self.scenario_ids else None)
        self.page = 0
        self._scenarios: dict[str, object] = {}
        self._thumbs: dict[tuple, pygame.Surface] = {}
        self.buttons = [Button(primary_rect(), "Back to teams  ▶", self.on_back, kind="primary"),
                        Button(secondary_rect(0), "◀ Scenario", lambda: self.turn_scenario(-1), kind="quiet"),
                        Button(secondary_rect(1), "Scenario ▶", lambda: self.turn_scenario(1), kind="quiet"),
                        Button(secondary_rect(2), "More teams", self.turn_page, kind="quiet")]
        self._sync()

    def _sync(self) -> None:
        self.buttons[1].enabled = self.buttons[2].enabled = len(self.scenario_ids) > 1
        self.buttons[3].enabled = len(self.best_rounds()) > self.PER_PAGE

    def scenario(self):
        sid = self.scenario_id
        if sid not in self._scenarios:
            from game.data.exports import ExportError, find_scenario

            path = next((r.scenario_path for r in self.rounds if r.scenario == sid and r.scenario_path), None)
            try:
                self._scenarios[sid] = find_scenario(sid, path, self.workshop.dirs)
            except ExportError:
                self._scenarios[sid] = None
        return self._scenarios[sid]

    def best_rounds(self) -> list:
        """Each team's best round on the scenario shown, best team first."""
        best: dict[str, object] = {}
        for r in self.rounds:
            if r.scenario == self.scenario_id and (r.team not in best or r.score > best[r.team].score):
                best[r.team] = r
        return sorted(best.values(), key=lambda r: -r.score)

    def turn_scenario(self, by: int) -> None:
        if self.scenario_ids:
            i = self.scenario_ids.index(self.scenario_id)
            self.scenario_id = self.scenario_ids[(i + by) % len(self.scenario_ids)]
            self.page = 0
            self._sync()

    def turn_page(self) -> None:
        pages = max(1, -(-len(self.best_rounds()) // self.PER_PAGE))
        self.page = (self.page + 1) % pages

    def on_back(self) -> None:
        self.app.stack.replace(WorkshopScene(self.app, self.workshop))

    def thumbnail(self, rec, size) -> pygame.Surface | None:
        key = (rec.id, size)
        if key not in self._thumbs:
            sc = self.scenario()
            if sc is None:
                return None
            from game.ui.board import Board
            from game.data.exports import round_map
            from game.ui.layout import auto_layout

            pmap = round_map(sc, rec)
            edges = list(pmap.edges) if pmap is not None else list(sc.reference.edges)
            layout = auto_layout(sc, edges, None, pygame.Rect(0, 0, 1600, 860))
            self._thumbs[key] = Board(sc, edges, layout).thumbnail(size, background=T.BG_LIGHT)
        return self._thumbs[key]

    def kpi_names(self) -> list[str]:
        sc = self.scenario()
        if sc is None:
            return ["profit"]
        return (["profit"] + [t.kpi for t in sc.objective.targets if t.kpi not in ("score", "profit")])[:3]

    def draw(self, surface):
        sc = self.scenario()
        title = sc.title if sc is not None else (self.scenario_id or "")
        self.header(surface, "Results board", T.ellipsize(title, 1300, T.SIZE_BODY) if title else
                    "No rounds played yet.", right=self.workshop.name)
        rows = self.best_rounds()
        area = content_rect()
        if not rows:
            T.text(surface, "When a team finishes a round, it appears here beside the others.",
                   (T.W // 2, T.H // 2), T.SIZE_HEAD - 8, T.TEXT_DIM, "semibold", anchor="center")
            self.draw_buttons(surface)
            return
        shown = rows[self.page * self.PER_PAGE:(self.page + 1) * self.PER_PAGE]
        gap = 28
        cols = max(3, len(shown))  # two teams stay a readable width, centred; four share the row
        w = (area.width - gap * (cols - 1)) // cols
        x0 = area.centerx - (len(shown) * w + (len(shown) - 1) * gap) // 2
        for i, rec in enumerate(shown):
            box = pygame.Rect(x0 + i * (w + gap), area.top + 10, w, area.height - 30)
            self.draw_team(surface, box, rec, self.page * self.PER_PAGE + i + 1)
        self.draw_buttons(surface)

    def draw_team(self, surface, box, rec, rank: int) -> None:
        sc = self.scenario()
        first = rank == 1
        T.panel(surface, box, T.PANEL, radius=24, border=T.YELLOW if first else T.LINE, width=3 if first else 2)
        x, inner = box.left + 28, box.width - 56
        T.text(surface, f"#{rank}", (box.right - 28, box.top + 30), T.SIZE_LABEL, T.YELLOW if first else T.TEXT_DIM,
               "bold", anchor="topright")
        T.text(surface, T.ellipsize(rec.team, inner - 80, T.SIZE_HEAD - 8, "bold"), (x, box.top + 26),
               T.SIZE_HEAD - 8, T.TEXT, "bold")
        r = T.text(surface, f"{rec.score:,}", (x, box.top + 86), 76, T.TEXT, "bold")
        T.text(surface, "/ 1,000", (r.right + 10, r.bottom - 14), T.SIZE_SMALL, T.TEXT_DIM, "semibold",
               anchor="bottomleft")
        for k in range(3):
            star(surface, (x + 24 + k * 56, box.top + 212), 22, k < rec.stars)
        from engine.scoring import MAP_POINTS

        points = round(rec.map_score * MAP_POINTS / 100)  # as the results screen counts it
        T.text(surface, f"Map {points} of {MAP_POINTS}  ·  round {rec.round}", (x, box.top + 250), T.SIZE_SMALL,
               T.TEXT_DIM)
        y = box.top + 300
        pygame.draw.line(surface, T.LINE, (x, y - 10), (box.right - 28, y - 10), 2)
        for name in self.kpi_names():
            v = rec.kpis.get(name)
            shown = words.value(name, v, sc) if (sc is not None and v is not None) else "-"
            label = words.label(name, sc) if sc is not None else name
            T.text(surface, T.ellipsize(label, inner - 170, T.SIZE_SMALL), (x, y + 18), T.SIZE_SMALL, T.TEXT_DIM,
                   anchor="midleft")
            T.text(surface, shown, (box.right - 28, y + 18), T.SIZE_BODY, T.TEXT, "bold", anchor="midright")
            y += 44
        th = pygame.Rect(x, y + 14, inner, box.bottom - 24 - (y + 14))
        img = self.thumbnail(rec, th.size) if th.height > 60 else None
        if img is not None:
            surface.blit(img, th)
            pygame.draw.rect(surface, T.LINE, th, 2, border_radius=8)


def install(app, scenario_dirs=(), workshop: str | None = None) -> Workshop:
    """Make `app` a workshop machine: its layer, a crash guard back to the workshop screen, and that screen."""
    from game.core.guard import CrashGuard

    ws = Workshop(app, scenario_dirs, workshop)
    app.mode = "facilitator"
    app.layers.append(ws)
    CrashGuard(app, lambda: flow.title(app), log_path(app))
    flow.title(app)  # the workshop screen, in the title's place
    return ws
