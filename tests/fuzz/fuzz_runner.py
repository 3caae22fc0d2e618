"""Run fuzz cases through the real command line, in limited subprocesses, and judge what came out.

For each case (`fuzz_inputs.make_case`) the scenario, and the map for a map case, are written into a
folder of their own, and then

    python main.py validate scenario.yaml
    python main.py simulate scenario.yaml --reps 1 --workers 1 [--map player.map.yaml]

run there, the second only when the first accepted the file (a map case's scenario is a built-in one,
valid by the suite's own tests, so it goes straight to `simulate --map`). Each command gets a wall-time
limit and an address-space limit (`resource.setrlimit(RLIMIT_AS)` in the child before it starts Python),
its own data folder, and runs in its own session so that a timeout ends everything it started.

What passes: exit 0, or exit 2 with every line of output shaped `FILE:LINE:COL: message`, FILE being the
file the command was given, with no raw control characters. Anything else is a **finding**, in one of these
classes:

- `hang`: the wall-time limit passed. The child is then sent SIGABRT first, and as it runs with
  `PYTHONFAULTHANDLER=1` it prints where every thread stood, which names the loop that did not end;
- `memory`: a MemoryError, or death by a signal under the address-space limit;
- `traceback`: a Python traceback (any exit code);
- `exit`: an exit code other than 0 and 2 without a traceback;
- `message`: exit 2 with a line that is not `FILE:LINE:COL: message` (no position, a second line such as
  `in "<unicode string>", position 3`);
- `control`: raw control or escape characters (or bytes that are not UTF-8) in the output;
- `refused`: `validate` accepted the scenario and `simulate` refused it.

A finding's **signature** (its class, the exception and the innermost function of the project that raised or
looped) groups findings of one cause; the first case of each signature is kept in a folder with its inputs,
its commands and their output, to replay by hand or by number.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from fuzz_inputs import ROOT, Case, make_case

MAIN = ROOT / "main.py"
SCENARIO_FILE = "scenario.yaml"
MAP_FILE = "player.map.yaml"
TIMEOUT = 20.0  # seconds for one command; the built-in scenarios take about one
MEMORY_MB = 2048


@dataclass
class Step:
    """One command of a case and what it did."""

    command: list[str]
    exit_code: int | None  # None: killed at the time limit
    seconds: float
    stdout: bytes = b""
    stderr: bytes = b""


@dataclass
class Finding:
    kind: str  # hang, memory, traceback, exit, message, control, refused
    signature: str
    detail: str  # the lines that show it: a traceback's end, the offending message


@dataclass
class Result:
    number: int
    seed: str
    mutations: tuple[str, ...]
    steps: list[Step] = field(default_factory=list)
    finding: Finding | None = None
    kept: str | None = None  # the folder the case was written to, when it was kept

    @property
    def ok(self) -> bool:
        return self.finding is None


def _limits(memory_mb: int):
    def apply() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash under the limit leaves no core file
    return apply


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PROCESSPLAY_DATA=str(folder / "data"), PYTHONFAULTHANDLER="1", SDL_VIDEODRIVER="dummy",
               SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1", PYTHONIOENCODING="utf-8",
               # one math thread: the machine is shared, and thread stacks count against the memory limit
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("PYTHONWARNINGS", None)
    return env


def run_command(args: list[str], folder: Path, timeout: float, memory_mb: int) -> Step:
    """`python main.py ARGS` in `folder`, within the limits. At the time limit the child gets SIGABRT (its
    fault handler prints every thread's stack), then its whole session is killed."""
    command = [sys.executable, str(MAIN), *args]
    start = time.monotonic()
    child = subprocess.Popen(command, cwd=folder, env=_env(folder), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=_limits(memory_mb), start_new_session=True)
    try:
        out, err = child.communicate(timeout=timeout)
        code: int | None = child.returncode
    except subprocess.TimeoutExpired:
        code = None
        try:
            os.killpg(child.pid, signal.SIGABRT)
            out, err = child.communicate(timeout=5)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            out, err = b"", b""
        finally:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if child.poll() is None:
                out2, err2 = child.communicate()
                out, err = out + out2, err + err2
    return Step(args, code, time.monotonic() - start, out, err)


# --------------------------------------------------------------------------------------------------
# Judging output

FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$')
HANG_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>.+)$')
POSITION = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): \S")
SAFE_CONTROLS = {"\n", "\t"}
BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def _project_frame(frames: list[re.Match]) -> str:
    """`path:function` of the innermost frame inside the project (else the innermost of all)."""
    inside = [m for m in frames if Path(m["file"]).resolve().is_relative_to(ROOT)]
    m = (inside or frames)[-1]
    path = Path(m["file"])
    shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path.name
    return f"{shown}:{m['func'].strip()}"


