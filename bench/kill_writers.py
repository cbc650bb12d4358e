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

    python bench/kill_writers.py --pairs 1000 [--seed 7] [--jobs 2]

runs two writers at once instead (issue 15, item 4: two writers never lose each other's work).
The writers are those of tests/test_concurrent_writers.py (contacts add on each side, accounts add,
fmt, dedup apply, close, reopen, contacts forget, import contacts) on small books with a closed
month, a duplicate company and a CRM export; every pair of them, a writer with itself too. For
each pair the books after A then B and after B then A are computed once (in-process, on copies).
Then, round robin over the pairs, each run copies the books, starts both commands as processes
(at once, or the second after a random delay within a command's run time; either one first), waits for both, reads
the books as `kebir validate` does and compares every file. The processes are forked from a
server process that has imported kebir already (multiprocessing's forkserver): each is a separate
process with its own lock file descriptor running `kebir`'s entry point with its arguments, as
from a shell, without the second of imports. A run is:

- `A;B` or `B;A`: every file equals that serial order's result byte for byte;
- `LOST`: the books equal neither order (one writer's work lost, or mixed into the other's);
- `BROKEN`: reading the books crashed, a command crashed or gave up on the lock, or a staged file
  or journal was left behind.

Exits 1 on any LOST or BROKEN run.
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


def _kebir_child(args: list[str], out: str) -> None:
    """In a forked process: run kebir with `args`, its stdout and stderr into the file `out`."""
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.argv = ["kebir", *args]
    from cli.main import main

    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def pairs(runs: int, seed: int, jobs: int) -> None:
    """Two writers at once, `runs` times, round robin over every pair (see the module's doc)."""
    import itertools
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from typer.testing import CliRunner

    from cli.main import app
    from core.model import errors
    from core.erp.load import load_ledger
    from core.close import validate
    from tests import test_concurrent_writers as t

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="kebir-pairs-"))
    base = t.template(work / "template")
    shared = base.parent
    runner = CliRunner()
    names = sorted(t.WRITERS)
    table = list(itertools.combinations_with_replacement(names, 2))
    serial: dict[tuple[str, str], tuple[dict, dict]] = {}
    for k, (a, b) in enumerate(table):
        states = []
        for first, second in ((a, b), (b, a)):
            root = t.copy_of(base, work / f"serial{k}-{len(states)}")
            for name in (first, second):
                runner.invoke(app, t.WRITERS[name](root, shared))
            states.append(t.snapshot(root))
            shutil.rmtree(root.parent)
        serial[(a, b)] = (states[0], states[1])
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["cli.main", "core.books.load", "core.close.validate", "core.crm.merge",
                                "core.close.plan", "core.books.fmt", "core.books.edit", "core.crm.forget",
                                "core.interop.contacts"])
    os.environ["KEBIR_NO_PROGRESS"] = "1"

    def spawn(args: list[str], out: Path):
        proc = ctx.Process(target=_kebir_child, args=(args, str(out)))
        proc.start()
        return proc

    probe = t.copy_of(base, work / "probe")
    spawn(["validate", "--books", str(probe)], work / "warm.out").join()     # the server is up
    start = time.perf_counter()
    spawn(t.WRITERS["contacts add Alpha"](probe, shared), work / "probe.out").join()
    duration = time.perf_counter() - start
    print(f"{len(table)} pairs of {len(names)} writers; a writer runs {duration:.2f} s alone", flush=True)
    delays = [0.0 if n % 2 == 0 else rng.uniform(0, duration) for n in range(runs)]
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    lock = threading.Lock()
    started = time.perf_counter()

    def one(n: int) -> None:
        a, b = table[n % len(table)]
        ab, ba = serial[(a, b)]
        root = t.copy_of(base, work / f"r{n}")
        outs_at = [root.parent / "a.out", root.parent / "b.out"]
        order = (a, b) if n % 4 < 2 else (b, a)          # which one starts first (the other after the delay)
        procs = [spawn(t.WRITERS[order[0]](root, shared), outs_at[0])]
        time.sleep(delays[n])
        procs.append(spawn(t.WRITERS[order[1]](root, shared), outs_at[1]))
        for p in procs:
            p.join(300)
        outs = [o.read_text(encoding="utf-8", errors="replace") for o in outs_at]
        crashed = any(p.exitcode not in (0, 1, 2) or "Traceback" in o or "internal error" in o
                      or "locked by another" in o for p, o in zip(procs, outs))
        try:
            book, found = load_ledger(root, use_cache=False, jobs=1)
            errors.sorted_problems(found + validate.run_all(book))
            unreadable = False
        except Exception:                     # noqa: BLE001 (a bench: any failure to read is the finding)
            unreadable = True
        left = list(root.rglob("*.kebir-*.tmp")) + list((root / ".kebir" / "txn").glob("*"))
        state = t.snapshot(root)
        if crashed or unreadable or left:
            verdict = "BROKEN"
            print(f"run {n} {a} & {b}: crashed={crashed} unreadable={unreadable} left={left}\n{outs}",
                  file=sys.stderr, flush=True)
        elif state == ab:
            verdict = "A;B"
        elif state == ba:
            verdict = "B;A"
        else:
            verdict = "LOST"
            print(f"run {n} {a} & {b}: {sorted(k for k in set(state) | set(ab) if state.get(k) != ab.get(k))}",
                  file=sys.stderr, flush=True)
        shutil.rmtree(root.parent)
        with lock:
            counts[(a, b)][verdict] += 1
            done = sum(sum(c.values()) for c in counts.values())
            if done % 50 == 0:
                tally = Counter(v for c in counts.values() for v in c.elements())
                print(f"{done} runs in {time.perf_counter() - started:.0f} s: {dict(sorted(tally.items()))}",
                      flush=True)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, range(runs)))
    bad = 0
    for a, b in table:
        c = counts[(a, b)]
        bad += c["LOST"] + c["BROKEN"]
        print(f"{a + ' & ' + b:42} {sum(c.values()):4} runs: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    tally = Counter(v for c in counts.values() for v in c.elements())
    print(f"{runs} runs, {tally['LOST']} lost updates, {tally['BROKEN']} broken, "
          f"{time.perf_counter() - started:.0f} s")
    shutil.rmtree(work)
    sys.exit(1 if bad else 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", default="", help="comma-separated writer names (default: all)")
    ap.add_argument("--pairs", type=int, default=0, metavar="N",
                    help="run N concurrent pairs of writers instead of the kill runs")
    ap.add_argument("--jobs", type=int, default=2, help="with --pairs: pairs run at the same time")
    args = ap.parse_args()
    if args.pairs:
        pairs(args.pairs, args.seed, args.jobs)
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
