"""The crash guard: a screen that raises never shows a traceback to a visitor, nor closes the game.

`CrashGuard(app, recover, log_path)` becomes `app.on_error`: an exception in a frame's update or draw (a
scene's, or a layer's) is written with its traceback to the log file (the modes keep it beside the
database: game.modes.shared.log_path), and
`recover()` puts the game back on its feet (the kiosk: its attract mode; the workshop: its teams; the
demo: scenario select). A recovery that itself fails falls back to a plain "Tap to play" screen that
cannot fail, so the loop goes on. The same traceback repeating every frame is logged once with a count,
not sixty times a second.

`write_log(app, text, note, log_path)` is that log's one writer: the guard's tracebacks, and what the modes log besides (a
save the disk refused, a database that could not be opened). When the log itself cannot be written (the
same full or read-only disk), the lines go to standard error instead, so a kiosk's start script still has
them; they never stop the game. User text in a line (a team name) is escaped (engine.words.printable).
"""
from __future__ import annotations

import datetime as _dt
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pygame

from game.core.scene import Scene
from game.ui import theme as T

if TYPE_CHECKING:  # pragma: no cover
    from game.core.app import App


class SafeScreen(Scene):
    """The last resort after a failed recovery: a calm screen; a tap calls `again`."""

    name = "safe"

    def __init__(self, app, again: Callable[[], None] | None = None):
        super().__init__(app)
        self.again = again

    def update(self, dt, events):
        if self.again and any(e.type in (pygame.MOUSEBUTTONUP, pygame.KEYDOWN) for e in events):
            again, self.again = self.again, None
            again()

    def draw(self, surface):
        surface.fill(T.BG)
        T.text(surface, "ProcessPlay", (T.W // 2, T.H // 2 - 60), T.SIZE_TITLE, T.TEXT, "bold", anchor="center")
        T.text(surface, "Tap to play", (T.W // 2, T.H // 2 + 60), T.SIZE_HEAD, T.ACCENT, "semibold", anchor="center")


def write_log(app: App, text: str, note: str, log_path: Path | str) -> bool:
    """Append `text` to the log at `log_path`, stamped with the time, the mode and the screen on top; False
    (and the lines on standard error) when the log cannot be written."""
    from engine.words import printable

    top = app.stack.top
    scene = top.name if top is not None else "?"
    stamp = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    lines = "\n".join(printable(line) for line in text.rstrip("\n").split("\n"))
    entry = f"--- {stamp} mode={app.mode} scene={scene} {note}\n{lines}\n\n"
    try:
        with open(log_path, "a", encoding="utf-8") as f:
            f.write(entry)
        return True
    except OSError:  # a full or read-only disk must not stop the kiosk either
        try:
            sys.stderr.write(entry)
        except (OSError, ValueError):
            pass
        return False


class CrashGuard:
    def __init__(self, app: App, recover: Callable[[], None], log_path: Path | str):
        self.app = app
        self.recover = recover
        self.log_path = Path(log_path)
        self.crashes = 0
        self.last: str | None = None
        self.repeats = 0
        app.on_error = self
        # a first line at start: the staff see when the machine started and where its data is, and the log
        # exists (with room in its last block) before a full disk could keep it from being made
        write_log(app, f"started; data in {self.log_path.parent}", "start", self.log_path)

    def __call__(self, exc: BaseException) -> None:
        self.crashes += 1
        self.log(exc)
        try:
            self.recover()
        except Exception as again:  # the recovery failed too: log it, and stand on the safe screen
            self.log(again, note="while recovering")
            self.app.stack.reset(SafeScreen(self.app, self._retry))

    def _retry(self) -> None:
        try:
            self.recover()
        except Exception as exc:
            self.log(exc, note="while recovering")
            self.app.stack.reset(SafeScreen(self.app, self._retry))

    def log(self, exc: BaseException, note: str = "") -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        if text == self.last:
            self.repeats += 1
            if self.repeats not in (1, 10, 100, 1000):
                return
            text = f"(the same again, {self.repeats} times)\n"
        else:
            self.last, self.repeats = text, 0
        write_log(self.app, text, note, self.log_path)
