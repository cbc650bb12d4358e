"""Benchmark: close a month of a generated year with about 3M postings (1M transactions).

    python bench/close_bench.py [--size 1000000]

Uses the books `bench/gen_books.py` writes (CSV journals), warms the parse cache once, then
times `kebir close 2025-06 --allow-gap --dry-run` (everything a close computes, nothing written)
and a real close on a copy, with peak memory from /usr/bin/time. Median of 3.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> tuple[float, int, int]:
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = int(proc.stderr.strip().splitlines()[-1]) // 1024 if proc.stderr.strip() else 0
    return wall, peak, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    data = REPO / "bench/out" / f"data-{args.size}" / "kebir-csv"
    if not data.exists():
        subprocess.run([sys.executable, "bench/gen_books.py", str(args.size), str(data.parent), "--csv"], cwd=REPO,
                       check=True)
    kebir = [sys.executable, "-m", "cli.main"]
    subprocess.run([*kebir, "validate", "--books", str(data)], cwd=REPO, capture_output=True)   # warm the cache
    rows = []
    for name, dry in (("close --dry-run (warm)", True), ("close, writing (warm)", False)):
        runs = []
        for _ in range(args.runs):
            work = Path(tempfile.mkdtemp(prefix="kebir-close-"))
            books = work / "books"
            shutil.copytree(data, books)
            cmd = [*kebir, "close", "2025-06", "--books", str(books), "--on", "2025-07-03", "--by", "Bench <b@x>",
                   "--allow-gap"] + (["--dry-run"] if dry else [])
            runs.append(timed(cmd))
            shutil.rmtree(work)
        runs.sort()
        rows.append((name, *runs[len(runs) // 2]))
    print(f"\n{args.size:,} transactions, closing 2025-06 (median of {args.runs})\n")
    print("| run | seconds | peak MiB | exit |\n|---|---:|---:|---:|")
    for name, wall, peak, code in rows:
        print(f"| {name} | {wall:.2f} | {peak:,} | {code} |")


if __name__ == "__main__":
    main()
