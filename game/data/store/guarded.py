"""A store whose reads never raise: what the screens use, so a board server that goes away mid-show is said,
not a crash.

The screens read the store every frame or so (the kiosk's attract screen asks for today's best score each
frame, the boards list rows, the workshop lists teams). On a shared board (game.data.store.postgres) a read
while the server is away is a `StoreError`. `Guarded` answers such a read as the store that could not be
opened does (game.data.store.unavailable: empty boards, no best score, rank 1), keeps the reason in
`problem` (None again after the next read that works) and reports it once through `on_problem`, so the
game says "Scores can't be saved on this machine right now" where it says it for a broken data folder.
Writes are not guarded: a save refused is a `SaveError` the screens already show as "couldn't save".
"""
from __future__ import annotations

from typing import Any, Callable

from game.data.store.errors import StoreError

#: The store's reads, and what each answers while its database does not.
READS: dict[str, Callable[[], Any]] = {
    "top_today": list, "top_all_time": list, "leads": list, "teams": list, "workshops": list, "rounds": list,
    "best_today": lambda: None, "score_entry": lambda: None, "rank": lambda: 1,
}


class Guarded:
    """`store` with its reads answered calmly when they fail (see the module's docstring)."""

    def __init__(self, store, on_problem: Callable[[str], None] = lambda reason: None):
        self.store = store
        self.on_problem = on_problem
        self.problem: str | None = None

    def __getattr__(self, name: str):
        attr = getattr(self.store, name)
        if name not in READS:
            return attr

        def read(*args, **kwargs):
            try:
                value = attr(*args, **kwargs)
            except StoreError as e:
                if self.problem is None:
                    self.on_problem(str(e))
                self.problem = str(e)
                return READS[name]()
            self.problem = None
            return value

        return read

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.store.close()
