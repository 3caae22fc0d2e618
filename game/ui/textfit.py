"""The text-fit check: while a test holds `recording()`, every text the theme draws is held to its box.

`game.ui.theme` draws every line through `text()`, shortens through `ellipsize()`, wraps into a box through
`paragraph()` and fills panels through `panel()`; each calls the module's `recorder` when one is set (None in
the game, so the game pays one test of a global). The `Recorder` keeps, per surface, the rects of the texts
drawn since its last `reset()` (one frame), and finds:

- **cut**: an ellipsis where the full text is not one tap away (`ellipsize(..., tap=False)`), or a paragraph
  with more lines than its box;
- **past its box**: a line drawn outside the `box` it was given, or outside its surface;
- **small**: a line under `SIZE_SMALL` (26 logical px), or under `SIZE_DENSE` (20) in a dense table;
- **overlap**: a line drawn over another line on the same surface, or so close beside it that the two read
  as one ("1x = 14 days in 90 sSpace pauses"). Rects are compared with a little of their
  leading taken off (a font's line box is taller than its letters), and an opaque `panel()` drawn later hides
  the lines under it (a dialog over a screen), so only texts a player sees on top of each other count.

Everything is drawn on the logical 1920x1080 surface and scaled to the window (`App.viewport`), so these
findings do not depend on the window's size; what does is how many window pixels a logical pixel becomes,
which `window_px` gives for the touch-size checks.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import pygame

from game.ui import theme as T

EDGE_SLACK = 2  # px a line's box may pass its bounds by (anti-aliasing, rounding)
RUN_GAP = 4  # px two lines side by side must keep between their letters, or they read as one ("09:0009:30")


@dataclass(frozen=True)
class Finding:
    kind: str  # "cut", "past its box", "small", "overlap"
    text: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r} ({self.detail})"


def letters(rect: pygame.Rect) -> pygame.Rect:
    """The part of a line's rect its letters fill: a fifth of the height off the top and the bottom (the
    font's ascent and descent room), two pixels off each side."""
    trim = rect.height // 5
    return pygame.Rect(rect.left + EDGE_SLACK, rect.top + trim, max(0, rect.width - 2 * EDGE_SLACK),
                       max(0, rect.height - 2 * trim))


@dataclass
class Recorder:
    """What one frame drew that a player could not read whole (see the module's docstring)."""

    findings: list[Finding] = field(default_factory=list)
    placed: dict = field(default_factory=dict)  # id(surface) -> (surface, [(text, letters rect)])

    def reset(self) -> None:
        self.findings.clear()
        self.placed.clear()

    def add(self, kind: str, text: str, detail: str) -> None:
        found = Finding(kind, text, detail)
        if found not in self.findings:
            self.findings.append(found)

    def cut(self, text: str, detail: str) -> None:
        self.add("cut", text, detail)

    def drawn(self, surface, text: str, rect: pygame.Rect, size: int, box, dense: bool) -> None:
        if not text.strip():
            return
        smallest = T.SIZE_DENSE if dense else T.SIZE_SMALL
        if size < smallest:
            self.add("small", text, f"{size} px, under {smallest}")
        bounds = pygame.Rect(box) if box is not None else surface.get_rect()
        inside = letters(rect)
        if not bounds.inflate(2 * EDGE_SLACK, 2 * EDGE_SLACK).contains(inside):
            self.add("past its box", text, f"drawn at {tuple(rect)}, box {tuple(bounds)}")
        _, lines = self.placed.setdefault(id(surface), (surface, []))
        for other, other_rect in lines:
            clash = inside.inflate(2 * RUN_GAP, 0).clip(other_rect)
            if clash.width > 0 and clash.height > 0 and not (other == text and other_rect == inside):
                self.add("overlap", text, f"over {other!r}")
        lines.append((text, inside))

    def cover(self, surface, rect) -> None:
        entry = self.placed.get(id(surface))
        if entry is not None:
            panel = pygame.Rect(rect)
            entry[1][:] = [(t, r) for t, r in entry[1] if not panel.colliderect(r)]


@contextmanager
def recording():
    """Hold every text drawn inside the block to its box; yields the Recorder."""
    recorder = Recorder()
    previous, T.recorder = T.recorder, recorder
    try:
        yield recorder
    finally:
        T.recorder = previous


def window_px(logical: float, window: tuple[int, int]) -> float:
    """How many window pixels `logical` pixels become in a window of `window` (scaled to fit, letterboxed)."""
    return logical * min(window[0] / T.W, window[1] / T.H)
