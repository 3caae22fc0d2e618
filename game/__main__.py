"""`python -m game`: the game and its commands, exactly as `python main.py` and the installed `processplay`.

This is an entry point, above the game like main.py itself: it only hands the command line to main.main.
"""
import sys

if __name__ == "__main__":  # not on an import (a tool walking every module of game/)
    from main import main

    sys.exit(main())
