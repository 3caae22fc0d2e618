"""ProcessPlay: play (`python main.py`) or do the same work on the command line.

    python main.py                      the game (with no display: the customer-service day, simulated)
    python main.py validate [FILE...]   check scenario files (the built-in ones when none is named): exit 0,
                                        or exit 2 and FILE:LINE:COL lines
    python main.py schema               the JSON Schema of the scenario format, for editors
    python main.py simulate FILE        run the day: KPIs with 95 % half-widths (--json, --map, --rule ...)
    python main.py optimize FILE        the best rule values found, with the defaults' and par's profit
    python main.py screenshots DIR      a PNG of every screen worth seeing (--size WxH)
    python main.py leads --export FILE  the details visitors left at the kiosk, as CSV (--forget EMAIL)
    python main.py results --export FILE  every workshop round as CSV (--reports DIR: a debrief per team)

Exit codes: 0 success, 2 bad input (a file, a map, a rule value), 1 anything else.

The same commands run as `processplay` (the installed command) and `python -m game`; the help and the messages
name the one that was typed (`command_name`). The game, its autoplay and its screenshots refuse to start, exit 1
with a message, when there is no scenario to play (a broken install), rather than show an empty list that
nobody at the keys could leave.

Whatever the user typed or a file holds is printed through `engine.words.printable`, so a control or
escape character in a name shows as `\x1b` and cannot drive the terminal. Any failure that is not bad
input prints one line `error: ...` and exits 1; `--debug` (before the command) shows the traceback.

Why one file of some 680 lines: it is the whole command line and only that (each command one short function
that checks what was typed, calls the engine or the game, and prints; then the parser that names them), with
only the entry points importing it (`python -m game`), and it sits at the top level where `python main.py` finds it.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
DEFAULT_SCENARIO = "customer_service.yaml"


class BadInput(Exception):
    """Input the user can fix: printed (after 'error: ' unless `bare`), exit 2.

    A bare message is one FILE:LINE:COL line per problem; `lines` keeps them apart, so that escaping a
    line break inside one problem never merges or splits them."""

    def __init__(self, message: str = "", bare: bool = False, lines: list[str] | None = None):
        super().__init__(message or "\n".join(lines or ()))
        self.bare = bare
        self.lines = list(lines) if lines is not None else str(self).split("\n")


def safe(text) -> str:
    """User text (a name, a path, a value) as it may be printed: see engine.words.printable."""
    from engine.words import printable

    return printable(text)


def print_bad_input(e: BadInput) -> None:
    for line in e.lines:
        if e.bare:
            print(safe(line))
        else:
            print(f"error: {safe(line)}", file=sys.stderr)


def command_name(argv0: str | None = None) -> str:
    """The command this run was started as, for the help and the messages: `processplay` (the installed
    script), `python -m game`, or `python main.py` (also when main is imported, as by `python -c`)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    name = os.path.basename(argv0)
    if name == "__main__.py":
        return f"python -m {os.path.basename(os.path.dirname(argv0))}"
    if name.endswith(".py"):
        return f"python {name}"
    if not name or name == "-c":
        return "python main.py"
    return name.removesuffix(".exe")


class _Version(argparse.Action):
    """--version, read only when asked (finding the package metadata is not free)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from engine.resources import version

        print(f"processplay {version()}")
        parser.exit()


def missing_scenarios(folders=()) -> str | None:
    """Why there is no scenario to play, or None when there is one: the built-in folder holds none (a broken
    install) and neither does any folder of `--scenarios`."""
    from pathlib import Path

    from engine.resources import builtin_scenario_files, builtin_scenarios

    if builtin_scenario_files() or any(any(Path(d).glob("*.y*ml")) for d in folders or ()):
        return None
    return (f"no scenario found: the built-in scenarios should be in {safe(builtin_scenarios())}, which holds "
            "none (reinstall processplay)")


def refuse(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR


def cmd_validate(args) -> int:
    from engine.load import validate_file
    from engine.optimize.par import par_problems
    from engine.resources import builtin_scenario_files

    files = args.files or builtin_scenario_files()
    if not files:
        return refuse(missing_scenarios())
    bad = 0
    for path in files:
        # A valid file whose fresh par file says no setting meets every target is a problem too.
        problems = validate_file(path) or par_problems(path)
        for p in problems:
            print(p)
        if problems:
            bad += 1
        elif not args.quiet:
            print(f"{safe(path)}: ok", file=sys.stderr)
    return EXIT_BAD_INPUT if bad else EXIT_OK


def cmd_schema(args) -> int:
    from engine.format import json_schema

    json.dump(json_schema(), sys.stdout, indent=2)
    print()
    return EXIT_OK


def load_scenario(path):
    """The scenario at `path`, or BadInput carrying every FILE:LINE:COL problem."""
    from engine.format import ScenarioError
    from engine.load import load

    try:
        return load(path)
    except ScenarioError as e:
        raise BadInput(lines=[str(p) for p in e.problems], bare=True) from None


def load_player_map(path, scenario):
    from engine.maps import format_problem, read_map

    pmap, problems = read_map(path, scenario)
    if problems:
        raise BadInput(lines=[format_problem(p, str(path)) for p in problems], bare=True)
    return pmap


def parse_log_days(day, scenario, reps) -> list[int] | None:
    """The evaluation days `--events-day` picks (replication indices), None for all of the run's; BadInput
    past the run's last day."""
    total = reps or scenario.run.replications
    if day is None:
        return None
    if day > total:
        raise BadInput(f"--events-day {day}: the run has {total} evaluation day{'s' if total != 1 else ''}")
    return [day - 1]


