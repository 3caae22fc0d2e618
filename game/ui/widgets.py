"""A few hand-made, touch-sized widgets: buttons, sliders, choices.

Each widget reads `event.pos` (logical pixels; the app converts window and touch positions), never
`pygame.mouse.get_pos()`, so posted events drive them in tests exactly as a finger does. `handle(event)`
returns True when the widget used the event. Every target is at least `MIN_TARGET` logical pixels high.
A press acts on its release (a Button, a Choice's segment: down inside, then up inside), so a finger that
went down on another screen (game.core.scene.TapGuard) or slid off the target presses nothing.
"""
from __future__ import annotations

from typing import Callable, Sequence

import pygame

from game.ui import theme as T

MIN_TARGET = 72  # logical px: 48 window px in a 1280x720 window (the touch minimum), 72 at 1920x1080
DOWN, UP, MOTION = pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION


def pointer(event) -> tuple[int, int] | None:
    """The logical position of a pointer event, or None for other events."""
    if event.type in (DOWN, UP, MOTION) and hasattr(event, "pos"):
        return event.pos
    return None


def primary(event) -> bool:
    return getattr(event, "button", 1) == 1


class Button:
    """A rounded button with a label; `on_click` runs when a press is released inside it."""

    def __init__(self, rect, label: str, on_click: Callable[[], None] | None = None, *, kind: str = "normal",
                 size: int = T.SIZE_LABEL, enabled: bool = True, key: int | None = None, icon: str | None = None):
        self.rect = pygame.Rect(rect)
        if self.rect.height < MIN_TARGET:
            self.rect.height = MIN_TARGET
        self.label = label
        self.on_click = on_click
        self.kind = kind  # normal, primary, quiet, danger
        self.size = size
        self.enabled = enabled
        self.key = key  # a keyboard shortcut
        self.icon = icon
        self.pressed = False
        self.hover = False
        self.clicks = 0

    def click(self) -> None:
        if self.enabled:
            self.clicks += 1
            if self.on_click:
                self.on_click()

    def handle(self, event) -> bool:
        if not self.enabled:
            return False
        if event.type == pygame.KEYDOWN and self.key is not None and event.key == self.key:
            self.click()
            return True
        pos = pointer(event)
        if pos is None:
            return False
        inside = self.rect.collidepoint(pos)
        if event.type == MOTION:
            self.hover = inside
            return False
        if event.type == DOWN and inside and primary(event):
            self.pressed = True
            return True
        if event.type == UP and primary(event):
            was = self.pressed
            self.pressed = False
            if was and inside:
                self.click()
                return True
        return False

    def colours(self):
        if not self.enabled:
            return T.PANEL, T.TEXT_DIM, T.PANEL
        base = {"primary": T.BLUE, "danger": T.BAD, "quiet": T.BG_LIGHT}.get(self.kind, T.PANEL_HI)
        if self.pressed:
            base = tuple(max(0, c - 30) for c in base)
        elif self.hover:
            base = tuple(min(255, c + 20) for c in base)
        border = T.ACCENT if self.kind == "primary" else T.LINE
        return base, T.TEXT, border

    def draw(self, surface: pygame.Surface) -> None:
        fill, fg, border = self.colours()
        T.panel(surface, self.rect, fill, radius=14, border=border)
        size = T.fit(self.label, self.rect.width - 24, self.size, "semibold")
        T.text(surface, T.ellipsize(self.label, self.rect.width - 24, size, "semibold"), self.rect.center, size, fg,
               "semibold", anchor="center")


