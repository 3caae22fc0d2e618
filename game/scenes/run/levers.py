"""The lever panel: the scenario's rules as sliders and choices, pulled mid-day over the paused day.

"Change the rules" opens it over the veiled screen (the scene pauses the day while it is open and
resumes as it was when it closes); a change takes effect at the moment on the day's clock the panel
names, through the `on_change(rule_id, value)` it was given (the scene hands it to the engine's Day).
"Back to the day", Esc or Enter call `on_close()`. The panel is as tall as its levers: a slider takes
less room than a row of choices.
"""
from __future__ import annotations

from typing import Callable

import pygame

from game.scenes.run.regions import BOARD_RECT
from game.ui import theme as T
from game.ui.levers import lever_widget
from game.ui.veil import veil
from game.ui.widgets import Button


class LeverPanel:
    """A widget per rule of `scenario`, set to `rules` (the round's values), and the way back."""

    def __init__(self, scenario, rules: dict, on_change: Callable[[str, object], None],
                 on_close: Callable[[], None]):
        self.scenario = scenario
        self.on_close = on_close
        self.widgets: list = []
        box = self.rect()
        y = box.top + 144
        x, w = box.left + 36, box.width - 72
        for rule in scenario.rules:
            value = rules.get(rule.id, rule.default)
            h = 104 if rule.kind == "slider" else 118
            wd = lever_widget(rule, pygame.Rect(x, y, w, h), value, lambda v, rid=rule.id: on_change(rid, v))
            y += h + 12 if rule.kind == "slider" else h + 14
            wd.rule = rule
            self.widgets.append(wd)
        self.b_close = Button((box.right - 36 - 360, box.bottom - 100, 360, 76), "Back to the day", on_close,
                              kind="primary")

    def rect(self) -> pygame.Rect:
        n_sliders = sum(1 for r in self.scenario.rules if r.kind == "slider")
        h = 144 + 116 * n_sliders + 132 * (len(self.scenario.rules) - n_sliders) + 130
        h = min(T.H - 40, h)
        return pygame.Rect(BOARD_RECT.centerx - 440, (T.H - h) // 2, 880, h)

    def handle(self, event) -> None:
        """An event while the panel is open: the way back, Esc or Enter, else the first lever that takes it."""
        if self.b_close.handle(event):
            return
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_RETURN):
            self.on_close()
            return
        for w in self.widgets:
            if w.handle(event):
                break

    def draw(self, surface, clock: str) -> None:
        """The panel over the veiled screen; `clock` is the moment a change holds from."""
        veil(surface)
        box = self.rect()
        T.panel(surface, box, T.BG_LIGHT, radius=22, border=T.LINE, width=3)
        T.text(surface, "Change the rules", (box.left + 36, box.top + 24), T.SIZE_HEAD, T.TEXT, "bold")
        T.text(surface, f"A change holds from {clock} on. The day waits while you choose.",
               (box.left + 36, box.top + 84), T.SIZE_SMALL, T.TEXT_DIM)
        for w in self.widgets:
            w.draw(surface)
        self.b_close.draw(surface)
