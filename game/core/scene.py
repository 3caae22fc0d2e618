"""Scenes and the stack that holds them.

A scene is one screen of the game (title, map editor, run...). It gets time and input as arguments,
`update(dt, events)` and `draw(surface)`, so a test can drive it with posted events and draw it onto a plain
Surface without a window. The stack shows its top scene; `push` covers it (a dialog, a pause), `pop`
uncovers the one below, `replace` swaps the top for another. Each scene is told when it comes on top
(`enter`) and when it stops being on top (`leave`).
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


class SceneStack:
    """Push, pop and replace, with enter and leave hooks; the top scene gets the input."""

    def __init__(self):
        self._scenes: list[Scene] = []

    def __len__(self) -> int:
        return len(self._scenes)

    def __iter__(self):
        return iter(self._scenes)

    @property
    def top(self) -> Scene | None:
        return self._scenes[-1] if self._scenes else None

    def push(self, scene: Scene) -> Scene:
        if self._scenes:
            self._scenes[-1].leave()
        self._scenes.append(scene)
        scene.enter()
        return scene

    def pop(self) -> Scene | None:
        if not self._scenes:
            return None
        scene = self._scenes.pop()
        scene.leave()
        if self._scenes:
            self._scenes[-1].enter()
        return scene

    def replace(self, scene: Scene) -> Scene:
        """Swap the top scene for `scene` (the one below is not woken in between)."""
        if self._scenes:
            self._scenes.pop().leave()
        self._scenes.append(scene)
        scene.enter()
        return scene

    def reset(self, scene: Scene) -> Scene:
        """Leave every scene and start again from `scene` (back to the title)."""
        while self._scenes:
            self._scenes.pop().leave()
        return self.push(scene)

    def update(self, dt: float, events) -> None:
        if self._scenes:
            self._scenes[-1].update(dt, events)

    def draw(self, surface: pygame.Surface) -> None:
        # Draw from the lowest scene an overlay needs, up to the top.
        start = len(self._scenes) - 1
        while start > 0 and self._scenes[start].overlay:
            start -= 1
        for scene in self._scenes[max(start, 0):]:
            scene.draw(surface)
