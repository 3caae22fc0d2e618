"""How long validating a large scenario takes (the goal: a 1 MB file in under a second).

    python benchmarks/validate.py [MEGABYTES]

Builds a valid scenario of about the given size (default 1 MB): a long chain of steps with comments,
labels and help texts, branches, routes on attributes, services over several pools, a hint on every
tenth edge and a handful of rules, then times `validate_file` on it (best of several runs) and, for
comparison, a bare `yaml.load` of the same text with PyYAML's fastest safe loader; CPU time, best of 7.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from engine.load import validate_file  # noqa: E402


def big_scenario(target_bytes: int) -> str:
    head = [
        "format: 1", "id: big", "title: A very large scenario", "summary: Generated for the validation benchmark.",
        "time: {unit: minute, horizon: 480}",
        "entities:", "  call:", "    attributes:", "      need: {a: 0.5, b: 0.5}", "    patience: {exponential: {mean: 5}}",
        "resources:", "  p0: {count: 5, cost_per_hour: 20, skills: [a, b]}", "  p1: {count: 5, cost_per_hour: 30, skills: [a]}",
        "advisors:", "  maria: {name: Maria}",
        "objective: {score: profit - 5 * abandoned, targets: {service_level: {min: 0.8}}}",
        "steps:", "  src: {kind: source, entity: call, rate: 2}", "  end: {kind: exit, revenue: 3}",
        "  gone: {kind: exit, outcome: abandoned}",
    ]
    steps, edges = [], ["  - src.out -> s0"]
    size = sum(len(x) + 1 for x in head)
    i = 0
    while size < target_bytes:
        nxt = f"s{i + 1}"
        k = i % 3
        if k == 0:
            block = [f"  # step {i}: a delay with a long comment to make the file as big as real ones get",
                     f"  s{i}:", "    kind: delay", f"    label: Step number {i}",
                     f"    help: This card stands for the {i}th thing that happens to a caller on the way through.",
                     "    duration: {triangular: [1, 2, 4]}"]
            out = [f"s{i}.out -> {nxt}"]
        elif k == 1:
            block = [f"  s{i}:", "    kind: service", f"    label: Desk {i}", "    pools: [p1, p0]", "    skill: a",
                     "    duration: {gamma: {mean: 1, cv: 0.5}}", "    priority: {need: [a, b]}"]
            out = [f"s{i}.done -> {nxt}", f"s{i}.abandoned -> gone"]
        else:
            block = [f"  s{i}:", "    kind: branch", "    branches: {stay: 0.9, leave: rest}"]
            out = [f"s{i}.stay -> {nxt}", f"s{i}.leave -> end"]
        steps += block
        for j, e in enumerate(out):
            edges.append(f"  - {{edge: \"{e}\", hint: {{maria: \"Connect step {i}.\"}}}}" if (i + j) % 10 == 0 else f"  - {e}")
        size += sum(len(x) + 1 for x in block) + sum(len(x) + 1 for x in edges[-len(out):])
        i += 1
    steps.append(f"  s{i}: {{kind: delay, duration: 1}}")
    edges.append(f"  - s{i}.out -> end")
    rules = ["rules:", "  - {id: staff, label: Staff, sets: resources.p0.count, min: 1, max: 20, default: 5}",
             "  - id: speed", "    label: Speed", "    default: slow", "    choices:",
             "      slow: {steps.s0.duration: 2}", "      fast: {steps.s0.duration: 1, fixed_costs.fast: 100}"]
    return "\n".join(head + steps + ["reference:"] + edges + rules) + "\n"


def best_of(fn, n: int = 7) -> float:
    """The best CPU time of `n` calls (CPU time, as the engine benchmark: the machine is shared)."""
    best = float("inf")
    for _ in range(n):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main(megabytes: float = 1.0) -> None:
    text = big_scenario(int(megabytes * 1024 * 1024))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        problems = validate_file(path)
        assert not problems, problems[:3]
        t_validate = best_of(lambda: validate_file(path))
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        t_yaml = best_of(lambda: yaml.load(text, Loader=loader))
    finally:
        os.unlink(path)
    print(f"scenario of {len(text) / 1e6:.2f} MB, {text.count(chr(10)):,} lines")
    print(f"  validate_file (parse, check, build):  {t_validate * 1000:7.0f} ms   (goal under 1000 ms)")
    print(f"  yaml.load alone ({loader.__name__}):     {t_yaml * 1000:7.0f} ms")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