def traceback_signature(text: str) -> tuple[str, str]:
    """(exception type, `path:function` where it was raised) of the last traceback in `text`."""
    tail = text[text.rfind("Traceback (most recent call last)"):]
    lines = tail.splitlines()
    frames = [m for m in map(FRAME.match, lines) if m]
    last = next((ln for ln in reversed(lines) if ln and not ln.startswith(" ") and ":" in ln), lines[-1] if lines else "")
    exc = last.split(":", 1)[0].strip() if ":" in last else last.strip()
    return exc, _project_frame(frames) if frames else "?"


def hang_signature(text: str) -> str:
    """`path:function` the main thread stood in when the fault handler dumped it (most recent first)."""
    block = text[text.find("most recent call first"):]
    frames = [m for m in map(HANG_FRAME.match, block.splitlines()) if m]
    if not frames:
        return "?"
    frames.reverse()  # the fault handler lists the innermost frame first
    return _project_frame(frames)


def raw_controls(data: bytes) -> list[str]:
    """The control, escape, line-separator and bidi characters of `data` that a terminal (or a log reader)
    would act on, and bytes that are not UTF-8."""
    text = data.decode("utf-8", "surrogateescape")
    bad = []
    for ch in text:
        if ch in SAFE_CONTROLS:
            continue
        if "\udc80" <= ch <= "\udcff":
            bad.append(f"byte 0x{ord(ch) - 0xDC00:02x}")
        elif unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in BIDI:  # Zl, Zp: U+2028, U+2029
            bad.append(repr(ch))
    return sorted(set(bad))


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _normalise(line: str, names: Iterable[str]) -> str:
    """A message with its specifics blurred, so that messages of one kind share a signature."""
    for name in names:
        line = line.replace(name, "FILE")
    line = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", line)
    line = re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "N", line)
    return line[:70]


def judge_step(step: Step, files: list[str], operator: str = "?") -> Finding | None:
    """The finding in one command's outcome, or None when it kept the command-line promise. A hang's
    signature names the case's primary mutation too: inside the compiled engine the fault handler sees
    no Python frame, so every hang would otherwise stop at the same caller."""
    what = step.command[0]
    out, err = _text(step.stdout), _text(step.stderr)
    both = out + err
    if step.exit_code is None:
        dump = "\n".join(ln for ln in err.splitlines() if not ln.startswith("Extension modules"))
        return Finding("hang", f"hang in {what}: {hang_signature(err)} [{operator}]", _tail(dump, 12))
    if "MemoryError" in both or step.exit_code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        where = traceback_signature(both)[1] if "Traceback" in both else f"signal {-step.exit_code}" if step.exit_code < 0 else "?"
        return Finding("memory", f"memory in {what}: {where}", _tail(both))
    if "Traceback (most recent call last)" in both:
        exc, where = traceback_signature(both)
        return Finding("traceback", f"{exc} in {what}: {where}", _tail(both))
    if step.exit_code not in (0, 2):
        return Finding("exit", f"exit {step.exit_code} in {what}", _tail(both))
    controls = raw_controls(step.stdout + step.stderr)
    if controls:
        return Finding("control", f"raw {', '.join(controls[:3])} in {what} output", _tail(both).encode(
            "unicode_escape").decode("ascii")[:600])
    if step.exit_code == 2:
        for line in both.split("\n"):
            if not line.strip():
                continue
            m = POSITION.match(line)
            if not m or m["file"] not in files:
                return Finding("message", f"exit 2 in {what} without FILE:LINE:COL: {_normalise(line, files)}",
                               _tail(both))
    return None