class Slider:
    """A lever with a number: drag the knob or tap the track; the value snaps to the lever's steps."""

    def __init__(self, rect, values: Sequence, value, label: str = "", unit: str = "",
                 on_change: Callable[[object], None] | None = None, fmt: Callable[[object], str] | None = None):
        self.rect = pygame.Rect(rect)
        self.values = list(values)
        self.index = self._nearest(value)
        self.label = label
        self.unit = unit
        self.on_change = on_change
        self.fmt = fmt or (lambda v: f"{v:g}" if isinstance(v, float) else str(v))
        self.dragging = False

    @property
    def value(self):
        return self.values[self.index]

    def _nearest(self, value) -> int:
        try:
            return self.values.index(value)
        except ValueError:
            return min(range(len(self.values)), key=lambda i: abs(float(self.values[i]) - float(value)))

    @property
    def track(self) -> pygame.Rect:
        return pygame.Rect(self.rect.left + 20, self.rect.bottom - 44, self.rect.width - 40, 10)

    def knob_x(self) -> int:
        n = max(1, len(self.values) - 1)
        return int(self.track.left + self.track.width * self.index / n)

    def set_index(self, index: int) -> None:
        index = max(0, min(len(self.values) - 1, index))
        if index != self.index:
            self.index = index
            if self.on_change:
                self.on_change(self.value)

    def set_value(self, value) -> None:
        self.set_index(self._nearest(value))

    def _from_x(self, x: int) -> None:
        n = max(1, len(self.values) - 1)
        frac = (x - self.track.left) / max(1, self.track.width)
        self.set_index(round(frac * n))

    def handle(self, event) -> bool:
        if event.type == pygame.KEYDOWN and getattr(self, "focused", False):
            if event.key in (pygame.K_LEFT, pygame.K_DOWN):
                self.set_index(self.index - 1)
                return True
            if event.key in (pygame.K_RIGHT, pygame.K_UP):
                self.set_index(self.index + 1)
                return True
        pos = pointer(event)
        if pos is None:
            return False
        hit = self.track.inflate(40, MIN_TARGET).collidepoint(pos)
        if event.type == DOWN and hit and primary(event):
            self.dragging = True
            self._from_x(pos[0])
            return True
        if event.type == MOTION and self.dragging:
            self._from_x(pos[0])
            return True
        if event.type == UP and self.dragging:
            self.dragging = False
            self._from_x(pos[0])
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        T.text(surface, self.label, (self.rect.left, self.rect.top), T.SIZE_BODY, T.TEXT, "semibold")
        shown = f"{self.fmt(self.value)} {self.unit}".strip()
        T.text(surface, shown, (self.rect.right, self.rect.top), T.SIZE_LABEL, T.ACCENT, "bold", anchor="topright")
        tr = self.track
        pygame.draw.rect(surface, T.LINE, tr, border_radius=5)
        filled = pygame.Rect(tr.left, tr.top, self.knob_x() - tr.left, tr.height)
        pygame.draw.rect(surface, T.ACCENT, filled, border_radius=5)
        pygame.draw.circle(surface, T.TEXT, (self.knob_x(), tr.centery), 22 if self.dragging else 18)
        pygame.draw.circle(surface, T.BLUE, (self.knob_x(), tr.centery), 10)


class Choice:
    """A lever with named options, drawn as a row of segments; tap one to choose it."""

    def __init__(self, rect, options: Sequence[str], value: str, label: str = "",
                 on_change: Callable[[str], None] | None = None, names: dict[str, str] | None = None):
        self.rect = pygame.Rect(rect)
        self.options = list(options)
        self.value = value
        self.label = label
        self.on_change = on_change
        self.names = names or {}
        self.pressed: str | None = None  # the option a finger went down on

    def segments(self) -> list[pygame.Rect]:
        top = self.rect.top + 44
        h = max(MIN_TARGET, self.rect.bottom - top)
        n = len(self.options)
        gap = 10
        w = (self.rect.width - gap * (n - 1)) // n
        return [pygame.Rect(self.rect.left + i * (w + gap), top, w, h) for i in range(n)]

    def choose(self, option: str) -> None:
        if option in self.options and option != self.value:
            self.value = option
            if self.on_change:
                self.on_change(option)

    def at(self, pos) -> str | None:
        for option, seg in zip(self.options, self.segments()):
            if seg.collidepoint(pos):
                return option
        return None

    def handle(self, event) -> bool:
        """A segment is pressed on the down and chosen on the up over the same segment, like a Button."""
        pos = pointer(event)
        if pos is None or event.type not in (DOWN, UP) or not primary(event):
            return False
        option = self.at(pos)
        if event.type == DOWN:
            self.pressed = option
            return option is not None
        pressed, self.pressed = self.pressed, None
        if option is not None and option == pressed:
            self.choose(option)
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        T.text(surface, self.label, (self.rect.left, self.rect.top), T.SIZE_BODY, T.TEXT, "semibold")
        for option, seg in zip(self.options, self.segments()):
            chosen = option == self.value
            T.panel(surface, seg, T.BLUE if chosen else T.PANEL, radius=12, border=T.ACCENT if chosen else T.LINE)
            name = self.names.get(option, option.replace("_", " ").capitalize())
            size = T.fit(name, seg.width - 16, T.SIZE_BODY, "semibold")
            shown = ("✓ " if chosen and T.font(size, "semibold").size("✓ " + name)[0] < seg.width - 16 else "") + name
            T.text(surface, T.ellipsize(shown, seg.width - 16, size, "semibold"), seg.center, size,
                   T.TEXT if chosen else T.TEXT_DIM, "semibold", anchor="center")
