"""What the end card says of a day that cannot finish, in the player's words rather than the engine's.

A day ends this way when the engine's guards or the run's own stop it (a loop in no time, a clock far
past the horizon, a flood of records: `loop_words`, which blames the map in the scenario's own nouns),
when the scout stops getting further (`slow_words`: the machine may only be very busy, so the map is not
blamed outright), or when the engine raises (`failure_words`: its message without the exception's class).
`end_words` picks between the first and the last from the error's kind (`ENDLESS`).
"""
from __future__ import annotations

def loop_words(scenario) -> str:
    """What the end card says of a day that cannot finish, in the scenario's own terms."""
    noun = {"call_center": "callers", "logistics": "jobs", "supply_chain": "orders"}.get(scenario.domain, "work")
    return f"This map keeps {noun} going round in a loop; the day cannot finish. Back to the map to fix it."


def slow_words(scenario) -> str:
    """What the end card says when the day's simulation stopped getting further (the scout stalled): the
    machine may only be very busy, so the map is not blamed outright."""
    return ("This day is taking far too long to simulate, so we stopped it. The map may keep work going round "
            "in a loop: back to the map to check it.")


#: Errors that mean the day would not end (the engine's guards, the scout's, memory): the card says so in
#: the player's words (`loop_words`) rather than quoting the engine.
ENDLESS = ("RunawayDay", "MemoryError", "StuckInLoop", "WorkLimitExceeded")


def end_words(scenario, error, kind: str | None = None) -> str:
    """What the end card says of a day stopped by `error` (an exception, or a job's message with the name
    of its exception's class in `kind`)."""
    if kind is None and isinstance(error, BaseException):
        kind = type(error).__name__
    return loop_words(scenario) if kind in ENDLESS else failure_words(error)


def failure_words(detail) -> str:
    """What the end card says of a day the engine stopped with an error: its message, without the
    exception's class name (a job's errors read 'SomeError: message')."""
    detail = " ".join(str(detail).split())
    head, sep, rest = detail.partition(": ")
    if sep and head.isidentifier() and rest:
        detail = rest
    detail = detail.rstrip(".")[:300] or "the engine gave no reason"  # the card has room for five lines
    return f"The day stopped with a problem: {detail}. Back to the map to try another way."