def parse_decisions(pairs, scenario) -> list:
    """`--decide EVENT=CHOICE` arguments (EVENT the event's number in the file, from 1) as a day's script."""
    script = []
    numbers = [str(i + 1) for i, ev in enumerate(scenario.events) if ev.decision is not None]
    for pair in pairs or ():
        number, sep, cid = (x.strip() for x in pair.partition("="))
        if not sep:
            raise BadInput(f"--decide takes EVENT=CHOICE, e.g. --decide 1=temps; got '{_shorten(pair)}'")
        if number not in numbers:
            raise BadInput(f"--decide: no event {_shorten(number)} asks a decision"
                           + (f" (events that do: {', '.join(numbers)})" if numbers else " in this scenario"))
        i = int(number) - 1
        event = scenario.events[i]
        if cid not in event.decision.ids():
            raise BadInput(f"--decide: event {number} has no choice '{_shorten(cid)}' "
                           f"(choices: {', '.join(event.decision.ids())})")
        if any(c[2][0] == i for c in script):
            raise BadInput(f"--decide: event {number} is decided twice")
        script.append((float(event.at), "decide", (i, cid)))
    return sorted(script, key=lambda c: c[0])


def print_decisions(scenario, script) -> None:
    """The decisions the days took: "At 13:00 (event 1): Call in 6 temps" or "...: Ride it out (default)"."""
    from engine.decisions import moment, taken

    for i, t, choice, default in taken(scenario, script):
        print(safe(f"At {moment(scenario, t)} (event {i + 1}): {choice.label}" + (" (default)" if default else "")))


def parse_rules(pairs, scenario) -> dict:
    """`--rule ID=VALUE` arguments as checked rule values."""
    from engine.rules import RuleError, rule_value

    out = {}
    for pair in pairs or ():
        rid, sep, value = pair.partition("=")
        if not sep:
            raise BadInput(f"--rule takes ID=VALUE, e.g. --rule seniors=6; got '{_shorten(pair)}'")
        try:
            out[rid.strip()] = rule_value(scenario, rid.strip(), value.strip())
        except RuleError as e:
            raise BadInput(str(e)) from None
    return out


