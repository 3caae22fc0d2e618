"""The store the game runs on when its database cannot be opened: it keeps nothing, and says so.

A kiosk whose data folder is unusable (a read-only disk, a file where the folder should be, a broken
database) still plays: `game.modes.shared.store` falls back to an `UnavailableStore` carrying the reason.
Its boards are empty and every save is a `SaveError` with that reason, which the screens already show as
"couldn't save" (the same as a full disk), so no screen needs a case of its own. It refuses without
checking what was typed: the save would fail whatever the player corrected.
"""
from __future__ import annotations

import os
from pathlib import Path

from game.data.store.errors import SaveError


class UnavailableStore:
    """What the game uses when its database cannot be opened (`reason` says why): the boards are empty,
    and every save is a SaveError, so a screen says it could not save instead of raising, and the game
    goes on without keeping anything."""

    def __init__(self, reason: str, path: str | os.PathLike | None = None):
        self.reason = reason
        self.path = Path(path) if path is not None else None

    def _refuse(self, *args, **kwargs):
        raise SaveError(self.reason)

    add_score = add_lead = add_team = add_round = forget_lead = delete_leads_before = _refuse

    def top_today(self, *args, **kwargs) -> list:
        return []

    top_all_time = leads = teams = rounds = top_today

    def workshops(self) -> list:
        return []

    def best_today(self, *args, **kwargs):
        return None

    def score_entry(self, entry_id):
        return None

    def rank(self, entry, all_time: bool = False) -> int:
        return 1

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass
