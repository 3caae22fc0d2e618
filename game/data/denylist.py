"""Initials a public leaderboard will not show.

A short list of the three-letter combinations that arcade boards commonly refuse: slurs, obscenities and
hate symbols. It cannot catch everything (three letters leave room for invention) and does not try to; it
keeps the obvious off a screen at a trade-show booth. Kept as a small set of upper-case strings.
"""
from __future__ import annotations

DENIED_INITIALS = frozenset({
    "ASS", "CNT", "COK", "CUM", "DIC", "DIK", "DIX", "FAG", "FCK", "FKU", "FUC", "FUK", "FUQ",
    "FUX", "JIZ", "KKK", "KYK", "NGR", "NIG", "NGA", "PUS", "SEX", "SHT", "SLT", "TIT", "TWT",
    "VAG", "WTF", "XXX", "NAZ",
})

#: What the initials screen says when a combination is refused.
DENIED_MESSAGE = "Those initials can't go on the board. Please pick three other letters."


def is_denied(initials: str) -> bool:
    """Whether `initials` (any case) are on the deny-list."""
    return initials.strip().upper() in DENIED_INITIALS