class Progress:
    """A progress bar on standard error, shown only on a terminal and only once a run takes over a second."""

    def __init__(self, label: str, stream=None, delay: float = 1.0):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False

    def __call__(self, done: float, total: float = 1.0, message: str = "") -> None:
        if not self.enabled or time.monotonic() - self.start < self.delay:
            return
        frac = max(0.0, min(1.0, done / total if total else 1.0))
        bar = "#" * int(frac * 30)
        self.stream.write(f"\r{self.label} [{bar:<30}] {frac:4.0%} {message[:40]:<40}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def format_kpi(name: str, value: float, scenario) -> str:
    """A KPI value as a manager reads it: shares in %, money with the currency, times in the file's unit."""
    from engine.model import SHARE_KPIS

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    base = name.split(".")[0]
    if base in SHARE_KPIS:
        return f"{value * 100:.1f} %"
    if base in ("revenue", "cost", "profit", "score", "penalty", "decision_cost"):
        return f"{value:,.0f} {scenario.currency}"
    if base in ("mean_wait", "asa", "mean_time_in_system"):
        return f"{value:.2f} {scenario.time.unit}s"
    return f"{value:,.1f}"


def format_halfwidth(name: str, half: float, scenario) -> str:
    if half is None or math.isnan(half):
        return ""
    return "± " + format_kpi(name, half, scenario)


def cmd_simulate(args) -> int:
    from engine.budget import CannotRun
    from engine.sim import MapError
    from engine.rules import apply_rules
    from engine.sim import run

    scenario = load_scenario(args.file)
    rules = parse_rules(args.rule, scenario)
    script = parse_decisions(getattr(args, "decide", None), scenario)
    limited = not getattr(args, "no_work_limit", False)
    # The map is checked against the day it will run: a rule may open a port (an overflow, a resolve below 1).
    pmap = load_player_map(args.map, apply_rules(scenario, rules)) if args.map else None
    if limited:
        check_work(scenario, pmap, rules, args.reps)
    logs = [path for path in (args.events_csv, args.events_xes) if path]
    for path in logs:
        writable_file(path)  # refused before the run, not after it
    days = parse_log_days(args.events_day, scenario, args.reps)
    progress = Progress("simulating")
    try:
        result = run(scenario, pmap=pmap, rules=rules, replications=args.reps, seed=args.seed,
                     progress=lambda done, total: progress(done, total, f"replication {done}/{total}"),
                     workers=args.workers, work_limit=limited, script=script)
        for path, fmt in ((args.events_csv, "csv"), (args.events_xes, "xes")):
            if path:
                from engine.files import WriteError
                from engine.eventlog.export import export_log

                try:
                    export_log(scenario, path, fmt=fmt, pmap=pmap, rules=rules, seed=result.seed, days=days,
                               script=script)
                except WriteError as e:
                    raise BadInput(str(e)) from None
    except MapError as e:
        raise BadInput(lines=list(e.problems)) from None
    except CannotRun as e:
        raise BadInput(str(e)) from None
    finally:
        progress.close()
    if args.json:
        json.dump(_finite(result.to_json()), sys.stdout, indent=2, allow_nan=False, default=_json_default)
        print()
        return EXIT_OK
    print(safe(f"{scenario.title}: {days_said(scenario, result)}"
               + (f", map {args.map}" if args.map else ", reference map")))
    if result.rules:
        print(safe("rules: " + ", ".join(f"{k}={v}" for k, v in result.rules.items())))
    print_decisions(scenario, script)
    shown = [n for n in result.summary if n != "score"]  # the score is the profit: one line of money
    width = max(len(n) for n in shown)
    print(f"{'KPI':<{width}}  {'mean':>16}  {'95 % half-width':>18}")
    for name in shown:
        mean, half = result.summary[name]
        print(safe(f"{name:<{width}}  {format_kpi(name, mean, scenario):>16}  "
                   f"{format_halfwidth(name, half, scenario):>18}"))  # the currency is the file's text
    print_money(scenario, result)
    which = f"evaluation day {args.events_day}" if args.events_day else f"the {result.replications} evaluation days"
    for path in logs:
        print(f"event log of {which} written to {safe(path)}")
    return EXIT_OK


def days_said(scenario, result) -> str:
    """Which days a run measured: the scenario's evaluation days, or others the command line asked for."""
    from engine.scoring import evaluation_days

    n = result.replications
    if (result.seed, n) == evaluation_days(scenario):
        return f"its {n} evaluation day{'s' if n != 1 else ''} (seed {result.seed}), as every screen measures it"
    return (f"{n} day{'s' if n != 1 else ''}, seed {result.seed} (not its evaluation days, so not the game's "
            "numbers)")


def print_money(scenario, result) -> None:
    """The profit's composition: revenue and cost lines, each penalty by name, adding up to the profit."""
    from engine.money import money_lines

    money = money_lines(scenario, result.rules, result.means())
    rows = [(label, v) for label, v in money.revenue] + [(label, -v) for label, v in money.cost]
    width = max(len(label) for label, _ in rows + [("Profit", 0)])
    print()
    print(safe(f"Money, mean of the {result.replications} day{'s' if result.replications != 1 else ''}"))
    for label, v in rows:
        print(safe(f"  {label:<{width}}  {v:>14,.2f} {scenario.currency}"))
    print(safe(f"  {'Profit':<{width}}  {money.profit:>14,.2f} {scenario.currency}"))


def check_work(scenario, pmap, rules, reps) -> None:
    """Refuse a run out of reach before it starts (engine.budget), at the value to change; exit 2."""
    from engine.load import work_problems
    from engine.rules import apply_rules

    ruled = apply_rules(scenario, rules) if rules else scenario
    problems = work_problems(ruled, pmap, reps, f"--reps {reps}" if reps is not None else None)
    if problems:
        raise BadInput("\n".join(str(p) if p.line else f"error: {p.message}" for p in problems), bare=True)


def _json_default(o):
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"cannot write {type(o).__name__} as JSON")


