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

from . import theme as T

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
        folders.append(Path(__file__).resolve().parent.parent / "assets" / "portraits")
        for folder in folders:
            img = _cached_image(str(folder / file), size)
            if img is not None:
                return img
    return drawn(name, colour_for(name, getattr(advisor, "colour", None)), size)


@lru_cache(maxsize=32)
def _cached_image(path: str, size: int) -> pygame.Surface | None:
    p = Path(path)
    return _image(p, size) if p.is_file() else None
