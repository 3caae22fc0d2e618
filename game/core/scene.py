"""Scenes and the stack that holds them.

A scene is one screen of the game (title, map editor, run...). It gets time and input as arguments,
`update(dt, events)` and `draw(surface)`, so a test can drive it with posted events and draw it onto a plain
Surface without a window. The stack shows its top scene; `push` covers it (a dialog, a pause), `pop`
uncovers the one below, `replace` swaps the top for another. Each scene is told when it comes on top
(`enter`) and when it stops being on top (`leave`).

A tap belongs to the screen it landed on (`TapGuard`): a finger that went down on one screen and came up
on the next (the briefing's Next, then "Check my map" in the same place) must not press the next one.
The stack gives the top scene only the ups whose down it saw, and a scene that has just appeared (pushed,
replaced, reset) drops whole taps for its first `SETTLE` seconds, counted on its own clock (the `dt` it is
given, not wall time, so a test or a slow frame sees the same thing).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pygame

if TYPE_CHECKING:  # pragma: no cover
    from game.core.app import App


class Scene:
    """One screen. Subclasses override what they need; every hook has a harmless default."""

    #: a name for tests, logs and screenshots
    name = "scene"
    #: draw the scene below too (a translucent dialog over the map)
    overlay = False

    def __init__(self, app: "App"):
        self.app = app

    def enter(self) -> None:
        """Called when the scene comes on top of the stack (pushed, or uncovered by a pop)."""

    def leave(self) -> None:
        """Called when the scene stops being on top (popped, replaced, or covered by a push)."""

    def update(self, dt: float, events: Sequence[pygame.event.Event]) -> None:
        """Advance by `dt` seconds and handle `events` (positions already in logical pixels)."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw onto a surface of the logical size."""


DOWN, UP = pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP
FINGER_DOWN, FINGER_UP = pygame.FINGERDOWN, pygame.FINGERUP
#: seconds of its own clock a scene that has just appeared drops taps for
SETTLE = 0.25


def _pointer_key(event) -> tuple:
    """Which finger or mouse button an event belongs to: its down and its up share the key."""
    if event.type in (FINGER_DOWN, FINGER_UP) or getattr(event, "touch", False):
        return ("finger", getattr(event, "finger_id", 0))
    return ("mouse", getattr(event, "button", 1))


class TapGuard:
    """The top scene's view of taps: which downs it saw, and how long since it appeared.

    `admit(dt, events)` returns the events the scene may act on: a down is kept (and remembered) once the
    scene has been on top for `SETTLE` seconds; an up is kept only when its down was kept. Everything else
    (keys, motion, the clock) passes untouched. `fresh()` starts again (a new scene on top); `woken()`
    forgets the downs only (a scene uncovered by a pop: the tap that closed the dialog is the dialog's).
    """

    def __init__(self):
        self.age = SETTLE
        self.down: set[tuple] = set()

    def fresh(self) -> None:
        self.age = 0.0
        self.down = set()

    def woken(self) -> None:
        self.down = set()

    @property
    def settling(self) -> bool:
        """True while a tap would still be dropped because the scene has only just appeared."""
        return self.age < SETTLE

    def admit(self, dt: float, events) -> list:
        kept = []
        for e in events:
            if e.type in (DOWN, FINGER_DOWN):
                if self.settling:
                    continue
                self.down.add(_pointer_key(e))
            elif e.type in (UP, FINGER_UP):
                key = _pointer_key(e)
                if key not in self.down:
                    continue  # its down landed on another screen, or while this one was settling
                self.down.discard(key)
            kept.append(e)
        self.age += dt
        return kept


class SceneStack:
    """Push, pop and replace, with enter and leave hooks; the top scene gets the input."""

    def __init__(self):
        self._scenes: list[Scene] = []
        self.guard = TapGuard()

    def __len__(self) -> int:
        return len(self._scenes)

    def __iter__(self):
        return iter(self._scenes)

    @property
    def top(self) -> Scene | None:
        return self._scenes[-1] if self._scenes else None

    @property
    def settling(self) -> bool:
        """True while the top scene has only just appeared and drops taps (tests wait through it)."""
        return self.guard.settling

    def push(self, scene: Scene) -> Scene:
        if self._scenes:
            self._scenes[-1].leave()
        self._scenes.append(scene)
        self.guard.fresh()
        scene.enter()
        return scene

    def pop(self) -> Scene | None:
        if not self._scenes:
            return None
        scene = self._scenes.pop()
        scene.leave()
        self.guard.woken()
        if self._scenes:
            self._scenes[-1].enter()
        return scene

    def replace(self, scene: Scene) -> Scene:
        """Swap the top scene for `scene` (the one below is not woken in between)."""
        if self._scenes:
            self._scenes.pop().leave()
        self._scenes.append(scene)
        self.guard.fresh()
        scene.enter()
        return scene

    def reset(self, scene: Scene) -> Scene:
        """Leave every scene and start again from `scene` (back to the title)."""
        while self._scenes:
            self._scenes.pop().leave()
        return self.push(scene)

    def update(self, dt: float, events) -> None:
        events = self.guard.admit(dt, events)
        if self._scenes:
            self._scenes[-1].update(dt, events)

    def draw(self, surface: pygame.Surface) -> None:
        # Draw from the lowest scene an overlay needs, up to the top.
        start = len(self._scenes) - 1
        while start > 0 and self._scenes[start].overlay:
            start -= 1
        for scene in self._scenes[max(start, 0):]:
            scene.draw(surface)
