"""Work that must not stall a frame: a function run on a daemon thread, polled by the scene each frame.

The engine is pure Python, so a thread shares the interpreter with the frame loop; but the interpreter
switches threads every few milliseconds, so the screen keeps animating (a little slower) while a preview
or the results run are computed, instead of freezing for their whole length.
"""
from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable


class Job:
    """`fn(*args, **kwargs)` running in the background. `done`, then `result` or `error` (a message)."""

    def __init__(self, fn: Callable[..., Any], *args, name: str = "job", **kwargs):
        self.result: Any = None
        self.error: str | None = None
        self.trace: str | None = None
        self.started = time.perf_counter()
        self.seconds = 0.0
        self._done = threading.Event()

        def work():
            try:
                self.result = fn(*args, **kwargs)
            except Exception as e:  # reported to the scene, which shows it calmly
                self.error = f"{type(e).__name__}: {e}"
                self.trace = traceback.format_exc()
            finally:
                self.seconds = time.perf_counter() - self.started
                self._done.set()

        self._thread = threading.Thread(target=work, name=name, daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (tests and scripts); True when it finished."""
        return self._done.wait(timeout)