def judge(result: Result, files: list[str], scenario_case: bool, operator: str = "?") -> Finding | None:
    """The case's finding: the first command's that broke a promise. `simulate` refusing (exit 2) a
    scenario that `validate` accepted is a finding of its own, whatever the message looks like."""
    for step in result.steps:
        refused = scenario_case and step.command[0] == "simulate" and step.exit_code == 2
        finding = None if refused else judge_step(step, files, operator)
        if refused:
            first = _text(step.stdout + step.stderr).strip().split("\n")[0]
            finding = Finding("refused", f"validate accepts, simulate refuses: {_normalise(first, files)}",
                              _tail(_text(step.stdout + step.stderr)))
        if finding:
            return finding
    return None


# --------------------------------------------------------------------------------------------------
# Running cases


def write_inputs(case: Case, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SCENARIO_FILE).write_bytes(case.scenario)
    if case.map is not None:
        (folder / MAP_FILE).write_bytes(case.map)
        return [SCENARIO_FILE, MAP_FILE]
    return [SCENARIO_FILE]


def commands(case: Case) -> list[list[str]]:
    simulate = ["simulate", SCENARIO_FILE, "--reps", "1", "--workers", "1"]
    if case.map is not None:
        return [simulate + ["--map", MAP_FILE]]
    return [["validate", SCENARIO_FILE], simulate]


def run_case(number: int, keep: str | None = None, timeout: float = TIMEOUT, memory_mb: int = MEMORY_MB) -> Result:
    """Make case `number`, run its commands, judge them; a finding's case is copied into `keep`/case-N."""
    case = make_case(number)
    result = Result(number, case.seed, case.mutations)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{number}-") as tmp:
        folder = Path(tmp)
        files = write_inputs(case, folder)
        for args in commands(case):
            step = run_command(args, folder, timeout, memory_mb)
            result.steps.append(step)
            if step.exit_code != 0:
                break
        result.finding = judge(result, files, case.map is None, case.operator)
        if result.finding and keep:
            result.kept = str(save_case(case, result, Path(keep)))
    return result


def save_case(case: Case, result: Result, keep: Path) -> Path:
    """The case's inputs, a script that replays it, and every command's output, in keep/case-N."""
    folder = keep / f"case-{case.number}"
    if folder.exists():
        shutil.rmtree(folder)
    write_inputs(case, folder)
    replay = ["#!/bin/sh", f"# fuzz case {case.number}, seed {case.seed}", *[f"#   {m}" for m in case.mutations],
              'cd "$(dirname "$0")"']
    replay += [f"python {MAIN} {' '.join(args)}; echo \"exit $?\"" for args in commands(case)]
    (folder / "replay.sh").write_text("\n".join(replay) + "\n")
    log = []
    for step in result.steps:
        code = "killed at the time limit" if step.exit_code is None else f"exit {step.exit_code}"
        log += [f"$ python main.py {' '.join(step.command)}    # {code}, {step.seconds:.1f} s",
                "--- stdout", _text(step.stdout), "--- stderr", _text(step.stderr)]
    (folder / "output.txt").write_text("\n".join(log), encoding="utf-8", errors="backslashreplace")
    (folder / "finding.json").write_text(json.dumps(
        {"number": case.number, "seed": case.seed, "mutations": case.mutations, **asdict(result.finding)},
        indent=2, ensure_ascii=True))
    return folder


def _light(result: Result) -> Result:
    """The result without the full output of passing commands, to keep what crosses processes small."""
    if result.ok:
        for step in result.steps:
            step.stdout = step.stdout[-2000:]
            step.stderr = step.stderr[-2000:]
    return result


def _worker(args) -> Result:
    return _light(run_case(*args))


def run_cases(numbers: Iterable[int], workers: int = 2, keep: str | None = None, timeout: float = TIMEOUT,
              memory_mb: int = MEMORY_MB, deadline: float | None = None) -> Iterator[Result]:
    """Run the cases in a pool of `workers` processes (each waits on one command at a time), yielding
    results as they finish. No case starts after `deadline` (a `time.monotonic()` value). The pool's
    processes are plain: the limits apply to the commands they start."""
    todo = iter(numbers)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: set = set()

        def fill() -> None:
            while len(pending) < 2 * workers and (deadline is None or time.monotonic() < deadline):
                number = next(todo, None)
                if number is None:
                    return
                pending.add(pool.submit(_worker, (number, keep, timeout, memory_mb)))

        fill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                pending.discard(future)
                yield future.result()
            fill()
