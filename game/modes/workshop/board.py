"""The results board: the teams side by side on one scenario, each team's best round, KPIs and map.

For the scenario shown ("◀ Scenario" and "Scenario ▶" turn through those the workshop played), each
team's best round is a column, best team first and ranked by the rule written under the title
(game.modes.shared.rule_text: profit on the evaluation days, ties by stars, then by the map:
engine.scoring.rank_key): the profit in money with the stars, the map's own score out of 100, each
target met (✓) or missed (✗), every lever as the day began (in words with its unit, in blue when not the
default), what the day decided at each shock and the levers pulled later (game.data.played, the reader
the debrief shares), and the team's map as a thumbnail (game.ui.board.Board, laid out afresh) in the room
left. Four teams share a row; "More teams" pages through the
rest. A scenario whose file can no longer be found (game.data.exports.find_scenario) still shows its
rounds' scores and stars, without KPIs or maps.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.modes.shared import rule_text, store
from game.modes.workshop.playing import name_lines
from game.scenes import Screen, content_rect, primary_rect, secondary_rect
from game.ui import theme as T
from game.ui import words
from game.ui.charts import star
from game.ui.widgets import Button

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.workshop.mode import Workshop


ROW = 34  # px from one line of a team's column to the next (SIZE_SMALL and its leading)


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
        """Each team's best round on the scenario shown, best team first, by the board's rule."""
        best: dict[str, object] = {}
        for r in self.rounds:
            if r.scenario == self.scenario_id and (r.team not in best or r.rank_key < best[r.team].rank_key):
                best[r.team] = r
        return sorted(best.values(), key=lambda r: r.rank_key)

    def rule(self) -> str:
        sc = self.scenario()
        return rule_text(sc.run.replications if sc is not None else 10)

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
        self.app.stack.replace(self.workshop.teams_screen())

    def thumbnail(self, rec, size) -> pygame.Surface | None:
        key = (rec.id, size)
        if key not in self._thumbs:
            sc = self.scenario()
            if sc is None:
                return None
            from game.data.exports import round_map
            from game.ui.mapview import map_board

            pmap = round_map(sc, rec)
            edges = list(pmap.edges) if pmap is not None else list(sc.reference.edges)
            self._thumbs[key] = map_board(sc, edges, None, (0, 0, *size), grow=False).thumbnail(
                size, background=T.BG_LIGHT)
        return self._thumbs[key]

    def kpi_names(self) -> list[str]:
        """The KPIs under the profit: the scenario's targets (met or missed marked), those that apply to it
        (engine.kpis_applying, as the results sheet and the debrief ask)."""
        from engine.kpis_applying import applying

        sc = self.scenario()
        if sc is None:
            return []
        return applying(sc, words.shown(t.kpi for t in sc.objective.targets if t.kpi != "profit"))[:3]

    def draw(self, surface):
        sc = self.scenario()
        title = sc.title if sc is not None else (self.scenario_id or "")
        short = title.split(":")[0]
        self.header(surface, f"Results board: {short}" if short else "Results board",
                    self.rule() if title else "No rounds played yet.", right=self.workshop.name)
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

    def profit_text(self, rec) -> str:
        """The team's score in money as the board shows it ("1,696 USD"); "–" for a round kept before."""
        sc = self.scenario()
        if rec.profit is None:
            return "–"
        return words.value("profit", rec.profit, sc) if sc is not None else f"{rec.profit:,.0f}"

    def target_marks(self, rec) -> list[tuple[str, str, str, bool | None]]:
        """(KPI, label, value with ✓ or ✗, met) for each target the board shows of `rec`."""
        sc = self.scenario()
        if sc is None:
            return []
        targets = {t.kpi: t for t in sc.objective.targets}
        out = []
        for name in self.kpi_names():
            v, t = rec.kpis.get(name), targets.get(name)
            met = None if (t is None or v is None) else bool(t.met(v))
            mark = "" if met is None else ("✓ " if met else "✗ ")
            out.append((name, words.label(name, sc), mark + (words.value(name, v, sc) if v is not None else "-"), met))
        return out

    def choices(self, rec) -> tuple[list, list[str]]:
        """What `rec` chose (game.data.played): its levers (label, value, changed) as the day began, then
        the lines of what changed during it (the decisions at the shocks, the levers pulled later)."""
        sc = self.scenario()
        if sc is None:
            return [], []
        from game.data import played

        levers = [(st.label, st.value, st.changed) for st in played.settings(sc, rec.rules)]
        return levers, played.decisions(sc, rec.rules) + played.changes(sc, rec.rules)

    def draw_team(self, surface, box, rec, rank: int) -> None:
        first = rank == 1
        T.panel(surface, box, T.PANEL, radius=24, border=T.YELLOW if first else T.LINE, width=3 if first else 2)
        x, inner = box.left + 28, box.width - 56
        T.text(surface, f"#{rank}", (box.right - 28, box.top + 30), T.SIZE_LABEL, T.YELLOW if first else T.TEXT_DIM,
               "bold", anchor="topright")
        size, lines = name_lines(rec.team, inner - 80, T.SIZE_HEAD - 8)
        for i, line in enumerate(lines):  # one line, or two at the reading size for a long name
            T.text(surface, line, (x, box.top + 46 + (i - (len(lines) - 1) / 2) * 30), size, T.TEXT, "bold",
                   anchor="midleft")
        money = self.profit_text(rec)
        T.text(surface, money, (x, box.top + 110), T.fit(money, inner - 150, 60, "bold"), T.TEXT, "bold",
               anchor="midleft")
        for k in range(3):
            star(surface, (box.right - 28 - 18 - (2 - k) * 44, box.top + 110), 18, k < rec.stars)
        T.text(surface, f"Map {rec.map_score}/100  ·  round {rec.round}", (x, box.top + 150), T.SIZE_SMALL,
               T.TEXT_DIM)
        y = self.draw_rows(surface, x, inner, box.top + 196, [
            (label, shown, T.TEXT if met is None else (T.GOOD if met else T.WARN))
            for _, label, shown, met in self.target_marks(rec)])
        levers, lines = self.choices(rec)
        y = self.draw_rows(surface, x, inner, y, [(label, value, T.ACCENT if changed else T.TEXT)
                                                 for label, value, changed in levers])
        y = self.draw_lines(surface, x, inner, y, lines)
        th = pygame.Rect(x, y + 14, inner, box.bottom - 24 - (y + 14))
        img = self.thumbnail(rec, th.size) if th.height > 90 else None
        if img is not None:
            surface.blit(img, th)
            pygame.draw.rect(surface, T.LINE, th, 2, border_radius=8)

    @staticmethod
    def draw_rows(surface, x: int, inner: int, y: int, rows) -> int:
        """(label, value, colour) rows under a divider: the label dim on the left, the value on the right,
        on one line when both fit, else the label (wrapped) over the value; the y below them."""
        if not rows:
            return y
        pygame.draw.line(surface, T.LINE, (x, y), (x + inner, y), 2)
        y += 10
        for label, value, colour in rows:
            vw = T.font(T.SIZE_SMALL, "bold").size(value)[0]
            if T.font(T.SIZE_SMALL).size(label)[0] + vw + 16 > inner:
                for line in T.wrap(label, inner, T.SIZE_SMALL):
                    T.text(surface, line, (x, y), T.SIZE_SMALL, T.TEXT_DIM)
                    y += ROW
            else:
                T.text(surface, label, (x, y), T.SIZE_SMALL, T.TEXT_DIM)
            T.text(surface, value, (x + inner, y), T.SIZE_SMALL, colour, "bold", anchor="topright")
            y += ROW
        return y + 6

    @staticmethod
    def draw_lines(surface, x: int, inner: int, y: int, lines: list[str]) -> int:
        """What changed during the day, a wrapped line each, under a divider; the y below them."""
        if not lines:
            return y
        pygame.draw.line(surface, T.LINE, (x, y), (x + inner, y), 2)
        y += 10
        for said in lines:
            for line in T.wrap(said, inner, T.SIZE_SMALL):
                T.text(surface, line, (x, y), T.SIZE_SMALL, T.TEXT)
                y += ROW
        return y + 6