def cmd_optimize(args) -> int:
    from engine.budget import CannotRun
    from engine.optimize import optimize
    from engine.sim import MapError

    scenario = load_scenario(args.file)
    pmap = load_player_map(args.map, scenario) if args.map else None
    if not scenario.rules:
        raise BadInput(f"{safe(args.file)}:1:1: the scenario has no rules to optimise", bare=True)
    limited = not getattr(args, "no_work_limit", False)
    if limited:
        check_work(scenario, pmap, None, None)
    if args.write_par:
        from engine.optimize import par_path

        writable_file(par_path(args.file))  # refused before the search, not after it
    progress = Progress("optimising", delay=0.0)
    try:
        result = optimize(scenario, pmap=pmap, seed=args.seed, seconds=args.seconds,
                          progress=lambda frac, msg="": progress(frac, 1.0, msg), work_limit=limited)
    except MapError as e:
        raise BadInput(lines=list(e.problems)) from None
    except CannotRun as e:
        raise BadInput(str(e)) from None
    finally:
        progress.close()
    if args.write_par:
        from engine.files import WriteError
        from engine.optimize import par_path, save_par

        try:
            save_par(scenario, result, par_path(args.file))
        except WriteError as e:
            raise BadInput(str(e)) from None
        print(f"par written to {safe(par_path(args.file))}", file=sys.stderr)
    if args.json:
        json.dump(_finite({**result.to_json(scenario.id), "targets_met": result.targets_met}), sys.stdout,
                  indent=2, default=_json_default)
        print()
        return EXIT_OK
    print(safe(f"{scenario.title}: its {result.replications} evaluation days (seed {result.seed})"))
    cur = safe(scenario.currency)
    print(f"defaults' profit:  {result.baseline:>10,.0f} {cur} ± {result.baseline_ci:,.0f}")
    print(f"par's profit:      {result.par:>10,.0f} {cur} ± {result.par_ci:,.0f}")
    print(safe(targets_sentence(scenario, result)))
    width = max(len(r.id) for r in scenario.rules)
    for rule in scenario.rules:
        value = result.best_rules.get(rule.id)
        mark = "" if value == rule.default else f"   (default {rule.default})"
        print(safe(f"  {rule.id:<{width}}  {value}{mark}"))
    return EXIT_OK


def targets_sentence(scenario, result) -> str:
    """Whether par's rules meet every target on the days, in words; which ones they miss and by how much."""
    from engine.optimize.par import unmet_targets

    if not scenario.objective.targets:
        return "targets: none (par is the best profit found)"
    if result.targets_met:
        return "targets: par's rules meet every target (par is the best profit among settings that do)"
    return "targets: " + unmet_targets(scenario, result)


def _finite(o):
    """JSON has no NaN: a KPI that could not be measured is written as null."""
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_finite(v) for v in o]
    return o


def has_display() -> bool:
    """Whether a window can open here (SDL may still refuse; the caller handles that too)."""
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def cmd_play(args) -> int:
    on_the_command_line = not has_display() and not getattr(args, "headless", False)
    missing = missing_scenarios(() if on_the_command_line else getattr(args, "scenarios", None))
    if missing:
        return refuse(missing)
    check_board(args)
    if on_the_command_line:
        print("No display here, so no window: showing the customer-service day on the command line instead "
              f"({command_name()} --help lists every command).", file=sys.stderr)
        return headless_main_job()
    if getattr(args, "autoplay", False):
        from game.tools.autoplay import run_autoplay

        return run_autoplay(args)
    from game.modes.start import run_game

    return run_game(args)


def cmd_screenshots(args) -> int:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    missing = missing_scenarios()
    if missing:
        return refuse(missing)
    from game.tools.screenshots import main as screenshots

    return screenshots(args.dir, args.size or (1920, 1080))


def writable_file(path):
    """`path` checked as a file to write (engine.files.check_target): BadInput when it is a folder, a
    device, a pipe, or in a missing folder. Called before the work whose result it will hold."""
    from engine.files import WriteError, check_target

    try:
        return check_target(path)
    except WriteError as e:
        raise BadInput(str(e)) from None


def writable_folder(path):
    """The folder `path`, made if missing (engine.files.ensure_folder); BadInput when it cannot be."""
    from engine.files import WriteError, ensure_folder

    try:
        return ensure_folder(path)
    except WriteError as e:
        raise BadInput(str(e)) from None


def open_store(args):
    """The database of `--data DIR` (or the user's data folder), or the shared board of `--board URL` (or
    $PROCESSPLAY_BOARD); BadInput (exit 2) when it cannot be opened there: a file named as the folder, a
    read-only folder, not a database, a board's URL refused, psycopg missing, a server not answering."""
    from game.data.store import Store, StoreError, board_url

    try:
        return Store.open(getattr(args, "data", None), board=board_url(getattr(args, "board", None)))
    except StoreError as e:
        raise BadInput(str(e)) from None


def check_board(args) -> None:
    """BadInput (exit 2) before the game starts when its `--board` URL is refused or psycopg is missing."""
    from game.data.store import StoreError, board_url, check_board_url, require_psycopg

    board = board_url(getattr(args, "board", None))
    if board is not None:
        try:
            check_board_url(board)
            require_psycopg()
        except StoreError as e:
            raise BadInput(str(e)) from None


def cmd_board_setup(args) -> int:
    """`board setup URL`: the board's schema and roles made on the server, as its owner (game.data.store.roles)."""
    from getpass import getpass

    from game.data.store import StoreError
    from game.data.store.roles import setup_board

    def ask(role: str) -> str:
        return getpass(f"password for {role} (empty: none, for peer or trust authentication): ")

    try:
        for line in setup_board(args.url, ask if args.passwords else None):
            print(line)
    except StoreError as e:
        raise BadInput(str(e)) from None
    return EXIT_OK


