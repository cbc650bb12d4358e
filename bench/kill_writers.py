"""Kill every writing command at random moments, many times; the books must lose nothing.

    python bench/kill_writers.py [--runs 1000] [--seed 7] [--only "fmt,close"]

The writers are those of tests/test_crash_safety.py (accounts add and rename, contacts add, fmt,
dedup apply on the demo, reopen) and `close`. For each, three uninterrupted runs on copies of its
books give the state after and the shortest run time; the state before is the copy itself. Then,
round robin over the writers, each run copies the books, starts the command, sends SIGKILL after
a random delay (half anywhere in that run time, half in its last quarter, where the files are
written), lets
`kebir validate` read the books (a reader finishes or clears an interrupted write), and
compares every file with the two states. A run is:

- `before` or `after`: every file equals one of the two states exactly (`kebir validate` ran);
- `BROKEN`: anything else, a mix of the two, a file lost, or a validate that crashed.

Prints the count of each per writer, and exits 1 if any run was broken.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
KEBIR = [sys.executable, "-m", "cli.main"]


def writers():
    from tests import test_crash_safety as t
    from tests.test_close import make

    out = dict(t.WRITERS)
    out["close"] = (make, lambda r: ["close", "2025-03", "--on", "2025-04-03", "--by", "T <t@x>", "--books", str(r)])
    return out, t.snapshot, t._same_but_dates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", default="", help="comma-separated writer names (default: all)")
    args = ap.parse_args()
    table, snapshot, same_but_dates = writers()
    names = [n for n in sorted(table) if not args.only or n in args.only.split(",")]
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="kebir-kill-"))
    states: dict[str, tuple[dict, dict, float, Path]] = {}
    for name in names:
        setup, command = table[name]
        template = setup(work / name / "template" / "books")
        durations = []
        for k in range(3):     # the shortest of three runs: kills should land while the command runs
            probe = work / name / ("probe" if k == 0 else f"probe{k}") / "books"
            shutil.copytree(template, probe, ignore=shutil.ignore_patterns(".kebir"))
            if k and name == "dedup apply":
                shutil.copy(work / name / "probe" / "plan.yaml", probe.parent / "plan.yaml")
            start = time.perf_counter()
            done = subprocess.run([*KEBIR, *command(probe)], cwd=REPO, capture_output=True, text=True)
            durations.append(time.perf_counter() - start)
            assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
        duration = min(durations)
        probe = work / name / "probe" / "books"
        states[name] = (snapshot(template), snapshot(probe), duration, template)
        print(f"{name}: {duration:.2f} s uninterrupted", flush=True)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    started = time.perf_counter()
    for n in range(args.runs):
        name = names[n % len(names)]
        before, after, duration, template = states[name]
        root = work / name / f"r{n}" / "books"
        shutil.copytree(template, root, ignore=shutil.ignore_patterns(".kebir"))
        if name == "dedup apply":          # the plan lives beside the books, as the template's does
            shutil.copy(work / name / "probe" / "plan.yaml", root.parent / "plan.yaml")
        proc = subprocess.Popen([*KEBIR, *table[name][1](root)], cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration) if n % 2 else rng.uniform(0.75 * duration, duration))
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        check = subprocess.run([*KEBIR, "validate", "--books", str(root)], cwd=REPO, capture_output=True, text=True)
        state = snapshot(root)
        if check.returncode not in (0, 1) or "Traceback" in check.stdout + check.stderr:
            verdict = "BROKEN (validate crashed)"
        elif state == before:
            verdict = "before"
        elif state == after or same_but_dates(state, after):
            verdict = "after"
        else:
            verdict = "BROKEN (a mix of before and after)"
            print(f"run {n} {name}: {sorted(k for k in set(state) | set(after) if state.get(k) != after.get(k))}",
                  file=sys.stderr)
        counts[name][verdict if killed else f"{verdict}, finished before the kill"] += 1
        shutil.rmtree(root.parent)
        if (n + 1) % 50 == 0:
            tally = Counter(v for c in counts.values() for v in c.elements())
            print(f"{n + 1} runs in {time.perf_counter() - started:.0f} s: {dict(sorted(tally.items()))}", flush=True)
    broken = 0
    for name in names:
        c = counts[name]
        broken += sum(v for k, v in c.items() if k.startswith("BROKEN"))
        print(f"{name:16} {sum(c.values()):5} runs: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    total = sum(sum(c.values()) for c in counts.values())
    print(f"{total} runs, {broken} broken, {time.perf_counter() - started:.0f} s")
    shutil.rmtree(work)
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
