"""The game's screens, one module each, and what they share: `Screen`, a scene with a header, buttons
along the bottom (the primary action always bottom right) and the keys every screen answers to
(Enter continues, Esc goes back).

Which screen follows which is `game.play.flow`'s business, not the screens': every screen is given its
ways on as keyword arguments, callables of no arguments named for the player's move (`on_done`,
`on_back`, and where a screen has more: `on_next`, `on_retry`, `on_play`; scenario select's `on_pick`
takes the scenario picked), and calls them; it imports nothing of the flow. A screen built without one
(a test driving one screen alone) stays where it is (`stay`). The `on_back` given is kept as `go_back`:
`Screen.on_back` is the Esc hook, which a mode's screen may override.
"""
from __future__ import annotations

from typing import Callable

import pygame

from game.ui import theme as T
from game.core.scene import Scene
from game.ui.widgets import Button

MARGIN = 64  # logical px around the screen's content
HEADER_H = 150  # the title band at the top
FOOTER_H = 140  # the button band at the bottom
BUTTON_H = 88
PRIMARY_W = 440
FADE_IN = 0.15  # seconds a screen takes to appear out of the background
SECONDARY_W = 300

#: a way on from a screen: what it calls when the player makes that move
Way = Callable[[], None]


def stay() -> None:
    """The way on of a screen built without one: nowhere."""


def primary_rect() -> pygame.Rect:
    """Where every screen's main action sits: bottom right, big."""
    return pygame.Rect(T.W - MARGIN - PRIMARY_W, T.H - MARGIN - BUTTON_H + 12, PRIMARY_W, BUTTON_H)


def secondary_rect(slot: int = 0) -> pygame.Rect:
    """Lesser actions along the bottom, from the left, all one width so they line up on every screen."""
    return pygame.Rect(MARGIN + slot * (SECONDARY_W + 24), T.H - MARGIN - BUTTON_H + 12, SECONDARY_W, BUTTON_H)


def content_rect() -> pygame.Rect:
    """The area between the header and the buttons."""
    return pygame.Rect(MARGIN, HEADER_H, T.W - 2 * MARGIN, T.H - HEADER_H - FOOTER_H)


class Screen(Scene):
    """A full screen with a header and buttons. Subclasses fill `self.buttons` (the first with
    kind "primary" answers Enter) and override `on_back` (Esc) and `handle` for other input."""

    def __init__(self, app):
        super().__init__(app)
        self.buttons: list[Button] = []
        self.age = 0.0  # seconds since the screen opened: fades, pulses, typewriters

    # --- input ---------------------------------------------------------------------------------
    def on_continue(self) -> None:
        """Enter: the primary button's action, when it is enabled."""
        for b in self.buttons:
            if b.kind == "primary" and b.enabled:
                b.click()
                return

    def on_back(self) -> None:
        """Esc: nothing by default."""

    def handle(self, event) -> bool:
        """Input the buttons did not take; return True when used."""
        return False

    def update(self, dt, events):
        self.age += dt
        for e in events:
            if e.type == pygame.KEYDOWN and e.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.on_continue()
                continue
            if e.type == pygame.KEYDOWN and e.key == pygame.K_ESCAPE:
                self.on_back()
                continue
            if any(b.handle(e) for b in list(self.buttons)):
                continue
            self.handle(e)
        self.tick(dt)

    def tick(self, dt: float) -> None:
        """Per-frame work after input (background jobs, animation)."""

    # --- drawing -------------------------------------------------------------------------------
    def header(self, surface, title: str, subtitle: str = "", right: str = "") -> None:
        T.text(surface, T.ellipsize(title, T.W - 2 * MARGIN - 420, T.SIZE_HEAD, "bold"), (MARGIN, 44),
               T.SIZE_HEAD, T.TEXT, "bold")
        if subtitle:
            T.text(surface, T.ellipsize(subtitle, T.W - 2 * MARGIN - 420, T.SIZE_BODY), (MARGIN, 106),
                   T.SIZE_BODY, T.TEXT_DIM)
        if right:
            T.text(surface, right, (T.W - MARGIN, 54), T.SIZE_LABEL, T.ACCENT, "semibold", anchor="topright")
        pygame.draw.line(surface, T.PANEL, (MARGIN, HEADER_H - 8), (T.W - MARGIN, HEADER_H - 8), 2)

    def draw_buttons(self, surface) -> None:
        for b in self.buttons:
            b.draw(surface)

    def draw_fade(self, surface) -> None:
        """The screen's first moments: it rises out of the background instead of jumping in."""
        if self.age < FADE_IN:
            veil = _veil()
            veil.set_alpha(int(255 * (1 - self.age / FADE_IN)))
            surface.blit(veil, (0, 0))


_VEIL: list[pygame.Surface] = []


def _veil() -> pygame.Surface:
    if not _VEIL:
        v = pygame.Surface(T.LOGICAL_SIZE)
        v.fill(T.BG)
        _VEIL.append(v)
    return _VEIL[0]
