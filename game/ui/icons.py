"""Domain icons drawn in code: a headset (call centre), a parcel (supply chain), a van (logistics) and a
gear (anything else). Each is drawn large with plain primitives in one colour, then smoothed down to the
size asked for, so it stays crisp at any scale without image files.
"""
from __future__ import annotations

import math
from functools import lru_cache

import pygame

from game.ui import theme as T

BASE = 256  # every icon is drawn on a BASE x BASE canvas, then scaled down


def _headset(s: pygame.Surface, c) -> None:
    w = 18
    pygame.draw.arc(s, c, pygame.Rect(40, 30, 176, 190), math.radians(0), math.radians(180), w)
    for x in (30, 186):  # ear cups
        pygame.draw.rect(s, c, pygame.Rect(x, 118, 40, 78), border_radius=16)
    # microphone boom from the left cup to the mouth
    pygame.draw.arc(s, c, pygame.Rect(46, 120, 150, 116), math.radians(190), math.radians(300), 12)
    pygame.draw.ellipse(s, c, pygame.Rect(138, 208, 44, 26))


def _box(s: pygame.Surface, c) -> None:
    top = [(128, 34), (226, 80), (128, 126), (30, 80)]
    left = [(30, 80), (128, 126), (128, 230), (30, 184)]
    right = [(128, 126), (226, 80), (226, 184), (128, 230)]
    pygame.draw.polygon(s, c, left)
    pygame.draw.polygon(s, tuple(int(v * 0.78) for v in c[:3]), right)
    pygame.draw.polygon(s, tuple(min(255, int(v * 1.15)) for v in c[:3]), top)
    # the tape across the lid
    pygame.draw.line(s, (0, 0, 0, 0), (79, 57), (177, 103), 16)
    pygame.draw.polygon(s, (0, 0, 0, 0), [(30, 80), (128, 126), (226, 80)], 6)
    pygame.draw.line(s, (0, 0, 0, 0), (128, 126), (128, 230), 6)


def _van(s: pygame.Surface, c) -> None:
    pygame.draw.rect(s, c, pygame.Rect(20, 70, 150, 110), border_radius=14)  # cargo box
    cab = [(170, 100), (206, 100), (236, 140), (236, 180), (170, 180)]
    pygame.draw.polygon(s, c, cab)
    pygame.draw.polygon(s, (0, 0, 0, 0), [(182, 112), (202, 112), (222, 140), (182, 140)])  # window
    for x in (64, 194):
        pygame.draw.circle(s, (0, 0, 0, 0), (x, 186), 34)
        pygame.draw.circle(s, c, (x, 186), 26)
        pygame.draw.circle(s, (0, 0, 0, 0), (x, 186), 10)
    pygame.draw.line(s, (0, 0, 0, 0), (40, 110), (130, 110), 8)  # a speed line on the box


def _gear(s: pygame.Surface, c) -> None:
    cx = cy = 128
    teeth = 8
    pts = []
    for i in range(teeth * 4):
        a = 2 * math.pi * i / (teeth * 4)
        r = 112 if i % 4 in (1, 2) else 86
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    pygame.draw.polygon(s, c, pts)
    pygame.draw.circle(s, c, (cx, cy), 90)
    pygame.draw.circle(s, (0, 0, 0, 0), (cx, cy), 38)


DRAWERS = {"call_center": _headset, "supply_chain": _box, "logistics": _van, "generic": _gear}
NAMES = {"call_center": "Contact centre", "supply_chain": "Supply chain", "logistics": "Logistics",
         "generic": "Operations"}


@lru_cache(maxsize=64)
def icon(domain: str, size: int, colour=T.TEXT) -> pygame.Surface:
    """The icon of a scenario's `domain` (unknown domains get the gear), `size` pixels square."""
    draw = DRAWERS.get(domain, _gear)
    canvas = pygame.Surface((BASE, BASE), pygame.SRCALPHA)
    draw(canvas, tuple(colour[:3]) + (255,))
    return pygame.transform.smoothscale(canvas, (size, size))  # shrinking averages: smooth edges


def badge(surface: pygame.Surface, domain: str, center, radius: int, fill=T.BLUE, colour=T.TEXT) -> pygame.Rect:
    """The icon on a filled disc: how scenario cards show their domain."""
    pygame.draw.circle(surface, fill, center, radius)
    img = icon(domain, int(radius * 1.15), tuple(colour))
    return surface.blit(img, img.get_rect(center=center))
