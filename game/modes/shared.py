"""What the kiosk, workshop and demo modes share: a layer above the scenes, the data folder, the records.

A `Layer` sits in `app.layers`, above the scene stack: each frame it sees the input before the scenes
(`filter` may keep some for itself) and draws after them (a timer, a countdown, a shortcut card). The
modes change the game by watching which screen is on top and acting on it, never by editing the
screens; where a mode wants a screen of its own in the flow (the kiosk's results with "Save my score"),
it gives the flow a builder for that place (`app.settings.screens`, game.core.settings), and the flow
builds it in place of its own.

Long-lived state (scores, leads, team rounds) is `game.data.store.Store`, in the data folder (`--data DIR`),
opened once per app by `store(app)`. When it cannot be opened there (`--data` naming a file, a read-only
folder, a broken database), the game goes on without saving: `store(app)` is then an `UnavailableStore`
(empty boards, every save a SaveError), the reason is logged, and `storage_problem(app)` gives it to the
screens that say so. A save the machine refuses later (a full disk) is `save_failed(app, error, what)`:
logged with its reason, and the sentence a visitor reads returned. `log(app, text, note)` writes a line
in the log beside the database (game.core.guard.write_log). `rule_text(days)` is the boards' ranking rule
in words, written on every board.
"""
from __future__ import annotations

from pathlib import Path

from game.core.guard import write_log


def data_dir(app=None) -> Path:
    """Where long-lived state lives: the folder of the database of `app.data_dir` (from --data: a folder, or
    a database file), else the store's default (made if missing; if it cannot be, `store(app)` says why)."""
    from game.data.store import database_path

    path = database_path(app.data_dir if app is not None else None).parent
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # store(app) finds the same problem, logs it and runs without saving
    return path


def log_path(app=None) -> Path:
    """The crash log, beside the database."""
    from game.data.store import LOG_NAME

    return data_dir(app) / LOG_NAME


def log(app, text: str, note: str) -> bool:
    """A line in the log beside the database; False when it could not be written (it went to stderr)."""
    return write_log(app, text, note, log_path(app))


class Layer:
    """A mode's presence above the scenes. Override what you need."""

    def filter(self, dt: float, events: list) -> list:
        return events

    def draw(self, surface) -> None:
        pass


def rule_text(days: int) -> str:
    """How the kiosk's leaderboard and the workshop's board rank (engine.scoring.rank_key), written on them."""
    return f"Ranked by profit on the {days} evaluation day{'s' if days != 1 else ''}; ties: stars, then map"


def denied(initials: str) -> bool:
    """Whether `initials` are refused on the board (game.data.denylist)."""
    from game.data.denylist import is_denied

    return is_denied(initials)


def store(app):
    """The app's database (game.data.store.Store in the data folder), opened once; an UnavailableStore, the
    reason logged, when it cannot be opened."""
    if app.store is None:
        from game.data.store import Store, StoreError, UnavailableStore, board_url

        from game.data.store.guarded import Guarded

        try:
            opened = Store.open(app.data_dir, board=board_url(getattr(app, "board", None)))
        except (StoreError, OSError) as e:
            app.store = UnavailableStore(str(e))
            log(app, f"The database cannot be opened, so nothing will be saved: {e}", "storage")
        else:  # reads that fail later (a board's server gone) are answered calmly, and logged once
            app.store = Guarded(opened, lambda reason: log(app, f"The board does not answer: {reason}", "storage"))
    return app.store


def storage_problem(app) -> str | None:
    """Why nothing can be saved in this session (the database could not be opened, or the board stopped
    answering), or None."""
    from game.data.store import UnavailableStore

    st = store(app)
    if isinstance(st, UnavailableStore):
        return st.reason
    return getattr(st, "problem", None)  # a board whose server stopped answering


def save_failed(app, error: Exception, what: str, who: str = "visitor") -> str:
    """A save the machine refused (game.data.store.SaveError: full disk, read-only disk, no database): logged
    with its reason beside the database, and the sentence to show returned. `what` is what was not saved
    ("your score"); `who` "visitor" (ask the staff) or "facilitator" (look at the log)."""
    logged = log(app, f"Could not save {what}: {error}", "save failed")
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



#: A mode's corner panel (the kiosk's round timer, the workshop's team playing): its size, in logical px.
SPOT_W, SPOT_H = 340, 84


def free_spot(screen: str):
    """Where the screen called `screen` leaves room for a mode's corner panel (SPOT_W x SPOT_H): on the map,
    between the editing buttons and "Check my map", level with them (the editor keeps x 1076-1416 free);
    on the run, the board's top-left corner under the title; elsewhere in the header, between the title
    and its right."""
    import pygame

    if screen == "map":
        return pygame.Rect(1076, 976, SPOT_W, SPOT_H)
    if screen == "run":
        return pygame.Rect(28, 104, SPOT_W, SPOT_H)
    return pygame.Rect(1150, 24, SPOT_W, SPOT_H)
