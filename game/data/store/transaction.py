"""One write, one SQLite transaction: committed before the call returns, or nothing stored at all.

The store's promise to a player is that a score or a lead confirmed on screen is never lost, so a write
takes the write lock at once (`BEGIN IMMEDIATE`: the transaction cannot then fail half-way for a lock),
runs its statements, and COMMITs before the method returns; any exception rolls it back. A thread lock
around it keeps one write at a time on the shared connection (a background job may save while a screen
reads). A failure of the machine rather than of the data (a full or read-only disk, I/O, a lock not
granted in time) becomes a `SaveError` saying so in words; errors of the data (a broken constraint) and
of the program pass through as they are.
"""
from __future__ import annotations

import sqlite3

from game.data.store.errors import SaveError

# SQLite's errors of the machine rather than of the data: a full or read-only disk, I/O, a lock held too long
_MACHINE_ERRORS = (sqlite3.OperationalError, sqlite3.DatabaseError, OSError)
_NOT_MACHINE = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


def save_error(exc: BaseException, path) -> SaveError:
    """A failure of the machine as a SaveError saying its cause in words."""
    text = str(exc)
    if isinstance(exc, OSError):
        from engine.files import reason

        text = reason(exc)
    elif "full" in text:
        text = f"the disk is full ({text})"
    elif "readonly" in text or "read-only" in text:
        text = f"the disk or folder is read-only ({text})"
    return SaveError(text, path)


class Transaction:
    """`with`: BEGIN IMMEDIATE (take the write lock now, so the transaction cannot fail half-way for
    a lock), COMMIT on success, ROLLBACK on any exception. A failure of the machine (full disk, read-only
    disk, I/O, a lock not granted) becomes a SaveError, nothing stored."""

    def __init__(self, conn: sqlite3.Connection, lock, path=None):
        self.conn = conn
        self.lock = lock
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException as e:
            self.lock.release()
            if isinstance(e, _MACHINE_ERRORS) and not isinstance(e, _NOT_MACHINE):
                raise save_error(e, self.path) from None
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self._finish(exc_type)
        except _MACHINE_ERRORS as e:
            if isinstance(e, _NOT_MACHINE):
                raise
            raise save_error(e, self.path) from None
        finally:
            self.lock.release()
        if exc is not None and isinstance(exc, _MACHINE_ERRORS) and not isinstance(exc, _NOT_MACHINE):
            raise save_error(exc, self.path) from None

    def _finish(self, exc_type) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return
            except BaseException:
                if self.conn.in_transaction:
                    try:
                        self.conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the failed COMMIT is the one to report
                raise
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the failure that brought us here is the one to report
