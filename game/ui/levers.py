"""A lever of a scenario as a widget: a slider for a number (its value at the end of its track, so a long
label never runs into it), a row of options for a choice (names on two lines rather than cut off). The
rules screen, the run screen's lever panel and the demo's what-if screen all use these."""
from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.widgets import Choice, Slider
from game.ui.words import option_name  # the levers' option names, said once in game.ui.words

VALUE_W = 170  # room for a slider's value, at the right end of its track


def lever_widget(rule, box: pygame.Rect, value, on_change):
    """The widget of one lever: a slider for a number, a row of options for a choice."""
    if rule.kind == "slider":
        return LeverSlider(box, rule.values(), value, rule.label, rule.unit, on_change=on_change)
    return LeverChoice(box, list(rule.values()), value, rule.label, on_change=on_change,
                       names={o: option_name(o) for o in rule.values()})


class LeverSlider(Slider):
    """A slider whose value sits at the end of its track, so a long label never runs into it."""

    @property
    def track(self) -> pygame.Rect:
        return pygame.Rect(self.rect.left + 20, self.rect.bottom - 44, self.rect.width - 40 - VALUE_W, 10)

    def draw(self, surface: pygame.Surface) -> None:
        size = T.fit(self.label, self.rect.width, T.SIZE_BODY, "semibold")
        T.text(surface, T.ellipsize(self.label, self.rect.width, size, "semibold"), self.rect.topleft, size, T.TEXT,
               "semibold")
        shown = f"{self.fmt(self.value)} {self.unit}".strip()
        vsize = T.fit(shown, VALUE_W - 24, T.SIZE_LABEL, "bold")
        T.text(surface, shown, (self.rect.right, self.track.centery), vsize, T.ACCENT, "bold", anchor="midright")
        tr = self.track
        pygame.draw.rect(surface, T.LINE, tr, border_radius=5)
        pygame.draw.rect(surface, T.ACCENT, pygame.Rect(tr.left, tr.top, self.knob_x() - tr.left, tr.height),
                         border_radius=5)
        pygame.draw.circle(surface, T.TEXT, (self.knob_x(), tr.centery), 22 if self.dragging else 18)
        pygame.draw.circle(surface, T.BLUE, (self.knob_x(), tr.centery), 10)


class LeverChoice(Choice):
    """A choice whose option names may take two lines, so "Virtual agent" is never cut to "Virtual ag…"."""

    def draw(self, surface: pygame.Surface) -> None:
        T.text(surface, self.label, (self.rect.left, self.rect.top), T.SIZE_BODY, T.TEXT, "semibold")
        for option, seg in zip(self.options, self.segments()):
            chosen = option == self.value
            T.panel(surface, seg, T.BLUE if chosen else T.PANEL, radius=12, border=T.ACCENT if chosen else T.LINE)
            name = ("✓ " if chosen else "") + self.names.get(option, option_name(option))
            size = T.fit(name, seg.width - 16, T.SIZE_BODY, "semibold")
            lines = [name] if T.font(size, "semibold").size(name)[0] <= seg.width - 16 else \
                T.wrap(name, seg.width - 16, T.SIZE_SMALL, "semibold")[:2]
            size = size if len(lines) == 1 else T.SIZE_SMALL
            step = size + 4
            y = seg.centery - step * (len(lines) - 1) / 2
            for line in lines:
                T.text(surface, T.ellipsize(line, seg.width - 12, size, "semibold"), (seg.centerx, y), size,
                       T.TEXT if chosen else T.TEXT_DIM, "semibold", anchor="center")
                y += step
