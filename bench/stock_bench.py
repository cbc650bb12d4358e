#!/usr/bin/env python3
"""Benchmark stock valuation: a year of generated stock moves through `core.erp.stock.value_stock`.

    python bench/stock_bench.py [--moves 1000000] [--items 80] [--runs 3] [--seed 20250101]

The moves are generated straight into the `Book.moves` frame layout (no files): 80 items (half
FIFO, half moving average) at three locations, a warehouse kitchen (MTF) and two restaurants,
over the 365 days of 2025. Every move is timed and each item's moves in a day get distinct
minutes, so the stock order is the order they were generated in, and the generator keeps every
item and location at or above zero in that order. The mix: receipts (mostly at MTF, 5% in EUR
with a rate table that skips weekends), transfers from MTF to the restaurants (and back),
issues, waste, counts, signed adjustments (receipts pause while an item holds more than
150 units in all, so stock turns over as in a kitchen) and customer returns (with and without unit cost,
naming the delivery's SO-).

Prints the mix, the median of `--runs` timings of `value_stock`, and memory: the peak RSS of
the valuation runs alone (VmHWM after resetting it via /proc/self/clear_refs, where Linux allows
that) and of the whole process including the generator (resource.getrusage).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.model.records import Item  # noqa: E402
from core.erp.stock import on_hand, value_stock  # noqa: E402

LOCATIONS = ("MTF", "KDK", "BSK")
START = date(2025, 1, 1)
DAYS = 365
STOCK_CAP = 150_000      # thousandths: above this an item gets no new receipts until it is used up
KINDS = (("receipt", 25), ("issue", 44), ("transfer", 15), ("waste", 3), ("count", 7), ("adjustment", 2),
         ("return", 4))


def generate(n_moves: int, n_items: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Item]]:
    """n_moves moves that never take an item below zero at any location, in the book.moves layout."""
    rnd = random.Random(seed)
    items = {f"IT-{i:03d}": Item(f"IT-{i:03d}", f"item {i}", "kg", "fifo" if i % 2 else "average")
             for i in range(1, n_items + 1)}
    ids = list(items)
    base_cost = {it: rnd.randint(5_0000, 900_0000) for it in ids}        # unit cost in 10^-4 TRY
    on_hand = {(it, loc): 0 for it in ids for loc in LOCATIONS}
    deliveries: list[tuple[str, str]] = []                                 # (item, SO-) for returns
    kinds, weights = zip(*KINDS)
    cols: dict[str, list] = {c: [] for c in ("id", "date", "time", "kind", "item", "location", "to_location", "qty",
                                             "unit_cost", "currency", "document", "memo")}
    c_id, c_date, c_time, c_kind = cols["id"].append, cols["date"].append, cols["time"].append, cols["kind"].append
    c_item, c_loc, c_to, c_qty = cols["item"].append, cols["location"].append, cols["to_location"].append, \
        cols["qty"].append
    c_uc, c_cur, c_doc, c_memo = cols["unit_cost"].append, cols["currency"].append, cols["document"].append, \
        cols["memo"].append
    rates_d, rates_r = [], []
    eur = 36_000_000                                                       # 36.000000 TRY per EUR
    seq = 0
    so = 0
    for day_no in range(DAYS):
        day = START + timedelta(days=day_no)
        eur += rnd.randint(-60_000, 80_000)
        if day.weekday() < 5:
            rates_d.append(day)
            rates_r.append(f"{eur // 1_000_000}.{eur % 1_000_000:06d}")
        todo = n_moves * (day_no + 1) // DAYS - seq
        per_item = Counter(rnd.choice(ids) for _ in range(todo))
        for it in sorted(per_item):
            n = per_item[it]
            minutes = sorted(rnd.sample(range(6 * 60, 24 * 60), n))
            drift = base_cost[it] * rnd.randint(90, 115) // 100
            for minute in minutes:
                seq += 1
                kind = rnd.choices(kinds, weights)[0]
                loc = rnd.choice(LOCATIONS)
                if kind == "receipt" and sum(on_hand[(it, x)] for x in LOCATIONS) > STOCK_CAP:
                    kind = "issue"                                         # stock turns over, as in a kitchen
                if kind in ("issue", "waste", "transfer", "adjustment") and on_hand[(it, loc)] == 0:
                    stocked = [x for x in LOCATIONS if on_hand[(it, x)] > 0]
                    if stocked:
                        loc = rnd.choice(stocked)
                    else:
                        kind = "receipt"
                to = None
                uc = cur = doc = None
                have = on_hand[(it, loc)]
                if kind == "receipt":
                    loc = "MTF" if rnd.random() < 0.7 else loc
                    q = rnd.randint(1_000, 14_000)
                    cost = drift * rnd.randint(95, 105) // 100
                    if rnd.random() < 0.05:
                        cur, cost = "EUR", cost * 1_000_000 // eur
                    else:
                        cur = "TRY"
                    uc, doc = f"{cost // 10_000}.{cost % 10_000:04d}", f"PO-{seq:07d}"
                    on_hand[(it, loc)] += q
                elif kind == "transfer":
                    q = rnd.randint(1, min(have, 20_000))
                    to = rnd.choice([x for x in LOCATIONS if x != loc])
                    on_hand[(it, loc)] -= q
                    on_hand[(it, to)] += q
                elif kind in ("issue", "waste"):
                    q = rnd.randint(1, min(have, 8_000))
                    on_hand[(it, loc)] -= q
                    if kind == "issue" and rnd.random() < 0.3:
                        so += 1
                        doc = f"SO-{so:07d}"
                        deliveries.append((it, doc))
                elif kind == "count":
                    q = max(0, have + rnd.randint(-300, 200))
                    on_hand[(it, loc)] = q
                elif kind == "adjustment":
                    q = rnd.randint(-min(have, 500), 500) or 1
                    if q > 0 and rnd.random() < 0.5:
                        uc = f"{drift // 10_000}.{drift % 10_000:04d}"
                    on_hand[(it, loc)] += q
                else:                                                      # return
                    q = rnd.randint(100, 2_000)
                    own = [d for i, d in deliveries[-50:] if i == it]
                    if own and rnd.random() < 0.7:
                        doc = own[-1]
                    else:
                        uc = f"{drift // 10_000}.{drift % 10_000:04d}"
                    on_hand[(it, loc)] += q
                c_id(f"MV-2025-{seq:07d}"), c_date(day), c_time(f"{minute // 60:02d}:{minute % 60:02d}")
                c_kind(kind), c_item(it), c_loc(loc), c_to(to), c_qty(q), c_uc(uc), c_cur(cur), c_doc(doc)
                c_memo(None)
    n = len(cols["id"])
    frame = pl.DataFrame(cols, schema={"id": pl.String, "date": pl.Date, "time": pl.String, "kind": pl.String,
                                       "item": pl.String, "location": pl.String, "to_location": pl.String,
                                       "qty": pl.Int64, "unit_cost": pl.String, "currency": pl.String,
                                       "document": pl.String, "memo": pl.String})
    frame = frame.with_columns(file=pl.lit("stock/moves/bench.csv", pl.Categorical),
                               line=pl.int_range(2, n + 2, dtype=pl.Int32))
    rates = pl.DataFrame({"date": rates_d, "currency": ["EUR"] * len(rates_d), "rate": rates_r},
                         schema={"date": pl.Date, "currency": pl.String, "rate": pl.String})
    return frame, rates, items


def _hwm_kib() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=80)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--untimed", action="store_true",
                    help="drop every move's time: the worst case for transfers (they then leave at the end of "
                         "the day and arrive at its start, and most item-days are merged leg by leg); the counts "
                         "move to the end of the day, so some stock goes negative")
    args = ap.parse_args()

    t0 = time.perf_counter()
    moves, rates, items = generate(args.moves, args.items, args.seed)
    gen_s = time.perf_counter() - t0
    if args.untimed:
        moves = moves.with_columns(time=pl.lit(None, pl.String))
    gc.collect()
    mix = dict(moves.group_by("kind").len().sort("kind").iter_rows())
    print(f"generated {moves.height:,} moves ({args.items} items x {len(LOCATIONS)} locations, "
          f"{sum(1 for c in moves['currency'] if c == 'EUR'):,} in EUR) in {gen_s:.1f} s")
    print("mix: " + ", ".join(f"{k} {v:,}" for k, v in mix.items()))

    base_kib = _hwm_kib()
    can_reset = _reset_hwm()
    base_kib = _hwm_kib() if can_reset else base_kib
    times, cpu = [], []
    ledger = None
    for _ in range(args.runs):
        ledger = None
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        ledger, problems = value_stock(moves, items, rates, "TRY", 2)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert not problems, problems[:3]
    peak_kib = _hwm_kib()
    total_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert ledger is not None
    rows = ledger.rows
    end = on_hand(ledger)
    assert end.filter((pl.col("qty") < 0) if not args.untimed else pl.lit(False)).is_empty()
    assert end.filter(pl.col("value") < 0).is_empty()
    assert end.filter((pl.col("qty") <= 0) & (pl.col("value") != 0)).is_empty()
    assert rows["value"].sum() == end["value"].sum()
    kinds = dict(rows.group_by("kind").len().sort("kind").iter_rows())

    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| moves | {moves.height:,} ({'untimed' if args.untimed else 'timed'}) |")
    print(f"| ledger rows | {rows.height:,} ({kinds.get('average-remainder', 0):,} average remainders) |")
    print(f"| value_stock, median of {len(times)} | {statistics.median(times):.2f} s |")
    print(f"| runs (wall) | {', '.join(f'{t:.2f}' for t in times)} s |")
    print(f"| runs (CPU, all threads) | {', '.join(f'{t:.2f}' for t in cpu)} s |")
    print(f"| moves/s | {moves.height / statistics.median(times):,.0f} |")
    if can_reset and peak_kib is not None and base_kib is not None:
        print(f"| peak RSS during valuation | {peak_kib / 1024:,.0f} MiB (input frame and interpreter: "
              f"{base_kib / 1024:,.0f} MiB) |")
    print(f"| peak RSS of the process (with the generator) | {total_kib / 1024:,.0f} MiB |")
    print(f"| closing stock value | {end['value'].sum() / 100:,.2f} TRY |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
