"""What the store refuses or cannot do, as exceptions whose text can be shown as it is.

`StoreError` is input the store refuses or a database it cannot use; `str(e)` is a sentence a player or
facilitator can read. Its kinds: `InitialsError` (initials not three letters, or on the deny-list),
`LeadError` (no consent, no name, an email of the wrong shape) and `SaveError`, a write the machine could
not make (a full or read-only disk, a lock held too long, no database at all): nothing was stored.
All are `ValueError`s, so a screen that checks input before saving catches them with one clause.
"""
from __future__ import annotations

import os


class StoreError(ValueError):
    """Input the store refuses; `str(e)` is a sentence a player or facilitator can read."""


class InitialsError(StoreError):
    pass


class SaveError(StoreError):
    """A write the machine could not make (a full or read-only disk, a database that cannot be opened):
    nothing was stored. `str(e)` is for the staff and the log; `reason` is the cause alone. A screen says
    "couldn't save" in its own words and logs this."""

    def __init__(self, reason: str, path: str | os.PathLike | None = None):
        self.reason = reason
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {reason}" if path is not None else reason)


class LeadError(StoreError):
    pass
