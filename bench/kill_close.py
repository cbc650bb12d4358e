"""Kill `kebir close` at random moments, many times, and check the books every time.

    python bench/kill_close.py [--runs 1000] [--seed 7]

Each run copies small books, starts `kebir close 2025-03`, sends SIGKILL after a random delay
(0 to the close's own duration), then checks: `kebir validate` passes (leftovers of an
interrupted close are warnings), and the period is either closed with a valid seal or untouched;
when untouched, a second close must succeed. Prints how many runs ended in each state.
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
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    from tests.test_close import make

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="kebir-kill-"))
    template = make(work / "template")
    cmd = [sys.executable, "-m", "cli.main", "close", "2025-03", "--on", "2025-04-03", "--by", "T <t@x>", "--books"]
    start = time.perf_counter()
    subprocess.run([*cmd, str(work / "probe")], cwd=REPO, capture_output=True) if shutil.copytree(
        template, work / "probe") else None
    duration = time.perf_counter() - start
    states: Counter[str] = Counter()
    for n in range(args.runs):
        root = work / f"r{n}"
        shutil.copytree(template, root)
        proc = subprocess.Popen([*cmd, str(root)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # half the kills anywhere, half in the last fifth, where the files are written
        time.sleep(rng.uniform(0, duration) if n % 2 else rng.uniform(0.8 * duration, 1.05 * duration))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        check = subprocess.run([sys.executable, "-m", "cli.main", "validate", "--books", str(root)], cwd=REPO,
                               capture_output=True, text=True)
        closed = (root / "closes/2025-03.yaml").exists() \
            and "status: closed" in (root / "closes/2025-03.yaml").read_text()
        if check.returncode != 0:
            states["BROKEN"] += 1
            print(f"run {n}: validate failed:\n{check.stdout[-2000:]}", file=sys.stderr)
        elif closed:
            states["closed"] += 1
        else:
            again = subprocess.run([*cmd, str(root)], cwd=REPO, capture_output=True)
            states["untouched, closed on rerun" if again.returncode == 0 else "BROKEN (rerun failed)"] += 1
        shutil.rmtree(root)
        if (n + 1) % 50 == 0:
            print(f"{n + 1} runs: {dict(states)}", flush=True)
    print(f"close takes {duration:.2f} s; {args.runs} kills: {dict(states)}")
    shutil.rmtree(work)
    sys.exit(1 if any(k.startswith("BROKEN") for k in states) else 0)


if __name__ == "__main__":
    main()
