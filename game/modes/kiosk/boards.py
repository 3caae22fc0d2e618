"""The boards: today's best rounds at the stand and the all-time best, side by side, in money.

Both boards rank by the rule written under their title (game.modes.shared.rule_text): "Ranked by profit on the 10
evaluation days; ties: stars, then map" (the store orders by it: engine.scoring.rank_key). The visitor's
own entry (their initials with their profit, once) is highlighted on a board that holds it; each row has
the rank, the initials, the stars, the map's score (or, when the boards hold several scenarios, the
scenario's short name: `scenario_name`) and the profit in the scenario's currency (`profit_text`; a row kept before the score was money shows none). "Leave my details" goes to the lead form (greyed, "Details saved ✓", once a lead was kept this
round); "Done" (or Esc) hands the stand to the next visitor. Between the attract loop's rounds (`attract`) the
same boards show for a few seconds with nobody's entry and no buttons, above the kiosk's "Tap to play" band.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.modes.shared import rule_text, store
from game.scenes import Screen, content_rect, primary_rect, secondary_rect
from game.ui import theme as T
from game.ui.charts import star
from game.ui.widgets import Button

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.kiosk.mode import Kiosk


def grade_of(rnd):
    """The round's grade (profit, stars, map score), None before its outcome is tallied."""
    return None if rnd.outcome is None else rnd.outcome.grade


class BoardsScene(Screen):
    """Today's board and the all-time board, the visitor's entry highlighted."""

    name = "boards"

    def __init__(self, app, rnd, kiosk: "Kiosk", mine: str | None = None, attract: bool = False):
        super().__init__(app)
        self.round = rnd
        self.kiosk = kiosk
        self.mine = mine
        self.attract = attract  # between the attract loop's rounds: nobody's entry, no buttons
        g = None if attract else grade_of(rnd)
        self.my_profit = g.score if g else None
        self.rule = rule_text(rnd.scenario.run.replications)
        st = store(app)
        self.today = st.top_today(n=8)
        self.all_time = st.top_all_time(n=8)
        self.one_scenario = len({e.scenario for e in self.today + self.all_time}) <= 1
        self.lead_saved = rnd.lead_saved
        self.lead_button = Button(secondary_rect(0), "Leave my details", self.lead, enabled=not self.lead_saved)
        if self.lead_saved:
            self.lead_button.label = "Details saved ✓"
        self.buttons = [Button(primary_rect(), "Done  ▶", self.done, kind="primary"), self.lead_button]
        if attract:
            self.buttons = []  # the kiosk's "Tap to play" band covers the foot of the screen

    def lead(self) -> None:
        self.kiosk.show_lead(self.round, mine=self.mine)

    def done(self) -> None:
        self.kiosk.finish()

    def on_back(self) -> None:
        self.done()

    def draw(self, surface):
        mine = profit_text(self.my_profit, self.round.scenario.id) if self.my_profit is not None else ""
        self.header(surface, "Leaderboard", self.rule, right=f"You: {mine}" if mine else "")
        area = content_rect()
        w = (area.width - 48) // 2
        h = (T.H - 236 - area.top) if self.attract else area.height - 40  # above the attract band
        self.draw_board(surface, pygame.Rect(area.left, area.top + 10, w, h), "Today", self.today)
        self.draw_board(surface, pygame.Rect(area.left + w + 48, area.top + 10, w, h), "All time", self.all_time)
        self.draw_buttons(surface)

    def draw_board(self, surface, box, title: str, rows) -> None:
        T.panel(surface, box, T.PANEL, radius=24)
        if self.one_scenario and rows:
            title = f"{title}  ·  {scenario_name(rows[0].scenario)}"
        T.text(surface, T.ellipsize(title, box.width - 72, T.SIZE_HEAD - 8, "bold"), (box.left + 36, box.top + 26),
               T.SIZE_HEAD - 8, T.TEXT, "bold")
        if not rows:
            T.text(surface, "No scores yet. Yours could be the first.", (box.left + 36, box.top + 110), T.SIZE_BODY,
                   T.TEXT_DIM)
            return
        marked = False
        y = box.top + 96
        row_h = min(78, (box.bottom - 20 - y) // max(1, len(rows)))
        for i, s in enumerate(rows):
            r = pygame.Rect(box.left + 20, y, box.width - 40, row_h - 8)
            mine = (not marked and self.mine is not None and s.initials == self.mine and s.profit is not None
                    and self.my_profit is not None and abs(s.profit - self.my_profit) < 0.005)
            marked = marked or mine
            if mine:
                T.panel(surface, r, T.BLUE, radius=14, border=T.SKY, width=3)
            elif i % 2 == 0:
                T.panel(surface, r, T.BG_LIGHT, radius=14)
            cy = r.centery
            T.text(surface, f"{i + 1}", (r.left + 48, cy), T.SIZE_LABEL, T.ACCENT if i < 3 else T.TEXT_DIM, "bold",
                   anchor="center")
            T.text(surface, s.initials, (r.left + 100, cy), T.SIZE_HEAD - 8, T.TEXT, "bold", anchor="midleft")
            for k in range(3):
                star(surface, (r.left + 250 + k * 40, cy), 15, k < s.stars)
            money = profit_text(s.profit, s.scenario)
            size = T.fit(money, 250, T.SIZE_LABEL + 4, "bold", smallest=T.SIZE_SMALL)
            drawn = T.text(surface, money, (r.right - 24, cy), size, T.TEXT, "bold", anchor="midright")
            # one scenario on the boards (its name is in the title): the map's score, the last tie-break
            name = f"map {s.map_score}/100" if self.one_scenario else scenario_name(s.scenario)
            T.text(surface, T.ellipsize(name, max(0, drawn.left - 24 - (r.left + 390)), T.SIZE_SMALL),
                   (r.left + 390, cy), T.SIZE_SMALL, T.TEXT if mine else T.TEXT_DIM, anchor="midleft")
            y += row_h


_names: dict[str, tuple[str, str]] = {}  # scenario id -> (short name, currency)


def _known(scenario_id: str) -> tuple[str, str] | None:
    if not _names:
        try:
            from game.play.catalogue import catalogue

            for e in catalogue():
                if e.scenario is not None:
                    _names[e.scenario.id] = (e.scenario.title.split(":")[0], e.scenario.currency)
        except Exception:
            pass
    return _names.get(scenario_id)


def scenario_name(scenario_id: str) -> str:
    """A short name for a scenario id on the board ("Customer service" for customer-service)."""
    known = _known(scenario_id)
    return known[0] if known else scenario_id.replace("-", " ").capitalize()


def profit_text(profit: float | None, scenario_id: str) -> str:
    """A board's profit in the scenario's currency ("1,696 USD"); "–" for a row kept before it was money."""
    if profit is None:
        return "–"
    known = _known(scenario_id)
    return f"{profit:,.0f} {known[1] if known else ''}".rstrip()
