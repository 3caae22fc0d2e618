"""Starting the game: `python main.py [play]` opens the window, then either the mode asked for on the command
line (`--kiosk`, `--facilitator`, `--demo`) or the ordinary game's title.

This is the one place outside the tools that imports a mode: each mode's `install(app, ...)` makes the app
that mode (its layer, its crash guard, its screens given to the flow) and shows its first screen.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pygame

from game.core.app import App, open_app
from game.play import flow


def start_mode(app: App, args) -> bool:
    """Start the mode asked for on the command line; False when none was, and the ordinary game starts."""
    if getattr(args, "data", None):
        app.data_dir = args.data
    app.board = getattr(args, "board", None)  # --board URL: the shared board (game.modes.shared.store)
    if getattr(args, "kiosk", False):
        from game.modes.kiosk.mode import KioskOptions, install

        opts = KioskOptions()
        if getattr(args, "idle", None) is not None:
            opts.idle_seconds = float(args.idle)
        install(app, opts)
        if not app.headless:
            pygame.mouse.set_visible(False)
        return True
    if getattr(args, "facilitator", False):
        from game.modes.workshop.mode import install as workshop

        workshop(app, scenario_dirs=getattr(args, "scenarios", None) or [])
        return True
    if getattr(args, "demo", False):
        from game.modes.demo.mode import install as demo

        demo(app, scenario_dirs=getattr(args, "scenarios", None) or [])
        return True
    if getattr(args, "scenarios", None):  # custom scenarios in the ordinary game too
        app.settings.scenario_dirs = [Path(d) for d in args.scenarios]
    return False


def run_game(args) -> int:
    """`python main.py [play]`: open the window and play."""
    kiosk = bool(getattr(args, "kiosk", False)) and not getattr(args, "headless", False)
    app = open_app(args, fullscreen=kiosk,  # a kiosk fills the display, whatever its size
                   hint="try 'python main.py --help' for the command line.")
    if app is None:
        return 1
    if not start_mode(app, args):
        flow.title(app)
    started = time.perf_counter()
    code = app.run(frames=getattr(args, "frames", None))
    if app.headless:
        print(f"ran {app.frames} frames headless in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    pygame.quit()
    return code
