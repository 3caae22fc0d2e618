"""What the kiosk, workshop and demo modes share: a layer above the scenes, the data folder, the records.

A `Layer` sits in `app.layers`, above the scene stack: each frame it sees the input before the scenes
(`filter` may keep some for itself) and draws after them (a timer, a countdown, a shortcut card). The
modes change the game by watching which screen is on top and acting on it, never by editing the
screens: `swap(app, cls, make)` replaces the screen on top by one of the mode's own (its results screen
with "Save my score", say) the frame after the flow put it there.

Long-lived state (scores, leads, team rounds) is `game.data.store.Store`, in the data folder (`--data DIR`),
opened once per app by `store(app)`. When it cannot be opened there (`--data` naming a file, a read-only
folder, a broken database), the game goes on without saving: `store(app)` is then an `UnavailableStore`
(empty boards, every save a SaveError), the reason is logged, and `storage_problem(app)` gives it to the
screens that say so. A save the machine refuses later (a full disk) is `save_failed(app, error, what)`:
logged with its reason, and the sentence a visitor reads returned.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


def data_dir(app=None) -> Path:
    """Where long-lived state lives: the folder of the database of `app.data_dir` (from --data: a folder, or
    a database file), else the store's default (made if missing; if it cannot be, `store(app)` says why)."""
    from game.data.store import database_path

    path = database_path(getattr(app, "data_dir", None)).parent
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # store(app) finds the same problem, logs it and runs without saving
    return path


def log_path(app=None) -> Path:
    """The crash log, beside the database."""
    from game.data.store import LOG_NAME

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
    """Whether `initials` are refused on the board (game.data.denylist)."""
    from game.data.denylist import is_denied

    return is_denied(initials)


def store(app):
    """The app's database (game.data.store.Store in the data folder), opened once; an UnavailableStore, the
    reason logged, when it cannot be opened."""
    st = getattr(app, "store", None)
    if st is None:
        from game.data.store import Store, StoreError, UnavailableStore

        try:
            st = Store.open(getattr(app, "data_dir", None))
        except (StoreError, OSError) as e:
            st = UnavailableStore(str(e))
            from game.core.guard import write_log

            write_log(app, f"The database cannot be opened, so nothing will be saved: {e}", "storage")
        app.store = st
    return st


def storage_problem(app) -> str | None:
    """Why nothing can be saved in this session (the database could not be opened), or None."""
    from game.data.store import UnavailableStore

    st = store(app)
    return st.reason if isinstance(st, UnavailableStore) else None


def save_failed(app, error: Exception, what: str, who: str = "visitor") -> str:
    """A save the machine refused (game.data.store.SaveError: full disk, read-only disk, no database): logged
    with its reason beside the database, and the sentence to show returned. `what` is what was not saved
    ("your score"); `who` "visitor" (ask the staff) or "facilitator" (look at the log)."""
    from game.core.guard import write_log

    logged = write_log(app, f"Could not save {what}: {error}", "save failed")
    if who == "visitor":
        return f"Sorry, we couldn't save {what}. Please tell the staff at the stand."
    where = f"the log {log_path(app)} says why" if logged else "the reason is on the terminal"
    return f"Couldn't save {what}: {getattr(error, 'reason', error)} ({where})."


def draw_notice(surface, text: str, y: int | None = None) -> None:
    """A save that failed, said where it cannot be missed: a warning band above the buttons."""
    import pygame

    from game.ui import theme as T

    lines = T.wrap(text, T.W - 400, T.SIZE_LABEL)[:2]
    box = pygame.Rect(0, 0, T.W - 320, 40 + 44 * len(lines))
    box.midbottom = (T.W // 2, y if y is not None else T.H - 150)
    T.panel(surface, box, T.PANEL_HI, radius=20, border=T.WARN, width=4)
    for i, line in enumerate(lines):
        T.text(surface, line, (box.centerx, box.top + 42 + 44 * i), T.SIZE_LABEL, T.TEXT, "semibold",
               anchor="center")


def outcome_of(rnd) -> Any:
    """The results screen's tally of a round (game.scenes.results.Outcome), once computed."""
    return rnd.extra.get("outcome")


def start_mode(app, args) -> bool:
    """Start the mode asked for on the command line (`--kiosk`, `--facilitator`, `--demo`); False when
    none was, and the ordinary game starts."""
    if getattr(args, "data", None):
        app.data_dir = args.data
    if getattr(args, "kiosk", False):
        from game.modes.kiosk.mode import KioskOptions, install

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
        from game.modes.workshop.mode import install

        install(app, scenario_dirs=getattr(args, "scenarios", None) or [])
        return True
    if getattr(args, "demo", False):
        from game.modes.demo.mode import install

        install(app, scenario_dirs=getattr(args, "scenarios", None) or [])
        return True
    if getattr(args, "scenarios", None):  # custom scenarios in the ordinary game too
        from game.play import flow

        flow.options(app).scenario_dirs = [Path(d) for d in args.scenarios]
    return False
