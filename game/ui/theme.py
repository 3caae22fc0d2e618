"""How the game looks: the logical size, a colour-blind-safe palette, bundled fonts and text helpers.

Everything is drawn on a logical 1920x1080 surface and scaled to the window, so layouts are written once.
Text sizes are in logical pixels; the smallest used for reading is `SIZE_SMALL` (26), which stays legible
from two metres on a kiosk screen and above 17 px even in a 1280x720 window.
"""
from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

import pygame

from game.ui.assets import FONTS as FONT_DIR  # the checkout's assets/fonts, or inside the wheel

LOGICAL_SIZE = (1920, 1080)
W, H = LOGICAL_SIZE

# Okabe-Ito, the palette designed to stay distinct under the common colour-vision deficiencies, with a
# calm dark-blue background; states never rely on colour alone (a shape or a word goes with it).
BLACK = (0, 0, 0)
ORANGE = (230, 159, 0)
SKY = (86, 180, 233)
GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILION = (213, 94, 0)
PURPLE = (204, 121, 167)

BG = (18, 28, 45)
BG_LIGHT = (28, 42, 66)
PANEL = (36, 52, 80)
PANEL_HI = (48, 68, 104)
LINE = (84, 108, 146)
TEXT = (240, 244, 250)
TEXT_DIM = (176, 190, 212)
ACCENT = SKY
GOOD = GREEN
WARN = ORANGE
BAD = VERMILION

SIZE_SMALL = 26
SIZE_DENSE = 20  # the smallest size allowed in a dense table (`text(..., dense=True)`), never for prose
SIZE_BODY = 30
SIZE_LABEL = 34
SIZE_HEAD = 48
SIZE_TITLE = 96

#: The text-fit check (game.ui.textfit.recording) while a test has one open, else None: the game pays one
#: test of a global per text drawn.
recorder = None

WEIGHTS = {"regular": "Inter-Regular.otf", "semibold": "Inter-SemiBold.otf", "bold": "Inter-Bold.otf"}


@lru_cache(maxsize=64)
def font(size: int, weight: str = "regular") -> pygame.font.Font:
    """A bundled font (Inter, OFL) of `size` logical pixels; pygame's default font if the file is missing."""
    if not pygame.font.get_init():
        pygame.font.init()
    path = FONT_DIR / WEIGHTS.get(weight, WEIGHTS["regular"])
    try:
        return pygame.font.Font(str(path), size)
    except (OSError, FileNotFoundError):
        return pygame.font.Font(None, int(size * 1.3))


#: Bytes of rendered text kept: every label of a frame fits many times over, while text that keeps changing
#: (a score counting up, clocks, live numbers) cannot pile up surfaces in a kiosk that runs all day.
TEXT_CACHE_BYTES = 32 * 1024 * 1024
_rendered: OrderedDict = OrderedDict()
_rendered_bytes = 0


def render(text: str, size: int = SIZE_BODY, colour=TEXT, weight: str = "regular") -> pygame.Surface:
    """Rendered text, cached (least recently used out first, within TEXT_CACHE_BYTES): most labels are drawn
    every frame and rarely change."""
    global _rendered_bytes
    key = (text, size, colour, weight)
    img = _rendered.get(key)
    if img is not None:
        _rendered.move_to_end(key)
        return img
    img = font(size, weight).render(text, True, colour)
    _rendered[key] = img
    _rendered_bytes += img.get_pitch() * img.get_height()
    while _rendered_bytes > TEXT_CACHE_BYTES and len(_rendered) > 1:
        _, old = _rendered.popitem(last=False)
        _rendered_bytes -= old.get_pitch() * old.get_height()
    return img


def _clear_rendered() -> None:
    global _rendered_bytes
    _rendered.clear()
    _rendered_bytes = 0


render.cache_clear = _clear_rendered  # as functools' caches have


def text(surface: pygame.Surface, s: str, pos, size: int = SIZE_BODY, colour=TEXT, weight: str = "regular",
         anchor: str = "topleft", box=None, dense: bool = False) -> pygame.Rect:
    """Draw one line of text with its rect's `anchor` at `pos`; returns the rect drawn. `box` is the rect it
    must stay inside (the surface when None) and `dense` allows SIZE_DENSE in a table: both only tell the
    text-fit check what to hold the text to."""
    img = render(s, size, tuple(colour), weight)
    rect = img.get_rect(**{anchor: (int(pos[0]), int(pos[1]))})
    surface.blit(img, rect)
    if recorder is not None:
        recorder.drawn(surface, s, rect, size, box, dense)
    return rect


def wrap(s: str, width: int, size: int = SIZE_BODY, weight: str = "regular") -> list[str]:
    """Split `s` into lines no wider than `width` pixels (words longer than a line are kept whole)."""
    f = font(size, weight)
    lines: list[str] = []
    for paragraph in s.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if f.size(trial)[0] <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def paragraph(surface: pygame.Surface, s: str, rect: pygame.Rect, size: int = SIZE_BODY, colour=TEXT,
              weight: str = "regular", spacing: float = 1.3) -> int:
    """Draw wrapped text inside `rect`; returns the height used."""
    y = rect.top
    step = int(size * spacing)
    for line in wrap(s, rect.width, size, weight):
        if y + step > rect.bottom + step * 0.2:
            if recorder is not None:
                recorder.cut(s, "its paragraph has more lines than its box")
            break
        text(surface, line, (rect.left, y), size, colour, weight)
        y += step
    return y - rect.top


def fit(s: str, width: int, size: int, weight: str = "regular", smallest: int = SIZE_SMALL) -> int:
    """The largest size from `size` down to `smallest` at which `s` fits in `width` on one line."""
    while size > smallest and font(size, weight).size(s)[0] > width:
        size -= 2
    return size


def ellipsize(s: str, width: int, size: int, weight: str = "regular", tap: bool = False) -> str:
    """`s`, shortened with an ellipsis if it does not fit in `width`. `tap` says the full text is one tap
    away (a card that opens, a row that expands): only then may the text-fit check accept the cut."""
    f = font(size, weight)
    if f.size(s)[0] <= width:
        return s
    if recorder is not None and not tap:
        recorder.cut(s, f"ellipsized to {width} px with no tap to read it whole")
    while s and f.size(s + "…")[0] > width:
        s = s[:-1]
    return s.rstrip() + "…"


def lost(s: str, why: str) -> None:
    """Say that `s` could not be drawn whole (no room left for it): the text-fit check counts it as cut."""
    if recorder is not None:
        recorder.cut(s, why)


def panel(surface: pygame.Surface, rect, colour=PANEL, radius: int = 18, border=None, width: int = 2) -> None:
    pygame.draw.rect(surface, colour, rect, border_radius=radius)
    if len(colour) == 3:
        covered(surface, rect)
    if border is not None:
        pygame.draw.rect(surface, border, rect, width, border_radius=radius)


def covered(surface: pygame.Surface, rect) -> None:
    """Say that `rect` of `surface` now lies under a layer (an opaque panel, a dialog's veil): the text-fit
    check no longer counts texts drawn there before as overlapped by what comes on top."""
    if recorder is not None:
        recorder.cover(surface, rect)


def hex_colour(value: str | None, default=ACCENT) -> tuple[int, int, int]:
    """'#e07a5f' as an RGB tuple (the advisors' colours in scenario files)."""
    if not value or len(value) != 7 or not value.startswith("#"):
        return default
    try:
        return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    except ValueError:
        return default


def money(value: float, currency: str = "") -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,.0f}{(' ' + currency) if currency else ''}"