def cmd_leads(args) -> int:
    from engine.files import WriteError
    from game.data.exports import export_leads
    from game.data.store import StoreError

    if args.export:
        writable_file(args.export)
    with open_store(args) as store:
        try:
            if args.forget:
                n = store.forget_lead(args.forget)
                print(f"{n} lead(s) with {safe(args.forget)} deleted", file=sys.stderr)
            if args.export:
                n = export_leads(store, args.export)
                print(f"{n} lead(s) written to {safe(args.export)}", file=sys.stderr)
        except (WriteError, StoreError) as e:
            raise BadInput(str(e)) from None
        if not (args.export or args.forget):
            print(f"{len(store.leads())} lead(s) in {safe(store.path)}")
    return EXIT_OK


def results_plan(args, store, folders) -> tuple[list, tuple | None]:
    """Every file `results` is asked to write, known and checked before the first byte of any: the
    event logs (each round with its file; its scenario found), the debriefs (game.data.report.debrief_plan),
    each folder makeable and each file in a folder already there checked (engine.files.check_target);
    only then are the folders made. BadInput (exit 2, one line,
    nothing written) when any of them cannot be."""
    from engine.files import WriteError
    from game.data.exports import ExportError, Scenarios, check_folder, find_scenario
    from game.data.report import debrief_plan, event_log_names
    from pathlib import Path

    made = [Path(os.path.abspath(f)) for f in (args.events, args.reports) if f]  # with their parents
    try:
        for folder in made:
            check_folder(folder)
        if args.export:
            sheet_folder = Path(os.path.abspath(args.export)).parent
            if sheet_folder.is_dir() or not any(sheet_folder in (f, *f.parents) for f in made):
                writable_file(args.export)  # else its folder is one those made will make
        logs = event_log_names(store.rounds(team=args.team, workshop=args.workshop)) if args.events else []
        scenarios = Scenarios(folders)
        for r, _ in logs:
            if scenarios.of(r) is None:
                find_scenario(r.scenario, r.scenario_path, folders)  # raises, saying how to find it
        debriefs = debrief_plan(store, args.workshop, args.team, folders) if args.reports else None
    except (ExportError, WriteError) as e:
        raise BadInput(safe(e)) from None
    targets = [(args.events, name) for _, name in logs]
    targets += [(args.reports, name) for name in debriefs[2]] if debriefs else []
    for folder, name in targets:  # a folder not there yet holds nothing in the way
        if os.path.isdir(folder):
            writable_file(os.path.join(folder, name))
    return [(r, writable_folder(args.events) / name) for r, name in logs], debriefs


def cmd_results(args) -> int:
    from engine.files import WriteError
    from game.data.exports import ExportError, export_results, export_round_events
    from game.data.report import write_debrief, write_debriefs

    folders = getattr(args, "scenarios", None) or ()
    with open_store(args) as store:
        logs, debriefs = results_plan(args, store, folders)
        try:
            if args.export:
                n = export_results(store, args.export, workshop=args.workshop, team=args.team, folders=folders)
                print(f"{n} round(s) written to {safe(args.export)}", file=sys.stderr)
            for r, path in logs:
                export_round_events(r, path, folders=folders)
                print(f"event log of {safe(r.team)}, round {r.round} written to {safe(path)}", file=sys.stderr)
            if debriefs is not None:
                reports_dir = writable_folder(args.reports)
                files = (write_debrief(store, args.team, reports_dir, debriefs[0], folders=folders) if args.team
                         else write_debriefs(store, reports_dir, workshop=debriefs[0], folders=folders))
                for path in files:
                    print(f"debrief written to {safe(path)}", file=sys.stderr)
        except (ExportError, WriteError) as e:
            raise BadInput(safe(e)) from None
        if not (args.export or args.events or args.reports):
            for r in store.rounds(team=args.team, workshop=args.workshop):
                profit = "-" if r.profit is None else f"{r.profit:,.2f}"  # a round kept before the score was money
                print(f"{safe(r.workshop)}  {safe(r.team):<20} round {r.round:>2}  {safe(r.scenario):<20} "
                      f"profit {profit:>12}  {r.stars} star(s)")
    return EXIT_OK


def headless_main_job() -> int:
    """What `python main.py` does without a screen: the built-in scenarios checked, the main one run."""
    from engine.load import validate_file
    from engine.resources import builtin_scenario_files, builtin_scenarios

    status = EXIT_OK
    for path in builtin_scenario_files():
        problems = validate_file(path)
        print(safe(f"{path.name}: {'ok' if not problems else f'{len(problems)} problem(s)'}"))
        for p in problems:
            print(f"  {p}")
            status = EXIT_BAD_INPUT
    main_scenario = builtin_scenarios() / DEFAULT_SCENARIO
    if status == EXIT_OK and main_scenario.exists():
        print()
        status = cmd_simulate(argparse.Namespace(file=str(main_scenario), map=None, rule=None, reps=None,
                                                 seed=None, json=False, events_csv=None, workers=None,
                                                 no_work_limit=False))
    return status


