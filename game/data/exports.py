"""Files a facilitator or a sales team takes away: the leads, every workshop round, the event log of a run.

Every file is written whole or not at all, through engine.files.atomic_file: into a temporary file beside
the target, flushed to disk, then renamed over it (`os.replace`), so an export interrupted half-way (a full
disk, a crash) never leaves a truncated CSV where the previous good one was. Overwriting the named file is
the point of an export; nothing else is touched: a folder, a device or a pipe in its place is refused
(`WriteError`), never replaced.

CSV is UTF-8 with a byte-order mark, so a spreadsheet opens accented names correctly. Text a visitor typed
that begins with `=`, `+`, `-`, `@` (or a tab or carriage return) is written with a leading apostrophe, so a
spreadsheet shows it as text instead of running it as a formula.
"""
from __future__ import annotations

import contextlib
import csv
import os
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Sequence

from engine import files as engine_files
from engine.files import WriteError

from game.data.store import RoundRecord, Store

__all__ = ["ExportError", "ExportWriteError", "WriteError", "check_folder", "atomic_file", "atomic_text", "atomic_bytes", "write_csv",
           "export_leads", "export_results", "LEAD_COLUMNS", "RESULT_COLUMNS", "RESULT_KPIS", "find_scenario",
           "export_round_events", "export_run_events", "round_map", "Scenarios"]

LEAD_COLUMNS = ("name", "company", "email", "consent_at", "scenario", "profit", "created")
#: The KPIs a results sheet shows, when a scenario reports them (blank otherwise): after the score, its
#: composition (revenue, cost, of which `penalties`: every penalty.ID of the contract), then the targets'.
RESULT_KPIS = ("revenue", "cost", "service_level", "abandon_rate", "mean_wait", "on_time_rate", "fill_rate",
               "completed")
#: One score per round: `profit` on the evaluation days (money), then the defaults' and par's on the same days.
RESULT_COLUMNS = ("workshop", "team", "round", "scenario", "profit", "defaults_profit", "par_profit", "stars",
                  "map_score", "revenue", "cost", "penalties", *RESULT_KPIS[2:], "rules", "seed", "played_at")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """An export that cannot be made (a round's scenario not found, no rounds yet); `str(e)` says why.
    A file that cannot be written is engine.files.WriteError (exported here as WriteError)."""


class ExportWriteError(ExportError, WriteError):
    """An export's file that cannot be written (a folder, a device, a missing folder, a full disk): both
    an ExportError, as callers of the exports catch, and engine.files' WriteError."""


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO]:
    """A file to write `path` through (engine.files.atomic_file, with newline="" as csv wants): the content
    appears only when the block ends without an exception; ExportWriteError, the old file intact, when
    `path` is a folder, a device or in a missing folder, or when the disk is full or read-only."""
    try:
        with engine_files.atomic_file(path, binary=binary, encoding=encoding, newline="") as f:
            yield f
    except WriteError as e:
        if isinstance(e, ExportError):
            raise
        raise ExportWriteError(e.path, e.why, e.errno) from None


