"""Par kept beside a scenario, par computed in the background, and baseline and par on a player's own seed.

Par (the best score the search finds, `engine.optimize.coordinate`) takes up to a minute, so it is kept:
`save_par` writes `customer_service.par.json` beside `customer_service.yaml`, with a fingerprint of the
scenario's content, and `load_par` trusts it only for that content. When there is none, `ParJob` computes
it in another process (the game keeps its frame rate; the child caps its own memory and the parent stops
it after its time). The defaults and par on a player's days are `engine.optimize.references`.
`par_problems` is what `validate` learns from a fresh par file: that no setting meets every target.
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from pathlib import Path
from typing import Any, Mapping

from ..budget import MAX_DAY_BYTES, CannotRun, cap_address_space
from ..files import write_text
from ..format import ScenarioError
from ..format.yamlpos import Position, Problem, YamlError, parse, read_text
from ..load import load
from ..model import Scenario
from .coordinate import OptimizeResult, optimize
from .evaluate import missed_targets


def fingerprint(scenario: Scenario) -> str:
    """A digest of the scenario's content: a par file made for other content is not trusted.

    Of a decision at a shock only what its default choice does counts (par and the defaults take every
    decision's default): a question reworded or another choice repriced keeps the par file, and a default
    that changes nothing (every built-in's) leaves the digest as it was before the decision was written."""

    def plain(x):
        if isinstance(x, Mapping):
            return {str(k): plain(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [plain(v) for v in x]
        return x

    raw = plain(scenario.raw)
    if isinstance(raw.get("events"), list):
        raw["events"] = [_default_part(ev) if isinstance(ev, dict) else ev for ev in raw["events"]]
    text = json.dumps(raw, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _default_part(event: dict) -> dict:
    """An event's plain data with, of its decision, only what the default choice does (nothing when it does
    nothing)."""
    out = {k: v for k, v in event.items() if k != "decision"}
    decision = event.get("decision") or {}
    default = next((c for c in decision.get("choices") or () if c.get("id") == decision.get("default")), {})
    effect = {k: v for k, v in default.items() if k in ("cost", "scale", "set", "for", "rules") and v}
    if effect.get("scale") or effect.get("set") or effect.get("cost") or effect.get("rules"):
        out["default_choice"] = effect
    return out


def par_path(scenario_path) -> Path:
    """Where a scenario's par is kept: `customer_service.yaml` -> `customer_service.par.json`."""
    p = Path(scenario_path)
    return p.with_name(p.name.rsplit(".", 1)[0] + ".par.json")


def save_par(scenario: Scenario, result: OptimizeResult, path=None) -> None:
    """Write the par file beside the scenario (atomically: a temporary file, then a rename): par, the
    days it was measured on (seed and replications: the evaluation days), whether par's rules meet every
    target there, and the KPI means of both settings (`baseline_kpis`, `par_kpis`), so that
    `engine.optimize.references` reads them without running anything. A KPI that could not be measured
    (NaN) is written as null."""
    if path is None:
        if not scenario.path:
            raise ValueError("the scenario has no file to keep its par beside; give a path")
        path = par_path(scenario.path)
    data = {**result.to_json(scenario.id), "fingerprint": fingerprint(scenario), "seed": result.seed,
            "replications": result.replications, "baseline_ci": result.baseline_ci,
            "par_ci": result.par_ci, "targets_met": bool(result.targets_met)}
    for name in KEPT_KPIS:
        if result.extra.get(name):
            data[name] = {k: _finite(v) for k, v in result.extra[name].items()}
    write_text(path, json.dumps(data, indent=2, allow_nan=False) + "\n")


#: The KPI means a par file keeps of the default rules and of par's rules.
KEPT_KPIS = ("baseline_kpis", "par_kpis")


def _finite(v):
    v = float(v) if v is not None else math.nan
    return v if math.isfinite(v) else None


def load_par(scenario: Scenario, path=None) -> OptimizeResult | None:
    """The kept par of a scenario, or None when there is none, it is unreadable, or it was made for
    other content (then compute it again, e.g. with `ParJob`). The kept KPI means, when the file has
    them, are in the result's `extra` (null read back as NaN)."""
    if path is None:
        if not scenario.path:
            return None
        path = par_path(scenario.path)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("fingerprint") != fingerprint(scenario) or data.get("scenario") != scenario.id:
            return None
        extra = {name: _with_decision_cost(scenario, {str(k): math.nan if v is None else float(v)
                                                      for k, v in data[name].items()})
                 for name in KEPT_KPIS if isinstance(data.get(name), Mapping)}
        return OptimizeResult(float(data["baseline"]), float(data["par"]), dict(data["best_rules"]),
                              float(data.get("baseline_ci", 0.0)), float(data.get("par_ci", 0.0)),
                              int(data.get("replications", 0)), int(data.get("seed", 0)), extra=extra,
                              targets_met=bool(data.get("targets_met", True)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _with_decision_cost(scenario: Scenario, kpis: dict[str, float]) -> dict[str, float]:
    """Kept KPIs from before the scenario's decisions were written lack `decision_cost`: its fingerprint says
    the defaults' choices cost nothing and change nothing (`fingerprint`), so it is 0 on those days."""
    if "decision_cost" in scenario.kpi_names() and "decision_cost" not in kpis:
        kpis["decision_cost"] = 0.0
    return kpis


def unmet_targets(scenario: Scenario, result: OptimizeResult) -> str:
    """"" when par's rules meet every target; otherwise a sentence saying that no setting the search
    found meets them all, and which target par misses and by how much (read from par's kept KPIs)."""
    if result.targets_met:
        return ""
    misses = missed_targets(scenario.objective.targets, result.extra.get("par_kpis") or {})
    where = f"on the evaluation days (seed {result.seed}, {result.replications} days)"
    said = "; ".join(misses) if misses else "see its KPIs with python main.py simulate"
    return (f"no rule setting the search found meets every target {where}: at the best one (par) {said}. "
            "Loosen the target, widen the levers' ranges, or make the process able to meet it")


def par_problems(path) -> list[Problem]:
    """What a fresh par file says is wrong with a scenario: no setting meeting every target, reported at
    the `objective.targets` key of the file. A stale par file (or none) says nothing."""
    try:
        scenario = load(path)
    except ScenarioError:
        return []
    kept = load_par(scenario)
    message = unmet_targets(scenario, kept) if kept is not None else ""
    if not message:
        return []
    try:
        pos = parse(read_text(path), str(path)).where(("objective", "targets"), "key")
    except (YamlError, OSError):
        pos = Position(1, 1)
    return [Problem(str(path), pos.line, pos.col, message)]


#: Seconds a background par search may run past its own time limit (starting a process, reading the
#: scenario, scoring the winner) before the parent stops it.
PAR_GRACE = 15.0


def _par_worker(path: str, budget, seconds, queue) -> None:  # runs in the child process
    try:
        sc = load(path)
        from engine import sim  # noqa: F401  (imported before the cap: the engine's own size is not the search's)

        cap_address_space(MAX_DAY_BYTES)
        res = optimize(sc, budget=budget, seconds=seconds,
                       progress=lambda f, m: queue.put(("progress", f, m)))
        queue.put(("done", res))
    except BaseException as exc:  # the parent shows it; the child has nobody else to tell
        if isinstance(exc, MemoryError):
            queue.put(("error", "the par search ran out of the memory it may use"))
        elif isinstance(exc, CannotRun):  # said for a person already
            queue.put(("error", str(exc)))
        else:
            queue.put(("error", f"{type(exc).__name__}: {exc}"))


class ParJob:
    """Par computed in another process, so the game keeps its frame rate meanwhile (the engine is pure
    Python: a thread would share the interpreter with the game). Call `poll()` each frame: it returns
    True once `result` (an OptimizeResult) or `error` (a message) is set; `progress` and `message`
    follow the search. `cancel()` stops it."""

    def __init__(self, scenario_path, budget: int | None = None, seconds: float | None = 50.0):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # a clean child: no copy of the game's window
        self._queue = ctx.Queue()
        self._proc = ctx.Process(target=_par_worker, args=(str(scenario_path), budget, seconds, self._queue),
                                 daemon=True)
        self._proc.start()
        # the parent's own clock: a child that overruns its time limit (a day that would not end, a
        # machine swapping) is stopped after `seconds` + PAR_GRACE, whatever happens inside it
        self._stop_at = None if not seconds else time.monotonic() + seconds + PAR_GRACE
        self.seconds = seconds
        self.progress = 0.0
        self.message = ""
        self.result: OptimizeResult | None = None
        self.error: str | None = None

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None

    def poll(self) -> bool:
        import queue as _queue

        while not self.done:
            try:
                item = self._queue.get_nowait()
            except _queue.Empty:
                if not self._proc.is_alive() and self._queue.empty():
                    self.error = self.error or f"the par computation stopped (exit code {self._proc.exitcode})"
                elif self._stop_at is not None and time.monotonic() > self._stop_at:
                    self._proc.kill()
                    self.error = (f"the par computation took longer than its {self.seconds:g} s and was "
                                  "stopped")
                break
            if item[0] == "progress":
                self.progress, self.message = item[1], item[2]
            elif item[0] == "done":
                self.result, self.progress = item[1], 1.0
            else:
                self.error = item[1]
        if self.done:
            self._proc.join(timeout=1.0)
        return self.done

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (or `timeout` seconds): for scripts and tests."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self.poll():
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.05)
        return True

    def cancel(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(timeout=1.0)
        self.error = self.error or "cancelled"

