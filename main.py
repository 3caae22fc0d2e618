"""ProcessPlay: play (`python main.py`) or do the same work on the command line.

    python main.py                      the game (with no display: the customer-service day, simulated)
    python main.py validate FILE...     check scenario files: exit 0, or exit 2 and FILE:LINE:COL lines
    python main.py schema               the JSON Schema of the scenario format, for editors

Exit codes: 0 success, 2 bad input (a file, a map, a rule value), 1 anything else.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_SCENARIO = "customer_service.yaml"


class BadInput(Exception):
    """Input the user can fix: printed as is, exit 2."""


def cmd_validate(args) -> int:
    from engine.scenario import validate_file

    bad = 0
    for path in args.files:
        problems = validate_file(path)
        for p in problems:
            print(p)
        if problems:
            bad += 1
        elif not args.quiet:
            print(f"{path}: ok", file=sys.stderr)
    return EXIT_BAD_INPUT if bad else EXIT_OK


def cmd_schema(args) -> int:
    from engine.scenario import json_schema

    json.dump(json_schema(), sys.stdout, indent=2)
    print()
    return EXIT_OK


def has_display() -> bool:
    """Whether a window can open here (SDL may still refuse; the caller handles that too)."""
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def cmd_play(args) -> int:
    if not has_display():
        print("No display here, so no window: showing the customer-service day on the command line instead "
              "(python main.py --help lists every command).", file=sys.stderr)
        return headless_main_job()
    from game.app import run_game

    return run_game(args)


def headless_main_job() -> int:
    """What `python main.py` does without a screen: the built-in scenarios checked, the main one run."""
    from engine.scenario import builtin_dir, validate_file

    status = EXIT_OK
    for path in sorted(builtin_dir().glob("*.yaml")):
        problems = validate_file(path)
        print(f"{path.name}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for p in problems:
            print(f"  {p}")
            status = EXIT_BAD_INPUT
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="ProcessPlay: map a business process, pull the levers of its rules, run the day. "
                    "With no command, the game starts.",
        epilog="Exit codes: 0 success, 2 bad input, 1 anything else.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("play", help="start the game (the default)")
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("validate", help="check scenario files; exit 2 with FILE:LINE:COL lines when not valid")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing for valid files")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format, for editors")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_play)
    try:
        return func(args)
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
