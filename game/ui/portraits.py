"""Advisor portraits: the scenario's image when it ships one, otherwise drawn in code from the name.

A drawn portrait is a disc in the advisor's colour (from the scenario, or picked from the palette by the
name so the same person always looks the same), a calm head-and-shoulders silhouette, and the initials
on the chest, so two advisors never look alike even to a colour-blind player.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pygame

from game.ui import theme as T
from game.ui.assets import PORTRAITS

#: Colours an advisor without one is given, all readable with white initials on top.
FALLBACK_COLOURS = (T.BLUE, T.VERMILION, T.GREEN, (150, 90, 140), (170, 110, 0), (60, 120, 150))
SUPERSAMPLE = 3  # drawn this many times larger, then smoothed down: pygame's circles have no anti-aliasing


def initials(name: str) -> str:
    """'Rosa Okafor' -> 'RO'; 'Maria' -> 'M'; '' -> '?'."""
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][0].upper()
    return (parts[0][0] + parts[-1][0]).upper()


def colour_for(name: str, colour: str | None = None) -> tuple[int, int, int]:
    """The advisor's colour: the scenario's `colour`, else one picked by the name (stable across runs)."""
    if colour:
        return T.hex_colour(colour)
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return FALLBACK_COLOURS[digest[0] % len(FALLBACK_COLOURS)]


def readable(colour) -> tuple[int, int, int]:
    """The advisor's colour lightened until text in it reads well on the game's dark panels."""
    r, g, b = colour[:3]
    while 0.299 * r + 0.587 * g + 0.114 * b < 150:
        r, g, b = (int(v + (255 - v) * 0.25) for v in (r, g, b))
    return r, g, b


def _shade(c, f: float):
    return tuple(max(0, min(255, int(v * f))) for v in c)


def _image(path: Path, size: int) -> pygame.Surface | None:
    try:
        img = pygame.image.load(str(path))
    except (pygame.error, FileNotFoundError, OSError):
        return None
    img = pygame.transform.smoothscale(img.convert_alpha() if pygame.display.get_surface() else img, (size, size))
    mask = pygame.Surface((size, size), pygame.SRCALPHA)
    pygame.draw.circle(mask, (255, 255, 255, 255), (size // 2, size // 2), size // 2)
    out = pygame.Surface((size, size), pygame.SRCALPHA)
    out.blit(img, (0, 0))
    out.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    return out


@lru_cache(maxsize=64)
def drawn(name: str, colour: tuple[int, int, int], size: int) -> pygame.Surface:
    """A portrait drawn from the name: disc, silhouette, initials."""
    s = size * SUPERSAMPLE
    big = pygame.Surface((s, s), pygame.SRCALPHA)
    c = s // 2
    pygame.draw.circle(big, colour, (c, c), c)
    # head and shoulders, a darker tone of the disc, kept inside the disc by drawing on a clipped layer
    body = pygame.Surface((s, s), pygame.SRCALPHA)
    tone = _shade(colour, 0.62)
    pygame.draw.ellipse(body, tone, pygame.Rect(int(s * 0.14), int(s * 0.62), int(s * 0.72), int(s * 0.70)))
    pygame.draw.circle(body, tone, (c, int(s * 0.40)), int(s * 0.19))
    clip = pygame.Surface((s, s), pygame.SRCALPHA)
    pygame.draw.circle(clip, (255, 255, 255, 255), (c, c), c)
    body.blit(clip, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    big.blit(body, (0, 0))
    pygame.draw.circle(big, _shade(colour, 1.25), (c, c), c, max(2, s // 40))
    small = pygame.transform.smoothscale(big, (size, size))
    letters = initials(name)
    fsize = max(12, int(size * (0.26 if len(letters) > 1 else 0.30)))
    img = T.render(letters, fsize, T.TEXT, "bold")
    small.blit(img, img.get_rect(center=(size // 2, int(size * 0.80))))
    return small


def portrait(advisor, size: int, scenario_path: str | None = None) -> pygame.Surface:
    """The portrait of `advisor` (an engine Advisor, or anything with name, colour and portrait),
    `size` logical pixels across: its image file when the scenario names one that exists (beside the
    scenario or in assets/portraits), else drawn."""
    name = getattr(advisor, "name", None) or str(advisor)
    file = getattr(advisor, "portrait", None)
    if file:
        folders = [Path(scenario_path).parent] if scenario_path else []
        folders.append(PORTRAITS)
        for folder in folders:
            img = _cached_image(str(folder / file), size)
            if img is not None:
                return img
    return drawn(name, colour_for(name, getattr(advisor, "colour", None)), size)


@lru_cache(maxsize=32)
def _cached_image(path: str, size: int) -> pygame.Surface | None:
    p = Path(path)
    return _image(p, size) if p.is_file() else None


# --------------------------------------------------------------------------------------------------
# Speech bubbles: an advisor's portrait with what they say beside it (the briefing, the map's hints)

BUBBLE_PAD = 28  # inside the bubble, left and right
BUBBLE_HEAD = 54  # from the bubble's top to the first line of text (the name sits above it)


def bubble_height(text: str, width: int, size: int = T.SIZE_BODY) -> int:
    """The height `speech_bubble` uses for `text` in a bubble `width` wide (the portrait not counted)."""
    lines = T.wrap(text, width - 2 * BUBBLE_PAD, size)
    return max(96, BUBBLE_HEAD + len(lines) * int(size * 1.3) + 18)


def speech_bubble(surface: pygame.Surface, rect: pygame.Rect, advisor, text: str, *, scenario_path=None,
                  size: int = T.SIZE_BODY, portrait_size: int = 88, indent: int = 116,
                  current: bool = True, shown: int | None = None, role: bool = True) -> int:
    """Draw `advisor`'s portrait at `rect`'s left and a bubble `indent` px in, with their name (and role)
    and `text`; returns the height used. A line not `current` is drawn quieter (the briefing's earlier
    lines); `shown` types the text out to that many characters, laid out as the whole text will be so
    that words never jump from one line to the next while typing."""
    name = getattr(advisor, "name", None) or str(advisor)
    colour = colour_for(name, getattr(advisor, "colour", None))
    surface.blit(portrait(advisor, portrait_size, scenario_path), (rect.left, rect.top))
    width = rect.width - indent
    h = bubble_height(text, width, size)
    bubble = pygame.Rect(rect.left + indent, rect.top, width, h)
    fill = T.PANEL_HI if current else T.PANEL
    T.panel(surface, bubble, fill, radius=22, border=colour if current else None, width=3)
    tip_y = rect.top + min(portrait_size // 2, 52)
    pygame.draw.polygon(surface, fill, [(bubble.left + 2, tip_y - 16), (bubble.left - 22, tip_y),
                                        (bubble.left + 2, tip_y + 16)])
    who = name + (f"  ·  {advisor.role}" if role and getattr(advisor, "role", "") else "")
    T.text(surface, T.ellipsize(who, width - 2 * BUBBLE_PAD, T.SIZE_SMALL, "bold"),
           (bubble.left + BUBBLE_PAD, bubble.top + 16), T.SIZE_SMALL, readable(colour) if current else T.TEXT_DIM,
           "bold")
    left = len(text) if shown is None else shown
    y = bubble.top + BUBBLE_HEAD
    for line in T.wrap(text, width - 2 * BUBBLE_PAD, size):
        part = line[:max(0, left)]
        if part:
            T.text(surface, part, (bubble.left + BUBBLE_PAD, y), size, T.TEXT if current else T.TEXT_DIM)
        left -= len(line) + 1
        y += int(size * 1.3)
    return h
