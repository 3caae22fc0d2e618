"""The long run of the command-line fuzzer: mutated scenarios and maps through `validate` and `simulate`.

    python benchmarks/fuzz.py [--cases N] [--minutes T] [--start S] [--workers 2] [--out DIR]
    python benchmarks/fuzz.py --replay NUMBER [--out DIR]

Runs cases START, START+1, ... (`tests/fuzz/fuzz_inputs.py` makes each from its number; the CI test
`tests/fuzz/test_fuzz_cli.py` runs the first few dozen) until N cases are done or T minutes have passed,
each command in a subprocess limited in time (--timeout, 20 s) and address space (--memory-mb, 2048), and
prints the count of cases, the findings by class and by signature (with the case numbers that show them,
fewest mutations first), and cases per second. Every finding's case is kept in --out/case-NUMBER: the
inputs, `replay.sh`, the output of each command. `--replay` runs one case in the foreground and prints
what happened. Be kind to a shared machine: `nice -n 10 python benchmarks/fuzz.py --minutes 15`.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fuzz"))

from fuzz_runner import MEMORY_MB, TIMEOUT, run_case, run_cases  # noqa: E402


def replay(number: int, out: str, timeout: float, memory_mb: int) -> int:
    result = run_case(number, keep=out, timeout=timeout, memory_mb=memory_mb)
    print(f"case {number}: seed {result.seed}")
    for mutation in result.mutations:
        print(f"  {mutation}")
    for step in result.steps:
        code = "killed at the time limit" if step.exit_code is None else f"exit {step.exit_code}"
        print(f"$ python main.py {' '.join(step.command)}    # {code}, {step.seconds:.1f} s")
        text = (step.stdout + step.stderr).decode("utf-8", "backslashreplace").rstrip()
        print("\n".join("    " + line for line in text.splitlines()[-15:]))
    if result.finding:
        print(f"FINDING {result.finding.kind}: {result.finding.signature}\n  kept in {result.kept}")
        return 1
    print("ok")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=1000, help="cases to run at most (default 1000)")
    p.add_argument("--minutes", type=float, help="stop starting cases after this long")
    p.add_argument("--start", type=int, default=0, help="the first case number (default 0)")
    p.add_argument("--workers", type=int, default=2, help="cases run at once (default 2)")
    p.add_argument("--timeout", type=float, default=TIMEOUT, help=f"seconds per command (default {TIMEOUT:g})")
    p.add_argument("--memory-mb", type=int, default=MEMORY_MB, help=f"address space per command (default {MEMORY_MB})")
    p.add_argument("--out", help="where findings are kept (default: a new temporary folder)")
    p.add_argument("--replay", type=int, metavar="NUMBER", help="run this one case and show what it did")
    args = p.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="processplay-fuzz-")
    Path(out).mkdir(parents=True, exist_ok=True)
    if args.replay is not None:
        return replay(args.replay, out, args.timeout, args.memory_mb)

    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    start = time.monotonic()
    count, by_class = 0, Counter()
    by_signature: dict[str, list] = defaultdict(list)
    numbers = range(args.start, args.start + args.cases)
    for result in run_cases(numbers, args.workers, out, args.timeout, args.memory_mb, deadline):
        count += 1
        if result.finding:
            by_class[result.finding.kind] += 1
            by_signature[(result.finding.kind, result.finding.signature)].append(
                (len(result.mutations), result.number))
        if count % 50 == 0:
            print(f"  {count} cases, {sum(by_class.values())} findings, "
                  f"{count / (time.monotonic() - start):.2f} cases/s", file=sys.stderr, flush=True)
    seconds = time.monotonic() - start

    print(f"{count} cases (numbers {args.start}..{args.start + count - 1}) in {seconds:.0f} s: "
          f"{count / seconds:.2f} cases per second, {args.workers} at a time")
    print(f"{sum(by_class.values())} findings" + (": " + ", ".join(f"{k} {v}" for k, v in by_class.most_common())
                                                  if by_class else ""))
    for (kind, signature), cases in sorted(by_signature.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        shown = ", ".join(str(n) for _, n in sorted(cases)[:5])
        print(f"  {len(cases):5d}  {signature}    cases {shown}")
    summary = {"cases": count, "first": args.start, "seconds": round(seconds, 1), "by_class": dict(by_class),
               "by_signature": [{"kind": k, "signature": s, "count": len(c), "cases": [n for _, n in sorted(c)]}
                                for (k, s), c in by_signature.items()]}
    (Path(out) / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=True))
    print(f"findings kept in {out}")
    return 1 if by_class else 0


if __name__ == "__main__":
    sys.exit(main())
