#!/usr/bin/env python3
"""Benchmark `kebir dedup scan` against ground truth, side by side with splink.

    python bench/dedup_bench.py [--sizes 5000,100000,1000000] [--runs 3] [--no-splink] [--incremental 1000]

For each size the books come from bench/dedup_gen.py (cached in OUT/dedup/N, regenerated when
the generator version changes). Each tool runs under `/usr/bin/time -f "%e %M"` (wall seconds,
peak RSS): `kebir dedup scan --books DIR -o PLAN` with default settings and no labels, and
splink 5 (DuckDB backend, unsupervised: u by random sampling, m by EM, the prior from
deterministic rules, clusters at p >= 0.9) on the same records. Quality is measured on the PAIRS
IMPLIED BY THE CLUSTERS (a cluster of n records implies n(n-1)/2 pairs), against truth.csv:
precision, recall and F1; for kebir also the precision of the `auto` clusters and the share of
true pairs left to `review`. The demo company's planted duplicates (bench/demo/duplicates.yaml)
are scored the same way (pairs already linked in contacts/links.yaml are not proposed, so they
are left out of both sides). With --incremental K, the largest size is also scanned
incrementally: K records held out, a full scan of the rest (no cache) writes a plan and its
`.seen` sidecar, the K records are appended to their files, then `kebir dedup scan --plan`
(from the cache the full scan left, --runs times) compares only the K new ones.

The median of --runs runs is reported for sizes up to 100k, of --big-runs above. Results go to
OUT/dedup-results.json and OUT/dedup-results.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
import dedup_gen  # noqa: E402

VENV_BIN = Path(sys.executable).parent
KEBIR = shutil.which("kebir", path=str(VENV_BIN)) or shutil.which("kebir") or "kebir"
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
RUSAGE_WRAPPER = r"""
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    f.write(f"{wall:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
sys.exit(rc)
"""


def timed(cmd: list[str], log: Path) -> tuple[float, float, int, float, float]:
    """Run cmd; (wall seconds, peak RSS MiB, exit code, CPU seconds, load average before), as
    bench/run.py measures. The CPU seconds (user + system) do not grow when other work shares
    the machine; the wall seconds do, so the 1-minute load average is kept beside them."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        tpath = tf.name
    if GNU_TIME:
        full = [GNU_TIME, "-f", "%e %M %U %S", "-o", tpath, *cmd]
    else:
        full = [sys.executable, "-c", RUSAGE_WRAPPER, tpath, *cmd]
    load = os.getloadavg()[0]
    with open(log, "w") as out:
        rc = subprocess.call(full, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    text = Path(tpath).read_text().strip().splitlines()
    os.unlink(tpath)
    parts = text[-1].split()
    cpu = float(parts[2]) + float(parts[3]) if len(parts) >= 4 else float("nan")
    return float(parts[0]), int(parts[1]) / 1024, rc, cpu, load


# --------------------------------------------------------------------------- scoring

def truth_pairs(path: Path) -> set[frozenset[str]]:
    groups: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups.setdefault(row["entity"], []).append(row["id"])
    return {frozenset(p) for g in groups.values() for p in itertools.combinations(g, 2)}


def plan_clusters(path: Path) -> list[tuple[list[str], str]]:
    """(member ids, confidence) per cluster, read line by line (the plan's fixed layout; a
    YAML load of a 1M-record plan would take longer than the scan)."""
    out: list[tuple[list[str], str]] = []
    members: list[str] | None = None
    conf, section = "review", ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("- cluster:"):
                if members is not None:
                    out.append((members, conf))
                members, conf, section = [], "review", ""
            elif line.startswith("  ") and not line.startswith("   ") and line[2] != "-":
                section = line[2:].split(":", 1)[0]
                if section == "confidence":
                    conf = line.split(":", 1)[1].strip()
            elif section == "members" and line.startswith("  - {id: "):
                members.append(line[9:].split(",", 1)[0].strip().strip('"'))  # type: ignore[union-attr]
            elif section == "members" and line.startswith("  - id: "):
                members.append(line[8:].strip().strip('"'))  # type: ignore[union-attr]
    if members is not None:
        out.append((members, conf))
    return out


def pairs_of(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}


def score(pred: set[frozenset[str]], true: set[frozenset[str]]) -> dict[str, float]:
    tp = len(pred & true)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(true) if true else 1.0
    return {"pairs": len(pred), "true_pairs": len(true), "tp": tp, "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_plan(plan: Path, true: set[frozenset[str]], exclude: set[frozenset[str]] = frozenset()
               ) -> dict[str, float]:
    clusters = plan_clusters(plan)
    pred = pairs_of([m for m, _ in clusters]) - exclude
    auto = pairs_of([m for m, c in clusters if c == "auto"]) - exclude
    out = score(pred, true - exclude)
    out["clusters"] = len(clusters)
    out["auto_precision"] = len(auto & true) / len(auto) if auto else 1.0
    out["review_share"] = (out["tp"] - len(auto & true)) / len(true - exclude) if true else 0.0
    return out


# --------------------------------------------------------------------------- splink

SPLINK_WORKER = r"""
import sys, time, polars as pl
sys.path.insert(0, sys.argv[3])
from core.crm.dedup.normalise import normalise_frame
from core.crm.dedup.read import read_contacts
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
books, out = sys.argv[1], sys.argv[2]
frame, _ = read_contacts(books)
# the same standardised columns kebir compares (splink expects cleaned inputs)
nf = normalise_frame(frame.filter(pl.col("merged_into").is_null()))
df = nf.select(pl.col("id").alias("unique_id"), "kind", "name", "phone", "email",
               pl.coalesce("dom1", "dom2").alias("dom"), "tax", "city", pl.col("addr").alias("address"))
db_api = DuckDBAPI()
sdf = db_api.register(df.to_arrow(), dataset_display_name="contacts")
settings = SettingsCreator(
    link_type="dedupe_only",
    comparisons=[
        cl.JaroWinklerAtThresholds("name", [0.97, 0.88, 0.75]),
        cl.ExactMatch("phone"), cl.ExactMatch("email"), cl.ExactMatch("dom"), cl.ExactMatch("tax"),
        cl.ExactMatch("city"), cl.ExactMatch("address"),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("kind", "tax"), block_on("kind", "phone"), block_on("kind", "email"),
        block_on("kind", "dom"), block_on("kind", "address"),
    ],
)
linker = Linker(sdf, settings)
linker.training.estimate_probability_two_random_records_match(
    [block_on("kind", "email"), block_on("kind", "tax")], recall=0.7)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=6)
linker.training.estimate_parameters_using_expectation_maximisation(block_on("kind", "phone"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("kind", "email"))
linker.training.estimate_parameters_using_expectation_maximisation(block_on("kind", "address"))
pred = linker.inference.predict(threshold_match_probability=0.5)
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.9)
clusters.as_duckdbpyrelation().select("cluster_id, unique_id").write_csv(out)
"""


def run_splink(books: Path, out: Path, log: Path) -> tuple[float, float, int]:
    script = out.with_suffix(".py")
    script.write_text(SPLINK_WORKER, encoding="utf-8")
    return timed([sys.executable, str(script), str(books), str(out), str(REPO)], log)


def splink_pairs(path: Path) -> set[frozenset[str]]:
    groups: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups.setdefault(row["cluster_id"], []).append(row["unique_id"])
    return pairs_of([g for g in groups.values() if len(g) > 1])


# --------------------------------------------------------------------------- data

def ensure_data(n: int, root: Path, seed: int) -> Path:
    d = root / f"{n}"
    stamp = d / "VERSION"
    want = f"{dedup_gen.GEN_VERSION} {n} {seed}"
    if not (stamp.is_file() and stamp.read_text().strip() == want):
        shutil.rmtree(d, ignore_errors=True)
        print(f"generating {n} records ...", flush=True)
        print(dedup_gen.write(n, d, seed), flush=True)
    return d


def hold_out(books: Path, dest: Path, k: int, seed: int) -> dict[Path, list[str]]:
    """Copy books to dest (without its .kebir cache) leaving out k records chosen at random
    (deterministic); the records held out, per file of dest."""
    import random
    parts: dict[Path, list[str]] = {}
    for f in sorted(books.rglob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        if text.startswith("- id: "):
            parts[f] = [p.rstrip("\n") for p in ("\n" + text).split("\n- id: ")[1:]]
    blocks = [(f, i) for f, ps in parts.items() for i in range(len(ps))]
    chosen = set(random.Random(seed).sample(blocks, k))
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(books, dest, ignore=shutil.ignore_patterns(".kebir"))
    held: dict[Path, list[str]] = {}
    for f, ps in parts.items():
        keep = [p for i, p in enumerate(ps) if (f, i) not in chosen]
        held[dest / f.relative_to(books)] = [p for i, p in enumerate(ps) if (f, i) in chosen]
        (dest / f.relative_to(books)).write_text("".join(f"- id: {p}\n" for p in keep) or "[]\n", encoding="utf-8")
    return held


def add_back(held: dict[Path, list[str]]) -> set[str]:
    """Append the held-out records to the end of their files (new records arriving); their ids."""
    for f, ps in held.items():
        with open(f, "a", encoding="utf-8") as out:
            out.write("".join(f"- id: {p}\n" for p in ps))
    return {p.split("\n", 1)[0].strip() for ps in held.values() for p in ps}


# --------------------------------------------------------------------------- main

def cold(books: Path) -> bool:
    """Remove the dedup records cache of the books, so the next scan parses and normalises all."""
    for f in (books / ".kebir" / "cache").glob("dedup-*"):
        f.unlink()
    return True


def med(rows: list[tuple[float, float, int, float, float]]) -> dict[str, float]:
    return {"seconds": statistics.median(r[0] for r in rows), "mib": statistics.median(r[1] for r in rows),
            "rc": max(r[2] for r in rows), "cpu": statistics.median(r[3] for r in rows),
            "load": statistics.median(r[4] for r in rows), "runs": [list(r) for r in rows]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,100000,1000000")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool at sizes up to 100k (median)")
    ap.add_argument("--big-runs", type=int, default=1, help="runs per tool above 100k (median)")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--incremental", type=int, default=0, help="hold out K records at the largest size")
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",") if s]
    data_root = a.out / "dedup"
    data_root.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                  f"Python {platform.python_version()}", "sizes": {}}
    # the demo company's planted duplicates
    demo_plan = data_root / "demo-plan.yaml"
    demo_run = med([timed([KEBIR, "dedup", "scan", "--books", "ledger-data", "-o", str(demo_plan)],
                          data_root / "demo.log")])
    import yaml
    truth = yaml.safe_load((REPO / "bench/demo/duplicates.yaml").read_text(encoding="utf-8"))
    links = yaml.safe_load((REPO / "ledger-data/contacts/links.yaml").read_text(encoding="utf-8")) or []
    linked = {frozenset((ln["crm"], ln["erp"])) for ln in links}
    demo_true = pairs_of(truth["crm_erp"] + truth["within_crm"] + truth["within_erp"])
    results["demo"] = {"kebir": {**demo_run, **score_plan(demo_plan, demo_true, linked)}}
    print("demo", results["demo"], flush=True)
    for n in sizes:
        d = ensure_data(n, data_root, a.seed)
        true = truth_pairs(d / "truth.csv")
        runs = a.runs if n <= 100_000 else a.big_runs
        row: dict[str, object] = {"records": n, "true_pairs": len(true)}
        plan = d / "plan.yaml"
        times = [timed([KEBIR, "dedup", "scan", "--books", str(d / "books"), "-o", str(plan)], d / "kebir.log")
                 for _ in range(runs) if cold(d / "books")]
        row["kebir"] = {**med(times), **score_plan(plan, true)}
        print(n, "kebir", row["kebir"], flush=True)
        if not a.no_splink:
            out = d / "splink-clusters.csv"
            times = [run_splink(d / "books", out, d / "splink.log") for _ in range(runs)]
            row["splink"] = {**med(times), **(score(splink_pairs(out), true)
                                                if max(t[2] for t in times) == 0 and out.exists() else {})}
            print(n, "splink", row["splink"], flush=True)
        results["sizes"][str(n)] = row  # type: ignore[index]
    if a.incremental and sizes:
        # the books without K records, scanned in full (a cold start: no cache), then the K records
        # arrive at the ends of their files and `scan --plan` runs, each time from the cache the
        # full scan left (so every run compares the same K new records)
        n = max(sizes)
        d = data_root / f"{n}"
        base = d / "books-inc"
        held_out = hold_out(d / "books", base, a.incremental, a.seed)
        base_plan = d / "base-plan.yaml"
        full = timed([KEBIR, "dedup", "scan", "--books", str(base), "-o", str(base_plan)], d / "base.log")
        held = add_back(held_out)
        snapshot = d / "cache-after-full"
        shutil.rmtree(snapshot, ignore_errors=True)
        shutil.copytree(base / ".kebir", snapshot)
        inc_plan = d / "inc-plan.yaml"
        incs = []
        for _ in range(a.runs):
            shutil.rmtree(base / ".kebir")
            shutil.copytree(snapshot, base / ".kebir")
            incs.append(timed([KEBIR, "dedup", "scan", "--books", str(base), "--plan", str(base_plan), "-o",
                               str(inc_plan)], d / "inc.log"))
        inc = [statistics.median(r[i] for r in incs) for i in range(5)]
        shutil.rmtree(snapshot, ignore_errors=True)
        true = {p for p in truth_pairs(d / "truth.csv") if p & held}
        got = pairs_of([m for m, _ in plan_clusters(inc_plan) if set(m) & held])
        got = {p for p in got if p & held}
        results["incremental"] = {"existing": n - len(held), "new": len(held), "full_seconds": full[0],
                                  "full_mib": full[1], "full_cpu": full[3], "seconds": inc[0], "mib": inc[1],
                                  "rc": max(r[2] for r in incs), "cpu": inc[3], "load": inc[4],
                                  "runs": [list(r) for r in incs], **score(got, true)}
        print("incremental", results["incremental"], flush=True)
        shutil.rmtree(base, ignore_errors=True)
    (a.out / "dedup-results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (a.out / "dedup-results.md").write_text(render(results), encoding="utf-8")
    print((a.out / "dedup-results.md").read_text(), flush=True)
    return 0


def render(r: dict) -> str:
    lines = [f"# kebir dedup scan vs splink ({r['machine']})", "",
             "Pairs implied by the clusters against the ground truth; seconds and peak MiB from "
             "`/usr/bin/time -f \"%e %M %U %S\"` (medians; CPU s = user + system).", "",
             "| records | tool | precision | recall | F1 | auto precision | review share | seconds | CPU s | peak MiB "
             "| load avg |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def fmt(x: object, p: int = 4) -> str:
        return f"{x:.{p}f}" if isinstance(x, float) else "-" if x is None else str(x)
    demo = r.get("demo", {}).get("kebir")
    if demo:
        lines.append(f"| demo | kebir | {fmt(demo['precision'])} | {fmt(demo['recall'])} | {fmt(demo['f1'])} | "
                     f"{fmt(demo['auto_precision'])} | {fmt(demo['review_share'])} | {demo['seconds']:.2f} | "
                     f"{demo['cpu']:.2f} | {demo['mib']:.0f} | {demo['load']:.1f} |")
    for n, row in r["sizes"].items():
        for tool in ("kebir", "splink"):
            t = row.get(tool)
            if not t:
                continue
            lines.append(f"| {int(n):,} | {tool} | {fmt(t.get('precision'))} | {fmt(t.get('recall'))} | "
                         f"{fmt(t.get('f1'))} | {fmt(t.get('auto_precision'))} | {fmt(t.get('review_share'))} | "
                         f"{t['seconds']:.2f} | {t['cpu']:.2f} | {t['mib']:.0f} | {t['load']:.1f} |")
    inc = r.get("incremental")
    if inc:
        lines += ["", f"Incremental (median of {len(inc.get('runs', [1]))}): {inc['new']:,} new records against "
                  f"{inc['existing']:,} existing: "
                  f"{inc['seconds']:.2f} s ({inc['cpu']:.2f} CPU s, load average {inc['load']:.1f}), "
                  f"{inc['mib']:.0f} MiB peak (the full scan of the existing records: "
                  f"{inc['full_seconds']:.2f} s, {inc['full_cpu']:.2f} CPU s); "
                  "pairs touching the new records: precision "
                  f"{inc['precision']:.4f}, recall {inc['recall']:.4f}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
