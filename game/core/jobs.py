"""Work that must not stall a frame: a function run in the background, polled by the scene each frame.

Two places to run it:
- A forked child process (`process=True`, where the platform can fork): the way for anything that runs
  the engine. A compiled (mypyc) engine holds the interpreter for as long as a day lasts, so a thread
  running a day that never ends would freeze the frame loop for good; and a day caught in a loop grows
  its memory by hundreds of megabytes a second, which a thread would grow in the kiosk's own process. A
  child can be killed. It is forked, not spawned: the scenario and the map cannot be pickled (they hold
  read-only mappings) and a spawned child would import the game's main module, and pygame with it; a
  fork copies what the parent has and starts in about 15 ms. The child touches nothing of pygame: it runs
  the function, sends back its result (pickled) or error through a pipe, and leaves by `os._exit`.
  A reader thread in the parent waits on the pipe, so `done` is a cheap check.
- A daemon thread (the default; and the fallback where there is no fork): for work that is not the
  engine's (writing debriefs), where the interpreter's switching keeps the screen animating meanwhile.

Either way a job has a `deadline` (seconds of wall time, None for none) and `cancel()`. Past the deadline
`poll()` (called by `done`) gives up: a child is killed (SIGKILL); a thread is left behind, its result
dropped (engine work that fell back to a thread is also asked to stop: an exception raised in it at its
next Python instruction; other work, such as writing files, is not interrupted mid-way); and `error`
says, in a player's words, that the work took too long; `timed_out` is then True. A child whose memory passes `memory_mb` is
stopped the same way. A scene waiting on a job thus always gets an answer: a result, an error, or that
it gave up.

A `Worker` is the long-lived kind: a forked child that serves request after request (the rules screen's
forecast sends it every new lever setting) and streams its answers back, until it is killed.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import threading
import time
import traceback
from typing import Any, Callable

#: The message of a job that ran past its deadline (scenes show it as it is).
TOO_LONG = "This took far too long, so we stopped it."
#: ... of a job whose child process grew past its memory limit.
TOO_BIG = "This needed far too much memory, so we stopped it."
#: ... of a cancelled job.
CANCELLED = "Stopped."
#: A child process may grow this much above what the game already uses.
MEMORY_MB = 1500


def describe(exc: BaseException) -> str:
    """What a screen says of a failed computation: the engine's own words when it refused the work (a map
    that cannot run, a day past its work limit: they are written for the player), else the error's kind and
    text (the traceback goes to the log)."""
    from engine.budget import CannotRun
    from engine.sim import MapError

    if isinstance(exc, (MapError, CannotRun)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc), None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def _child(conn, fn, args, kwargs, with_progress: bool, memory_mb: float) -> None:  # runs in the forked child
    import signal

    # SDL's handlers, inherited, would turn SIGTERM into a quit event nobody reads in here
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    from engine.budget import cap_address_space

    cap_address_space(int(2 * memory_mb * 2**20))  # what it has now plus twice the allowance: a hard ceiling
    try:
        if with_progress:
            kwargs = {**kwargs, "progress": lambda done, total: conn.send(("progress", (done, total)))}
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException as exc:  # the parent shows it; nobody else would read it here
        conn.send(("error", describe(exc), traceback.format_exc(), type(exc).__name__))
    finally:
        conn.close()


class Job:
    """`fn(*args, **kwargs)` running in the background. `done`, then `result` or `error` (a message).

    `process`: run it in a forked child (see the module docstring). `deadline`: give up after that many
    seconds. `with_progress`: `fn` gets a `progress(done, total)` keyword argument, whose last call is
    kept in `progress` (also across the process boundary).
    """

    def __init__(self, fn: Callable[..., Any], *args, name: str = "job", deadline: float | None = None,
                 process: bool = False, with_progress: bool = False, memory_mb: float = MEMORY_MB, **kwargs):
        self.name = name
        self.result: Any = None
        self.error: str | None = None
        self.trace: str | None = None
        self.error_kind: str | None = None
        self.progress: tuple[int, int] = (0, 0)
        self.deadline = deadline
        self.timed_out = False
        self.cancelled = False
        self.started = time.perf_counter()
        self.seconds = 0.0
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._proc = None
        self._memory_limit: float | None = None
        self._interrupt = process  # engine work on a thread (no fork here) may be interrupted
        if process and can_fork():
            self._start_process(fn, args, kwargs, with_progress, memory_mb)
        else:
            if with_progress:
                kwargs = {**kwargs, "progress": self._set_progress}
            self._start_thread(fn, args, kwargs)

    # ---- starting ----------------------------------------------------------------------------------
    def _start_thread(self, fn, args, kwargs) -> None:
        def work():
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # reported to the scene, which shows it calmly
                self._finish(error=describe(exc), trace=traceback.format_exc(), kind=type(exc).__name__)
            else:
                self._finish(result=result)

        self._thread = threading.Thread(target=work, name=self.name, daemon=True)
        self._thread.start()

    def _start_process(self, fn, args, kwargs, with_progress: bool, memory_mb: float) -> None:
        ctx = multiprocessing.get_context("fork")
        mine, theirs = ctx.Pipe(duplex=False)
        own = _rss_mb(os.getpid())
        self._memory_limit = None if own is None else own + memory_mb
        self._proc = ctx.Process(target=_child, args=(theirs, fn, args, kwargs, with_progress, memory_mb),
                                 name=self.name, daemon=True)
        self._proc.start()
        theirs.close()  # the child's end: closed here, so the reader sees EOF when the child dies

        def read():
            try:
                while True:
                    message = mine.recv()
                    if message[0] == "progress":
                        self.progress = message[1]
                    elif message[0] == "ok":
                        self._finish(result=message[1])
                        break
                    else:
                        self._finish(error=message[1], trace=message[2], kind=message[3])
                        break
            except (EOFError, OSError):
                code = self._proc.exitcode if self._proc is not None else None
                self._finish(error=f"The computation stopped unexpectedly (exit code {code}).")
            except Exception as exc:  # a result that could not be unpickled
                self._finish(error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())
            finally:
                mine.close()
                self._proc.join(timeout=5.0)

        self._thread = threading.Thread(target=read, name=f"{self.name}-reader", daemon=True)
        self._thread.start()

    def _set_progress(self, done: int, total: int) -> None:
        self.progress = (done, total)

    def _finish(self, result: Any = None, error: str | None = None, trace: str | None = None,
                kind: str | None = None) -> None:
        """The first outcome wins: a result arriving after the job gave up is dropped."""
        with self._lock:
            if self._done.is_set():
                return
            self.result, self.error, self.trace = result, error, trace
            self.error_kind = kind  # the exception's class name, when the work raised one
            self.seconds = time.perf_counter() - self.started
            self._done.set()

    # ---- giving up -----------------------------------------------------------------------------------
    def cancel(self, message: str = CANCELLED) -> None:
        """Stop the work: its result, if it still comes, is dropped."""
        self.cancelled = True
        self._finish(error=message)
        self._stop()

    def _stop(self) -> None:
        proc = self._proc
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            return
        thread = getattr(self, "_thread", None)
        if self._interrupt and thread is not None and thread.is_alive() and thread.ident is not None:
            # a pure-Python loop stops at its next instruction; compiled code runs on, its result dropped
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))

    def poll(self) -> bool:
        """Give up if past the deadline or the memory limit; True once there is an outcome."""
        if self._done.is_set():
            return True
        if self.deadline is not None and self.elapsed > self.deadline:
            self.timed_out = True
            self.cancel(TOO_LONG)
            return True
        if self._memory_limit is not None and self._proc is not None and self._proc.pid is not None:
            used = _rss_mb(self._proc.pid)
            if used is not None and used > self._memory_limit:
                self.timed_out = True
                self.cancel(TOO_BIG)
                return True
        return False

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def done(self) -> bool:
        return self.poll()

    @property
    def in_process(self) -> bool:
        return self._proc is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done or given up (tests and scripts); True when there is an outcome."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self.poll():
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                return False
            self._done.wait(0.05 if left is None else min(0.05, left))
        return True


# ---- a persistent worker ------------------------------------------------------------------------------

def _serve(conn, serve, args, memory_mb: float) -> None:  # runs in the forked child
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    from engine.budget import cap_address_space

    cap_address_space(int(2 * memory_mb * 2**20))
    try:
        serve(conn, *args)
    except (EOFError, OSError, KeyboardInterrupt):  # the parent went away or stopped us
        pass
    finally:
        conn.close()


class Worker:
    """A child process that lives as long as a screen wants it and serves its requests one after another.

    A `Job` answers once and ends; a `Worker` keeps what it learnt between requests (the forecast's days
    per rule setting, a day half-run). It is forked like a `Job`'s child (same reasons: nothing to pickle,
    no pygame in it, killable) and runs `serve(conn, *args)`, which reads requests with `conn.recv()` (and
    may look for a newer one between two pieces of work with `conn.poll()`) and answers with `conn.send()`
    as often as it likes. In the parent `received()` reads whatever answers are waiting in the pipe,
    without waiting for more, so it never blocks the frame. `kill()` ends it (SIGKILL) at once, whatever it
    is doing; `alive` says whether it still runs (False after it died on its own too); `memory_exceeded()`
    whether it grew past its allowance (`MEMORY_MB` above what the game used when it was started). Where the platform
    cannot fork, `start` raises RuntimeError: the caller decides what to do without one.
    """

    def __init__(self, serve: Callable[..., None], *args, name: str = "worker", memory_mb: float = MEMORY_MB):
        if not can_fork():
            raise RuntimeError("no fork on this platform: no background worker")
        ctx = multiprocessing.get_context("fork")
        self.name = name
        self._conn, theirs = ctx.Pipe(duplex=True)
        own = _rss_mb(os.getpid())
        self._memory_limit = None if own is None else own + memory_mb
        self._proc = ctx.Process(target=_serve, args=(theirs, serve, args, memory_mb), name=name, daemon=True)
        self._proc.start()
        theirs.close()  # the child's end: closed here, so reading sees EOF when the child dies
        self._dead = False

    def send(self, message: Any) -> bool:
        """Hand the worker a request; False when it is gone."""
        if not self.alive:
            return False
        try:
            self._conn.send(message)
            return True
        except (OSError, ValueError):  # the pipe closed under us: it died
            return False

    def received(self) -> list[Any]:
        """Every answer that came since the last call, in order (read without waiting: no thread is kept
        for it, so nothing of a worker outlives it in this process)."""
        out = []
        try:
            while not self._dead and self._conn.poll():
                out.append(self._conn.recv())
        except (EOFError, OSError):  # the child has gone
            self._dead = True
        except Exception as exc:  # an answer that could not be unpickled: the worker is of no more use
            out.append(("broken", f"{type(exc).__name__}: {exc}"))
            self._dead = True
        return out

    @property
    def alive(self) -> bool:
        return not self._dead and self._proc.is_alive()

    def memory_exceeded(self) -> bool:
        used = _rss_mb(self._proc.pid) if self._proc.pid is not None and self._memory_limit is not None else None
        return used is not None and used > self._memory_limit

    def kill(self) -> None:
        """End it now (SIGKILL) and let it go; what it was computing is lost."""
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join(timeout=5.0)
        self._dead = True
        try:
            self._conn.close()
        except OSError:
            pass