def _shorten(text: str) -> str:
    from engine.words import shorten

    return safe(shorten(text, 40))


MAX_SEED = 2**63 - 1  # as run.seed in a scenario file


def seed_value(text: str) -> int:
    """--seed: a whole number from 0 (numpy's seed sequences take no negative seed)."""
    try:
        value = int(text.strip()) if len(text) <= 40 else None
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 0 to {MAX_SEED}, not '{_shorten(text)}'")
    return value


def at_least_one(text: str) -> int:
    """--reps, --workers: a whole number of at least 1."""
    try:
        value = int(text.strip()) if len(text) <= 40 else None
    except ValueError:
        value = None
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"takes a whole number of at least 1, not '{_shorten(text)}'")
    return value


def seconds_value(text: str) -> float:
    """--seconds: a finite time limit above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"takes a number of seconds above 0, not '{_shorten(text)}'")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, with what it quotes of the command line escaped (an unknown option may hold anything)."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {safe(message)}\n")


def window_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a size is WIDTHxHEIGHT, e.g. 1920x1080, not '{text}'") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"{text} is outside 320x240 .. 7680x4320")
    return w, h


def cmd_bpmn(args) -> int:
    """`bpmn export SCENARIO [--map MAP] OUT.bpmn`: the map (the expert's by default) as BPMN 2.0 with its
    diagram as the game lays it out; `bpmn import MODEL.bpmn OUT.yaml`: a model as a scenario (a skeleton
    whose values to choose are marked TODO, or the same scenario for a file this game wrote)."""
    from engine.files import WriteError, write_text
    from engine.format.yamlpos import YamlError, read_text

    if args.action == "export":
        scenario = load_scenario(args.source)
        pmap = load_player_map(args.map, scenario) if args.map else scenario.reference
        writable_file(args.out)
        from engine.bpmn.export import bpmn_xml
        from game.play.bpmn_diagram import diagram_of

        text = bpmn_xml(scenario, pmap.edges, diagram_of(scenario, pmap.edges, pmap.layout or None))
        said = f"{len(pmap.edges)} links of {'the map ' + safe(args.map) if args.map else 'the expert map'}"
    else:
        from engine.bpmn.imports import BpmnError, scenario_from_bpmn, yaml_text

        writable_file(args.out)
        try:
            raw, notes = scenario_from_bpmn(read_text(args.source, "BPMN"), os.path.basename(args.source))
        except YamlError as e:
            raise BadInput(lines=[str(p) for p in e.problems], bare=True) from None
        except BpmnError as e:
            raise BadInput(f"{safe(args.source)}: {e}") from None
        text = yaml_text(raw, notes, os.path.basename(args.source))
        todos = text.count('"TODO:') + text.count("'TODO:")
        said = f"{len(raw.get('steps', {}))} steps, {len(raw.get('reference', []))} links" + (
            f", {todos} values to choose (python main.py validate {safe(args.out)} lists them)" if todos else "")
    try:
        write_text(args.out, text)
    except WriteError as e:
        raise BadInput(str(e)) from None
    print(f"{safe(args.out)}: {said}")
    return EXIT_OK


BOARD_HELP = ("a shared board on a PostgreSQL server, postgresql://ROLE@HOST/DB (or $PROCESSPLAY_BOARD); "
              "no password in it (pgpass), sslmode=verify-full for another machine")


def game_options() -> argparse.ArgumentParser:
    """Options of the game, accepted both as `python main.py --opt` and `python main.py play --opt`."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("game")
    g.add_argument("--size", type=window_size, metavar="WxH", help="window size (default 1280x720)")
    g.add_argument("--fullscreen", action="store_true", help="fill the screen")
    g.add_argument("--headless", action="store_true", help="run without a display (with --frames, for checks)")
    g.add_argument("--frames", type=int, metavar="N", help="stop after N frames")
    g.add_argument("--autoplay", action="store_true", help="play a whole round by itself, title to results")
    m = g.add_mutually_exclusive_group()
    m.add_argument("--kiosk", action="store_true", help="trade-show kiosk: fullscreen, attract mode, leaderboard")
    m.add_argument("--facilitator", action="store_true", help="workshop: named teams take turns; a board compares them")
    m.add_argument("--demo", action="store_true", help="sales demo: shortcuts to any phase (F1 lists them), what-if")
    g.add_argument("--scenarios", action="append", metavar="DIR", help="a folder of custom scenarios (repeatable)")
    g.add_argument("--idle", type=float, metavar="SECONDS", help="kiosk: seconds without input before 'Still there?' (45)")
    g.add_argument("--data", metavar="DIR", help="where scores, leads and logs are kept (default: the user's data folder)")
    g.add_argument("--board", metavar="URL", help=BOARD_HELP)
    return p


def add_simulate_command(sub) -> None:
    """`simulate FILE`: the evaluation days' KPIs, and their event log on request."""
    p = sub.add_parser("simulate", help="run the day: every KPI with its 95 %% half-width")
    p.add_argument("file", metavar="FILE", help="a scenario file")
    p.add_argument("--map", metavar="MAP", help="a player's map file (default: the expert map)")
    p.add_argument("--rule", action="append", metavar="ID=VALUE", help="a rule value; repeat for several")
    p.add_argument("--decide", action="append", metavar="EVENT=CHOICE",
                   help="the choice taken at event EVENT's decision (its number in the file, from 1); "
                        "a decision not given takes its default")
    p.add_argument("--reps", type=at_least_one, metavar="N", help="replications (default: the scenario's run.replications)")
    p.add_argument("--seed", type=seed_value, metavar="S", help="random seed (default: the scenario's run.seed)")
    p.add_argument("--json", action="store_true", help="print JSON: {scenario, replications, seed, rules, kpis}")
    p.add_argument("--workers", type=at_least_one, metavar="N",
                   help="processes to spread replications over (default: every core; same numbers either way)")
    p.add_argument("--events-csv", metavar="FILE",
                   help="also write the event log of the evaluation days as CSV (XES-style columns, for pm4py)")
    p.add_argument("--events-xes", metavar="FILE", help="also write that event log as XES")
    p.add_argument("--events-day", type=at_least_one, metavar="N",
                   help="log only evaluation day N (from 1; default: every day of the run)")
    p.add_argument("--no-work-limit", action="store_true",
                   help="run even what the work budget refuses (over 50 million events or 2 GiB), and let a "
                        "day go on past its limit")
    p.set_defaults(func=cmd_simulate)


def cmd_discover(args) -> int:
    """`discover LOG.(csv|xes) OUT.yaml`: a scenario discovered from an event log (engine.eventlog.discover)."""
    import yaml

    from engine.eventlog.discover import LogError, discover, read_log
    from engine.files import WriteError, write_text
    import stat

    writable_file(args.out)
    try:
        kind = os.stat(args.log).st_mode
    except OSError as e:
        raise BadInput(f"{safe(args.log)}: cannot read the log: {e.strerror or e}") from None
    if not stat.S_ISREG(kind):  # a folder, a device, a pipe: refused before pm4py opens it
        raise BadInput(f"{safe(args.log)}: this is {'a folder' if stat.S_ISDIR(kind) else 'not a regular file'}, "
                       "not an event log")
    try:
        raw, notes = discover(read_log(args.log), os.path.basename(args.log))
    except LogError as e:
        raise BadInput(f"{safe(args.log)}: {e}") from None
    head = [f"# Discovered by `python main.py discover` from {os.path.basename(args.log)}."] + [f"# Note: {n}" for n in notes]
    try:
        write_text(args.out, "\n".join(head) + "\n" + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
    except WriteError as e:
        raise BadInput(str(e)) from None
    print(f"{safe(args.out)}: {len(raw['steps'])} steps, {len(raw['reference'])} links, "
          f"{len(raw.get('resources', {}))} pools, from {raw['run']['replications']} days")
    return EXIT_OK


def add_bpmn_command(sub) -> None:
    """`bpmn export|import`: maps out as BPMN 2.0 with their diagram, models in as scenarios."""
    p = sub.add_parser("bpmn", help="BPMN 2.0: export a map with its diagram, or import a model as a scenario")
    p.add_argument("action", choices=("export", "import"), help="export SCENARIO OUT.bpmn, or import MODEL.bpmn OUT.yaml")
    p.add_argument("source", metavar="IN", help="the scenario file (export) or the BPMN model (import)")
    p.add_argument("out", metavar="OUT", help="the file to write")
    p.add_argument("--map", metavar="MAP", help="export: a player's map file (default: the expert map)")
    p.set_defaults(func=cmd_bpmn)
    p = sub.add_parser("discover", help="a scenario discovered from an event log (CSV or XES): flow, arrivals, "
                                        "durations, pools, patience (needs the mining extra)")
    p.add_argument("log", metavar="LOG", help="the event log, .csv or .xes")
    p.add_argument("out", metavar="OUT", help="the scenario file to write")
    p.set_defaults(func=cmd_discover)


def data_options() -> argparse.ArgumentParser:
    """Where the data commands find the data: the folder (`--data`) or the shared board (`--board`)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help="the data folder (as for the game)")
    p.add_argument("--board", metavar="URL", default=argparse.SUPPRESS, help=BOARD_HELP)
    return p


def add_board_commands(sub) -> None:
    """`board setup URL`: the shared board's commands, for the server's owner."""
    p = sub.add_parser("board", help="the shared board on a PostgreSQL server (docs/deployment.md)")
    board = p.add_subparsers(dest="board_command", metavar="ACTION", required=True)
    p = board.add_parser("setup", help="once, as the server's owner: the board's tables, and its kiosk, sales "
                                       "and facilitator roles with only what each needs")
    p.add_argument("url", metavar="URL", help="the board's database, as an administrator (no password in it)")
    p.add_argument("--passwords", action="store_true",
                   help="ask for each role's password (default: none, for peer or trust authentication)")
    p.set_defaults(func=cmd_board_setup)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=command_name(), parents=[game_options()],
        description="ProcessPlay: map a business process, pull the levers of its rules, run the day. "
                    "With no command, the game starts.",
        epilog="Exit codes: 0 success, 2 bad input, 1 anything else.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("play", help="start the game (the default)", parents=[game_options()])
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("validate", help="check scenario files (by default the built-in ones); exit 2 with "
                                        "FILE:LINE:COL lines when not valid, or when a fresh par file says no "
                                        "rule setting meets every target")
    p.add_argument("files", nargs="*", metavar="FILE", help="scenario files (default: every built-in scenario)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing for valid files")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format, for editors")
    p.set_defaults(func=cmd_schema)

    add_simulate_command(sub)

    p = sub.add_parser("optimize", help="search the rule values for par, the best profit among settings that meet "
                                        "every target, on the evaluation days: baseline, par, best rules")
    p.add_argument("file", metavar="FILE", help="a scenario file")
    p.add_argument("--map", metavar="MAP", help="a player's map file (default: the expert map)")
    p.add_argument("--seed", type=seed_value, metavar="S", help="random seed (default: the scenario's run.seed)")
    p.add_argument("--seconds", type=seconds_value, default=50.0, metavar="T", help="time limit of the search (default 50)")
    p.add_argument("--json", action="store_true",
                   help="print JSON: {scenario, baseline, par, best_rules, targets_met}")
    p.add_argument("--write-par", action="store_true",
                   help="keep the result beside the scenario (NAME.par.json) so the game never waits for it")
    p.add_argument("--no-work-limit", action="store_true",
                   help="search even a scenario the work budget refuses, and let its days go on past their limit")
    p.set_defaults(func=cmd_optimize)

    p = sub.add_parser("screenshots", help="write a PNG of every screen and state worth seeing into DIR")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--size", type=window_size, metavar="WxH", help="image size (default 1920x1080)")
    p.set_defaults(func=cmd_screenshots)

    p = sub.add_parser("leads", help="the details visitors left at the kiosk (with consent): export or delete",
                       parents=[data_options()])
    p.add_argument("--export", metavar="FILE", help="write them as CSV: name, company, email, consent_at, ...")
    p.add_argument("--forget", metavar="EMAIL", help="delete every lead with this email, as its owner may ask")
    p.set_defaults(func=cmd_leads)

    p = sub.add_parser("results", help="the workshop's rounds: list them, or export CSV, debriefs, event logs",
                       parents=[data_options()])
    p.add_argument("--export", metavar="FILE", help="write results.csv: a row per round with key KPIs and rules")
    p.add_argument("--reports", metavar="DIR", help="write a debrief per team (PNG and PDF) into DIR")
    p.add_argument("--events", metavar="DIR", help="write the event log of each round into DIR")
    p.add_argument("--workshop", metavar="NAME", help="only this workshop (the default for --reports: the latest)")
    p.add_argument("--team", metavar="NAME", help="only this team's rounds")
    p.add_argument("--scenarios", action="append", metavar="DIR", default=argparse.SUPPRESS,
                   help="a folder of custom scenarios the rounds were played on (repeatable)")
    p.set_defaults(func=cmd_results)
    add_bpmn_command(sub)
    add_board_commands(sub)
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected failure")
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    return parser


def _store_refused(e: Exception) -> bool:
    """Whether `e` is the store's refusal in words (game.data.store.StoreError), shown as bad input."""
    from game.data.store import StoreError

    return isinstance(e, StoreError)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_play)
    try:
        return func(args)
    except BadInput as e:
        print_bad_input(e)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # the last resort: one line, not a traceback (bad input is caught above)
        if _store_refused(e):  # a board's role refused, its server gone: said in words, exit 2
            print_bad_input(BadInput(str(e)))
            return EXIT_BAD_INPUT
        if args.debug or os.environ.get("PROCESSPLAY_DEBUG"):
            raise
        print(f"error: unexpected failure: {safe(type(e).__name__)}: {_shorten(str(e).splitlines()[0] if str(e) else '')} "
              f"(run '{command_name()} --debug ...' for the traceback)", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
