"""The lever panel: the scenario's rules as sliders and choices, changed mid-day over the paused day, with
the rest-of-day forecast of the change against keeping the rules as they are.

"Change the rules" opens it over the veiled screen (the scene pauses the day while it is open and
resumes as it was when it closes). Moving a lever does not change the day yet: it makes a pending change
(`changes()`: rule id -> new value, only the levers that differ from the rules in force), and the scene
forecasts it (`engine.optimize.rest_of_day`, options "keep" and "change", game.play.outlook) while the
panel shows both outcomes side by side. The change is made when the panel closes: "Change from 10:30"
(or Enter) hands the whole pending change to `on_close(changes)`, which the day takes at the moment the
panel names, as one change however far and often the sliders moved; "Keep the rules" (or Esc) closes
with no change (`on_close({})`).

Why on closing rather than as a slider is let go: the forecast takes a few seconds, and a change made on
release would already be in force before the player saw what it does; a drag that wanders across four
values is then one change with one banner, and trying a value costs nothing.

The panel is as tall as its levers: a slider takes less room than a row of choices; the forecast stands
to their right.
"""
from __future__ import annotations

from typing import Callable

import pygame

from game.play.outlook import profit_of
from game.scenes.run.decision import charge_of, telling_charge
from game.scenes.run.regions import BOARD_RECT
from game.ui import theme as T
from game.ui import words
from game.ui.levers import lever_widget
from game.ui.veil import veil
from game.ui.widgets import Button

LEVERS_W = 820  # the levers' column; the forecast's is what is left of the panel
PANEL_W = 1440


