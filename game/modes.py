"""What the kiosk, workshop and demo modes share: a layer above the scenes, the data folder, the records.

A `Layer` sits in `app.layers`, above the scene stack: each frame it sees the input before the scenes
(`filter` may keep some for itself) and draws after them (a timer, a countdown, a shortcut card). The
modes change the game by watching which screen is on top and acting on it, never by editing the
screens: `swap(app, cls, make)` replaces the screen on top by one of the mode's own (its results screen
with "Save my score", say) the frame after the flow put it there.

Long-lived state (scores, leads, team rounds) is `game.store.Store`, in the data folder (`--data DIR`),
opened once per app by `store(app)`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


def data_dir(app=None) -> Path:
    """Where long-lived state lives: `app.data_dir` (from --data), else the store's default (made if missing)."""
    from .store import data_dir as store_dir

    path = store_dir(getattr(app, "data_dir", None))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_path(app=None) -> Path:
    """The crash log, beside the database."""
    from .store import LOG_NAME

    return data_dir(app) / LOG_NAME


class Layer:
    """A mode's presence above the scenes. Override what you need."""

    def filter(self, dt: float, events: list) -> list:
        return events

    def draw(self, surface) -> None:
        pass


def swap(app, cls, make) -> object | None:
    """If the screen on top is exactly of class `cls`, replace it by `make(top)`; returns the new screen."""
    top = app.stack.top
    if top is not None and type(top) is cls:
        return app.stack.replace(make(top))
    return None


def denied(initials: str) -> bool:
    """Whether `initials` are refused on the board (game.denylist)."""
    from .denylist import is_denied

    return is_denied(initials)


def store(app):
    """The app's database (game.store.Store in the data folder), opened once."""
    st = getattr(app, "store", None)
    if st is None:
        from .store import Store

        st = app.store = Store.open(data_dir(app))
    return st


def outcome_of(rnd) -> Any:
    """The results screen's tally of a round (game.scenes.results.Outcome), once computed."""
    return rnd.extra.get("outcome")


def start_mode(app, args) -> bool:
    """Start the mode asked for on the command line (`--kiosk`, `--facilitator`, `--demo`); False when
    none was, and the ordinary game starts."""
    if getattr(args, "data", None):
        app.data_dir = args.data
    if getattr(args, "kiosk", False):
        from .kiosk import KioskOptions, install

        opts = KioskOptions()
        if getattr(args, "idle", None) is not None:
            opts.idle_seconds = float(args.idle)
        if app.headless:
            opts.attract_replications = 2
        install(app, opts)
        if not app.headless:
            import pygame

            pygame.mouse.set_visible(False)
        return True
    if getattr(args, "facilitator", False):
        from .facilitator import install

        install(app, scenario_dirs=getattr(args, "scenarios", None) or [])
        return True
    if getattr(args, "demo", False):
        from .demo import install

        install(app, scenario_dirs=getattr(args, "scenarios", None) or [])
        return True
    if getattr(args, "scenarios", None):  # custom scenarios in the ordinary game too
        from . import flow

        flow.options(app).scenario_dirs = [Path(d) for d in args.scenarios]
    return False
