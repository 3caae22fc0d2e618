"""The scenario catalogue: every scenario file, built-in ones first (the tutorial leading), then custom
folders, each loaded or with the reasons it could not be (LINE:COL problems), so one bad file never breaks
the list. Scenario select shows it; the flow (the next scenario), the kiosk's board (scenario names) and the demo (its
scenario keys) read it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    """One file of the catalogue: the scenario, or why it could not be loaded."""

    path: Path
    scenario: object | None = None
    problems: list[str] = field(default_factory=list)
    custom: bool = False

    @property
    def title(self) -> str:
        return self.scenario.title if self.scenario is not None else self.path.name


def _load(path: Path, custom: bool) -> Entry:
    from engine.format import ScenarioError
    from engine.load import load

    try:
        return Entry(path, load(path), custom=custom)
    except ScenarioError as e:
        return Entry(path, None, [f"{p.line}:{p.col}: {p.message}" for p in e.problems], custom)
    except Exception as e:  # unreadable file, or a loader bug: still a card, never a crash
        return Entry(path, None, [f"{type(e).__name__}: {e}"], custom)


def _first_for_a_newcomer(entry: Entry) -> tuple:
    """The built-in scenarios in the order a new player meets them: the shortest round first (the tutorial's
    minute), then by file name."""
    seconds = entry.scenario.kiosk.round_seconds if entry.scenario is not None else float("inf")
    return seconds, entry.path.name


def catalogue(dirs=()) -> list[Entry]:
    """Every scenario file: the built-in folder's (the shortest round first), then each of `dirs` (sorted by
    name within a folder)."""
    from engine.load import builtin_dir

    out = sorted((_load(p, False) for p in Path(builtin_dir()).glob("*.yaml")), key=_first_for_a_newcomer)
    for d in dirs:
        out += [_load(p, True) for p in sorted(Path(d).glob("*.y*ml"))]
    return out
