"""Test set-up: pygame must never need a screen or a sound card here."""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# Leaderboards, leads and logs of a test run go to a throwaway folder, never the user's real data.
os.environ.setdefault("PROCESSPLAY_DATA", tempfile.mkdtemp(prefix="processplay-tests-"))

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
