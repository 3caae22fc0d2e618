"""The application: a window, a logical surface scaled into it, the scene stack, and the frame loop.

Scenes draw on a 1920x1080 logical surface; the app scales it into the window (letterboxed when the
window's shape differs) and converts pointer positions back, so every scene works in logical pixels at
any window size from 1280x720 to 3840x2160. Touch is handled once: SDL's finger events become pointer
events at logical positions, and the mouse events SDL synthesises from the same touches are dropped.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pygame

from game.core.scene import SceneStack
from game.core.settings import Settings
from game.ui import theme as T

if TYPE_CHECKING:  # pragma: no cover
    from game.data.store import Store, UnavailableStore

POINTER_TYPES = (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION)
#: what counts as someone at the machine (the kiosk's idle timer)
INPUT_TYPES = POINTER_TYPES + (pygame.KEYDOWN, pygame.MOUSEWHEEL, pygame.TEXTINPUT)
FINGER_TO_MOUSE = {pygame.FINGERDOWN: pygame.MOUSEBUTTONDOWN, pygame.FINGERUP: pygame.MOUSEBUTTONUP,
                   pygame.FINGERMOTION: pygame.MOUSEMOTION}


class App:
    """Owns the window (or an off-screen surface when headless) and runs the scenes."""

    def __init__(self, size: tuple[int, int] = (1280, 720), *, fullscreen: bool = False, headless: bool = False,
                 title: str = "ProcessPlay"):
        self.headless = headless
        self.window_size = size
        self.surface = pygame.Surface(T.LOGICAL_SIZE)
        self.stack = SceneStack()
        self.time = 0.0
        self.frames = 0
        self.running = True
        self.mode = "play"  # or "kiosk", "facilitator", "demo" (game.modes.kiosk.mode, game.modes.workshop.mode, game.modes.demo.mode)
        self.idle = 0.0  # seconds since the last input
        #: objects above the scene stack: `filter(dt, events) -> events` before the scenes see the input,
        #: `draw(surface)` after they drew (the kiosk's timer and "Still there?", the demo's shortcuts)
        self.layers: list = []
        #: when set, an exception in a frame's update or draw goes here instead of stopping the game
        self.on_error = None
        #: what the session is set to (game.core.settings): custom scenario folders, the
        #: day's seed, a mode's own screens for places of the flow
        self.settings = Settings()
        #: where long-lived state lives (--data: a folder, or a database file); None: the store's default
        self.data_dir: Path | str | None = None
        #: the database, opened once by game.modes.shared.store (an UnavailableStore when it cannot be)
        self.store: Store | UnavailableStore | None = None
        self.window: pygame.Surface | None = None
        if not pygame.get_init():
            pygame.init()
        if not headless:
            flags = pygame.FULLSCREEN if fullscreen else pygame.RESIZABLE
            self.window = pygame.display.set_mode((0, 0) if fullscreen else size, flags)
            self.window_size = self.window.get_size()
            pygame.display.set_caption(title)
        self.clock = pygame.time.Clock()

    # --- geometry -------------------------------------------------------------------------------
    def viewport(self, size: tuple[int, int] | None = None) -> pygame.Rect:
        """Where the logical surface lands in a window of `size`: scaled to fit, centred."""
        ww, wh = size or self.window_size
        scale = min(ww / T.W, wh / T.H)
        w, h = int(T.W * scale), int(T.H * scale)
        return pygame.Rect((ww - w) // 2, (wh - h) // 2, w, h)

    def to_logical(self, pos) -> tuple[int, int]:
        vp = self.viewport()
        x = (pos[0] - vp.left) * T.W / max(1, vp.width)
        y = (pos[1] - vp.top) * T.H / max(1, vp.height)
        return int(x), int(y)

    def translate(self, events: Iterable[pygame.event.Event]) -> list[pygame.event.Event]:
        """Window events as the scenes want them: pointer positions in logical pixels, touch handled once."""
        out = []
        for e in events:
            if e.type in POINTER_TYPES:
                if getattr(e, "touch", False):
                    continue  # SDL's copy of a finger event: the finger event itself is used
                d = dict(e.dict)
                d["pos"] = self.to_logical(e.pos)
                out.append(pygame.event.Event(e.type, d))
            elif e.type in FINGER_TO_MOUSE:
                vw, vh = self.window_size
                d = {"pos": self.to_logical((e.x * vw, e.y * vh)), "button": 1, "touch": True,
                     "finger_id": getattr(e, "finger_id", 0)}
                if e.type == pygame.FINGERMOTION:
                    d["buttons"] = (1, 0, 0)
                    d["rel"] = (int(e.dx * T.W), int(e.dy * T.H))
                out.append(pygame.event.Event(FINGER_TO_MOUSE[e.type], d))
            elif e.type == pygame.VIDEORESIZE:
                self.window_size = (e.w, e.h)
                out.append(e)
            else:
                out.append(e)
        return out

    # --- the loop --------------------------------------------------------------------------------
    def step(self, dt: float, raw_events: Iterable[pygame.event.Event]) -> None:
        """One frame: input, update, draw onto the logical surface."""
        events = self.translate(raw_events)
        for e in events:
            if e.type == pygame.QUIT:
                self.running = False
        self.time += dt
        self.idle = 0.0 if any(e.type in INPUT_TYPES for e in events) else self.idle + dt
        try:
            for layer in list(self.layers):
                events = layer.filter(dt, events)
            self.stack.update(dt, events)
            self.surface.fill(T.BG)
            self.stack.draw(self.surface)
            for layer in list(self.layers):
                layer.draw(self.surface)
        except Exception as exc:
            if self.on_error is None:
                raise
            self.on_error(exc)  # game.core.guard: logged, and the kiosk starts again from its attract mode
        self.frames += 1

    def framed(self, size: tuple[int, int]) -> pygame.Surface:
        """The logical surface as a window of `size` shows it (`present` draws the same into the window):
        scaled to fit, letterboxed in black."""
        vp = self.viewport(size)
        if vp.size == tuple(size) == T.LOGICAL_SIZE:
            return self.surface
        out = pygame.Surface(size)
        out.fill(T.BLACK)
        out.blit(self.surface if vp.size == T.LOGICAL_SIZE else pygame.transform.smoothscale(self.surface, vp.size),
                 vp)
        return out

    def present(self) -> None:
        if self.window is None:
            return
        self.window_size = self.window.get_size()
        vp = self.viewport()
        self.window.fill(T.BLACK)
        if vp.size == T.LOGICAL_SIZE:
            self.window.blit(self.surface, vp)
        else:
            self.window.blit(pygame.transform.smoothscale(self.surface, vp.size), vp)
        pygame.display.flip()

    def run(self, frames: int | None = None, fps: int = 60) -> int:
        """Run until quit (or for `frames` frames); returns an exit code."""
        while self.running and (frames is None or self.frames < frames):
            dt = self.clock.tick(fps) / 1000.0 if not self.headless else 1.0 / fps
            self.step(min(dt, 0.1), pygame.event.get())
            self.present()
            if not len(self.stack):
                self.running = False
        return 0

    def screenshot(self, path, size: tuple[int, int] | None = None) -> None:
        """Save what a window of `size` would show (the logical surface scaled to fit, letterboxed: `framed`),
        atomically (WriteError when it cannot be written)."""
        img = self.framed(tuple(size or self.window_size))
        from engine.files import atomic_file

        with atomic_file(path, binary=True) as f:  # whole or not at all, never over a device or a folder
            pygame.image.save(img, f, str(path))


def open_app(args, *, fullscreen: bool = False, hint: str) -> App | None:
    """The App the command line asks for (`--size`, `--fullscreen`, `--headless`: SDL's dummy drivers then,
    set before pygame starts); `fullscreen` forces it (a kiosk). None, with one line on stderr ending in
    `hint`, when no window can be opened here."""
    headless = bool(getattr(args, "headless", False))
    if headless:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    try:
        pygame.init()
        return App(getattr(args, "size", None) or (1280, 720), headless=headless,
                   fullscreen=bool(getattr(args, "fullscreen", False)) or fullscreen)
    except pygame.error as e:
        print(f"Cannot open a window here ({e}); {hint}", file=sys.stderr)
        return None
