"""Tapping in tests as a player does: wait until the screen on top has settled, then tap.

A screen that has just appeared drops taps for a moment of its own clock (game.core.scene.TapGuard), so a
test that taps on a screen's first frame would press nothing. `settle(app)` steps the app with no input
until the top screen takes taps, as a player's finger arrives a moment after the screen does.
"""
from __future__ import annotations

import pygame

DT = 1 / 60


def settle(app, dt: float = DT) -> int:
    """Step `app` with no input until its top screen takes taps; the number of frames stepped."""
    frames = 0
    while app.stack.settling:
        app.step(dt, [])
        frames += 1
    return frames


def has_tap(events) -> bool:
    return any(e.type in (pygame.MOUSEBUTTONDOWN, pygame.FINGERDOWN) for e in events)
