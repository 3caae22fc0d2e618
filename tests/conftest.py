"""Test set-up: pygame must never need a screen or a sound card here."""
import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# Leaderboards, leads and logs of a test run go to a throwaway folder, never the user's real data.
os.environ.setdefault("PROCESSPLAY_DATA", tempfile.mkdtemp(prefix="processplay-tests-"))
os.environ.pop("PROCESSPLAY_BOARD", None)  # and never to a shared board a developer's shell may name

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _settle() -> None:
    """Let background jobs (results tallies, what-ifs) end, so that no later test runs beside them."""
    import threading

    for t in threading.enumerate():
        # not a library's watcher that lives as long as the process (tqdm's monitor, started by pm4py)
        if t is not threading.main_thread() and t.daemon and type(t).__name__ != "TMonitor":
            t.join(timeout=120)



@pytest.fixture
def mode_app(tmp_path):
    """A headless 1920x1080 App keeping its data in this test's folder; afterwards its background jobs are
    let finish and its store closed (the kiosk, workshop and demo tests build on it)."""
    import pygame

    from game.core.app import App

    pygame.init()
    a = App((1920, 1080), headless=True)
    a.data_dir = tmp_path / "data"
    yield a
    _settle()
    if getattr(a, "store", None) is not None:
        a.store.close()