def check_folder(path: str | os.PathLike) -> Path:
    """The folder `path` known to be makeable (or there already) before anything is written or made:
    ExportWriteError when a file, a device or a read-only folder stands in the way. Nothing is made here
    (engine.files.ensure_folder makes it once every target of the export has been checked)."""
    folder = Path(os.fspath(path))
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe == folder and not folder.is_dir():
        raise ExportWriteError(folder, "is a file, not a folder" if folder.is_file() else "is not a folder")
    if not probe.is_dir():
        raise ExportWriteError(probe, "a part of the path is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ExportWriteError(probe, "permission denied (the folder is read-only for this user)")
    return folder


def atomic_text(path: str | os.PathLike, encoding: str = "utf-8"):
    return atomic_file(path, encoding=encoding)


def atomic_bytes(path: str | os.PathLike):
    return atomic_file(path, binary=True)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(path: str | os.PathLike, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV (header, then rows) atomically; return the number of rows."""
    n = 0
    with atomic_text(path, encoding="utf-8-sig") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        for row in rows:
            w.writerow([_cell(v) for v in row])
            n += 1
    return n


def export_leads(store: Store, path: str | os.PathLike) -> int:
    """Every lead, oldest first, as CSV with LEAD_COLUMNS; the number of leads."""
    return write_csv(path, LEAD_COLUMNS, ((lead.name, lead.company, lead.email, lead.consent_at, lead.scenario,
                                           _number(lead.profit, 2), lead.created) for lead in store.leads()))


def _number(v: float | None, digits: int = 4) -> Any:
    return "" if v is None else round(v, digits)


def _rules_text(rules: dict) -> str:
    """The levers a round began with, then what changed during its day (game.play.decisions)."""
    from game.play.decisions import lever_values, script_of

    text = "; ".join(f"{k}={v}" for k, v in lever_values(rules).items())
    for t, kind, what in script_of(rules):
        said = (f"decision {what[0]}={what[1]}" if kind == "decide" else
                ", ".join(f"{k}={v}" for k, v in what.items()))
        text += f"; at {t:g}: {said}"
    return text


def _penalties(kpis: dict) -> float | None:
    """The contract's charges of a round: the sum of its penalty.ID KPIs (None when it reported none)."""
    charges = [v for k, v in kpis.items() if k.startswith("penalty.") and v is not None]
    return sum(charges) if charges else None


def result_row(r: RoundRecord, scenario=None) -> list[Any]:
    """A round's row; a KPI that does not apply to its `scenario` (engine.kpis_applying: a fill rate
    without a shelf) is left blank, as one the round did not report (all kept when the scenario is unknown)."""
    from engine.kpis_applying import applies

    def kpi(name: str) -> Any:
        return "" if scenario is not None and not applies(scenario, name) else _number(r.kpis.get(name))

    return [r.workshop, r.team, r.round, r.scenario, _number(r.profit, 2), _number(r.baseline, 2),
            _number(r.par, 2), r.stars, r.map_score, _number(r.kpis.get("revenue"), 2),
            _number(r.kpis.get("cost"), 2), _number(_penalties(r.kpis), 2),
            *(kpi(k) for k in RESULT_KPIS[2:]), _rules_text(r.rules), r.seed, r.created]


class Scenarios:
    """The scenarios of stored rounds, each looked up once (find_scenario); None for one not found."""

    def __init__(self, folders: Iterable[str | os.PathLike] = ()):
        self.folders = list(folders)
        self.found: dict[tuple, Any] = {}

    def of(self, record: RoundRecord):
        key = (record.scenario, record.scenario_path)
        if key not in self.found:
            try:
                self.found[key] = find_scenario(record.scenario, record.scenario_path, self.folders)
            except ExportError:
                self.found[key] = None
        return self.found[key]


def export_results(store: Store, path: str | os.PathLike, workshop: str | None = None, team: str | None = None,
                   folders: Iterable[str | os.PathLike] = ()) -> int:
    """`results.csv`: every round (of `workshop`, of `team`, or all), team by team, with RESULT_COLUMNS;
    the number of rounds. Shares (service level, abandon rate) are fractions, money in the scenario's
    currency, times in its time unit; a KPI that does not apply to a round's scenario is blank (the
    columns stay the same, so sheets of several workshops line up)."""
    scenarios = Scenarios(folders)
    rounds = store.rounds(team=team, workshop=workshop)
    return write_csv(path, RESULT_COLUMNS, (result_row(r, scenarios.of(r)) for r in rounds))


# --- event logs ---------------------------------------------------------------------------------------


def find_scenario(scenario_id: str, path: str | os.PathLike | None = None,
                  folders: Iterable[str | os.PathLike] = ()):
    """The scenario a round was played on: from its file if that still holds it, else the first file with
    that id among `folders` and the built-in scenarios. ExportError when none is found."""
    from engine.format import ScenarioError
    from engine.load import builtin_dir, load

    candidates = [Path(path)] if path else []
    for folder in [*folders, builtin_dir()]:
        candidates += sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml"))
    for candidate in candidates:
        try:
            scenario = load(candidate)
        except (ScenarioError, OSError):
            continue
        if scenario.id == scenario_id:
            return scenario
    raise ExportError(f"scenario '{scenario_id}' not found (give its folder with --scenarios DIR)")


def export_run_events(scenario, path: str | os.PathLike, pmap=None, rules: dict | None = None,
                      seed: int | None = None, script=(), context=None, days=(0,)) -> int:
    """The event log of `days` of `scenario` (the first evaluation day by default) with this map, rules and
    seed, playing `script` (the levers and decisions of a day as played), in engine.eventlog's one format
    (CSV, or XES for a `.xes` path), written atomically; the number of events."""
    from engine.eventlog.export import export_log, log_format

    with atomic_text(path) as f:
        return export_log(scenario, f, fmt=log_format(path, None), pmap=pmap, rules=rules, seed=seed, days=days,
                          script=tuple(script), context=context)


def round_map(scenario, record: RoundRecord):
    """The map a round was played with, as the engine takes it (the reference when none was kept)."""
    from engine.format import parse_edge
    from engine.model import ProcessMap

    if not record.edges:
        return None
    return ProcessMap(tuple(parse_edge(e) for e in record.edges), scenario=scenario.id)


def export_round_events(record: RoundRecord, path: str | os.PathLike, scenario=None,
                        folders: Iterable[str | os.PathLike] = ()) -> int:
    """The event log of the day a stored round played: its map, rules and seed replayed (same seed, same
    day, to the last event); the number of events."""
    if scenario is None:
        scenario = find_scenario(record.scenario, record.scenario_path, folders)
    from game.play.decisions import script_of

    from engine.eventlog.rows import Context

    rules = {k: v for k, v in record.rules.items() if scenario.rule(k) is not None}
    seed = scenario.run.seed if record.seed is None else record.seed
    context = Context(scenario.id, workshop=record.workshop, team=record.team, round=record.round, seed=seed,
                      date=(record.created or "")[:10] or Context.date)
    return export_run_events(scenario, path, pmap=round_map(scenario, record), rules=rules, seed=seed,
                             script=script_of(record.rules), context=context)