class LeverPanel:
    """A widget per rule of `scenario`, set to `rules` (the values in force), the forecast, the ways back."""

    def __init__(self, scenario, rules: dict, on_close: Callable[[dict], None],
                 on_pending: Callable[[dict], None] | None = None):
        self.scenario = scenario
        self.on_close = on_close
        self.on_pending = on_pending or (lambda changes: None)
        self.rules = dict(rules)
        self.pending: dict = {}
        self.widgets: list = []
        box = self.rect()
        y = box.top + 144
        x, w = box.left + 36, LEVERS_W - 72
        for rule in scenario.rules:
            value = rules.get(rule.id, rule.default)
            h = 104 if rule.kind == "slider" else 118
            wd = lever_widget(rule, pygame.Rect(x, y, w, h), value, lambda v, rid=rule.id: self._pend(rid, v))
            y += h + 12 if rule.kind == "slider" else h + 14
            wd.rule = rule
            self.widgets.append(wd)
        self.b_close = Button((box.right - 36 - 420, box.bottom - 100, 420, 76), "Back to the day", self.close,
                              kind="primary")
        self.b_keep = Button((box.right - 36 - 420 - 24 - 380, box.bottom - 100, 380, 76), "Keep the rules",
                             self.keep, kind="quiet")

    def rect(self) -> pygame.Rect:
        n_sliders = sum(1 for r in self.scenario.rules if r.kind == "slider")
        h = 144 + 116 * n_sliders + 132 * (len(self.scenario.rules) - n_sliders) + 130
        h = min(T.H - 40, max(h, 620))
        return pygame.Rect(BOARD_RECT.centerx - PANEL_W // 2, (T.H - h) // 2, PANEL_W, h)

    # ---- the pending change ----
    def open(self, rules: dict) -> None:
        """Show the rules in force now, nothing pending."""
        self.rules = dict(rules)
        self.pending = {}
        for w in self.widgets:
            self._show(w, self.rules.get(w.rule.id, w.rule.default))

    @staticmethod
    def _show(widget, value) -> None:
        """Set a widget's value without calling back (it shows the rules, it does not change them)."""
        if hasattr(widget, "index"):
            widget.index = widget._nearest(value)
        else:
            widget.value = value

    def _pend(self, rule_id: str, value) -> None:
        self.pending[rule_id] = value
        self.on_pending(self.changes())

    def changes(self) -> dict:
        """The levers moved away from the rules in force: rule id -> new value."""
        return {rid: v for rid, v in self.pending.items() if v != self.rules.get(rid)}

    def close(self) -> None:
        self.on_close(self.changes())

    def keep(self) -> None:
        self.open(self.rules)
        self.on_close({})

    def handle(self, event) -> None:
        """An event while the panel is open: the ways back, Esc (keep) or Enter (change), else a lever."""
        if self.b_close.handle(event) or self.b_keep.handle(event):
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.keep()
            return
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.close()
            return
        for w in self.widgets:
            if w.handle(event):
                break

    # ---- drawing ----
    def draw(self, surface, clock: str, outlooks: dict | None = None, working: str | None = None,
             until: str = "the end of the day") -> None:
        """The panel over the veiled screen; `clock` is the moment a change holds from; `outlooks` the
        forecasts so far ("keep", "change" -> Outlook or None); `working` a line while there are none."""
        veil(surface)
        box = self.rect()
        T.panel(surface, box, T.BG_LIGHT, radius=22, border=T.LINE, width=3)
        T.text(surface, "Change the rules", (box.left + 36, box.top + 24), T.SIZE_HEAD, T.TEXT, "bold")
        span = words.horizon_noun(self.scenario)
        T.text(surface, f"A change holds from {clock} on. The {span} waits while you choose.",
               (box.left + 36, box.top + 84), T.SIZE_SMALL, T.TEXT_DIM)
        for w in self.widgets:
            w.draw(surface)
        pending = self.changes()
        self.b_close.label = f"Change from {clock}" if pending else "Back to the day"
        self.b_keep.enabled = bool(pending)
        self.b_close.draw(surface)
        if pending:
            self.b_keep.draw(surface)
        self._draw_forecast(surface, pygame.Rect(box.left + LEVERS_W, box.top + 144, box.width - LEVERS_W - 36,
                                                 box.height - 144 - 124), pending, outlooks or {}, working, until)

    def _draw_forecast(self, surface, r: pygame.Rect, pending: dict, outlooks: dict, working, until: str) -> None:
        T.panel(surface, r, T.PANEL, radius=16, border=T.LINE)
        x, w = r.left + 28, r.width - 56
        title = f"By {until}"
        T.text(surface, title[:1].upper() + title[1:], (x, r.top + 20), T.SIZE_BODY, T.TEXT, "semibold")
        if not pending:
            T.paragraph(surface, f"Move a lever to see what the change would do by {until}.",
                        pygame.Rect(x, r.top + 70, w, 120), T.SIZE_SMALL, T.TEXT_DIM)
            return
        keep, change = outlooks.get("keep"), outlooks.get("change")
        if keep is None or change is None:
            T.paragraph(surface, working or "Working out what the change would do…",
                        pygame.Rect(x, r.top + 70, w, 120), T.SIZE_SMALL, T.TEXT_DIM)
            return
        cur = self.scenario.currency
        charge = telling_charge({"keep": keep, "change": change})
        y = r.top + 70
        for title, o in (("Keep the rules as they are", keep), ("With this change", change)):
            T.text(surface, title, (x, y), T.SIZE_SMALL, T.TEXT_DIM)
            T.text(surface, f"{profit_of(o):,.0f} {cur}", (x, y + 30), T.SIZE_HEAD, T.TEXT, "bold")
            if charge is not None:
                T.text(surface, T.ellipsize(f"{charge}: {charge_of(o, charge):,.0f} {cur}", w, T.SIZE_SMALL),
                       (x, y + 92), T.SIZE_SMALL, T.TEXT_DIM)
            y += 140
        gap = profit_of(change) - profit_of(keep)
        tone = T.GOOD if gap > 0.5 else (T.BAD if gap < -0.5 else T.TEXT_DIM)
        T.text(surface, f"{'+' if gap >= 0 else '−'}{abs(gap):,.0f} {cur} with the change", (x, y), T.SIZE_BODY,
               tone, "semibold")
