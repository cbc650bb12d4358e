#!/usr/bin/env python3
"""Benchmark recipes: a year of daily sales of 150 dishes at 3 locations exploded and valued.

    python bench/recipe_bench.py [--dishes 150] [--ingredients 12] [--raw 200] [--runs 3] [--seed 7]

Generated in memory (no files): `--raw` bought items (half FIFO, half moving average), a few
sauces (made to order, so they explode further), and `--dishes` dishes of about `--ingredients`
ingredients each, one in three using a sauce. Each location sells every dish every day of 2025
(Z-report sale rows), and receives every raw item weekly (plenty, so stock never goes negative).

Timed, median of `--runs`: `core.erp.production.stock_ledger` on that book, which explodes the sales
through the recipes (the (Z-report, dish, ingredient) lines, about 2M at the defaults), sums them
per Z-report and ingredient into issue moves, and values those with the receipts (FIFO or average
per item and location). Prints the counts, seconds and peak memory (VmHWM of the timed runs where
Linux lets it be reset, else the process peak from getrusage).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.model.records import Book, Item, Location, Settings  # noqa: E402
from core.model.source import Source  # noqa: E402
from core.erp.production import Production, dish_sales, production_of, stock_ledger  # noqa: E402
from core.erp.recipes import Ingredient, Recipe, Recipes  # noqa: E402

LOCATIONS = ("MTF", "KDK", "BSK")
START = date(2025, 1, 1)
DAYS = 365


def build(n_dishes: int, n_ing: int, n_raw: int, seed: int) -> Book:
    rng = random.Random(seed)
    items: dict[str, Item] = {}
    for i in range(n_raw):
        unit = rng.choice(("kg", "l", "piece"))
        items[f"RAW-{i:03d}"] = Item(f"RAW-{i:03d}", f"Raw {i}", unit, "fifo" if i % 2 else "average")
    recipes = []
    sauces = [f"SOS-{i:02d}" for i in range(10)]
    for s in sauces:
        items[s] = Item(s, s, "l", "average", type="produced")
        ings = tuple(Ingredient(f"RAW-{rng.randrange(n_raw):03d}", Decimal(rng.randint(50, 400)), "g"
                                if items[f"RAW-{0:03d}"].unit else None) for _ in range(4))
        recipes.append(Recipe(s, _fix(ings, items), Decimal(1), "l"))
    for d in range(n_dishes):
        dish = f"DSH-{d:03d}"
        items[dish] = Item(dish, dish, "portion", "average", type="produced")
        raw = rng.sample(range(n_raw), n_ing - (1 if d % 3 == 0 else 0))
        ings = [Ingredient(f"RAW-{r:03d}", Decimal(rng.randint(5, 300)), None, Decimal(rng.choice((0, 0, 5, 10))))
                for r in raw]
        if d % 3 == 0:
            ings.append(Ingredient(rng.choice(sauces), Decimal("50"), "ml"))
        recipes.append(Recipe(dish, _fix(tuple(ings), items)))
    # weekly receipts of every raw item at every location, ample
    rows = []
    n = 0
    for week in range(0, DAYS, 7):
        day = START + timedelta(days=week)
        for loc in LOCATIONS:
            for i in range(n_raw):
                n += 1
                rows.append((f"MV-{n:07d}", day, "06:00", "receipt", f"RAW-{i:03d}", loc, None,
                             f"{rng.randint(100, 99999) / 100:.2f}", None, None, None, 5_000_000, "bench", 1))
    moves = pl.DataFrame(rows, orient="row", schema={
        "id": pl.String, "date": pl.Date, "time": pl.String, "kind": pl.String, "item": pl.String,
        "location": pl.String, "to_location": pl.String, "unit_cost": pl.String, "currency": pl.String,
        "document": pl.String, "memo": pl.String, "qty": pl.Int64, "file": pl.String, "line": pl.Int32,
    }).with_columns(pl.col("file").cast(pl.Categorical))
    days = [START + timedelta(days=i) for i in range(DAYS)]
    dishes = [f"DSH-{d:03d}" for d in range(n_dishes)]
    sales = (pl.DataFrame({"date": days}).join(pl.DataFrame({"location": list(LOCATIONS)}), how="cross")
             .join(pl.DataFrame({"item": dishes}), how="cross")
             .with_columns(kind=pl.lit("sale"), qty=(pl.int_range(pl.len()) % 23 + 1) * 1000,
                           net=pl.lit(100_00, pl.Int64), vat_rate=pl.lit("10"), method=pl.lit(None, pl.String),
                           amount=pl.lit(None, pl.Int64), memo=pl.lit(None, pl.String),
                           file=pl.lit("sales/2025.csv").cast(pl.Categorical),
                           line=(pl.int_range(pl.len()) + 2).cast(pl.Int32))
             .select("date", "location", "kind", "item", "qty", "net", "vat_rate", "method", "amount", "memo",
                     "file", "line"))
    empty = pl.DataFrame()
    settings = Settings("bench", "TRY", roles=(("inventory", "153"), ("cogs", "621"), ("goods_received", "329")))
    book = Book(Path("."), settings, {}, {}, items, {loc: Location(loc, loc, "restaurant") for loc in LOCATIONS}, (),
                (), (), empty, empty, moves, pl.DataFrame(schema={"date": pl.Date, "currency": pl.String,
                                                                     "rate": pl.String}), sales=sales)
    rec = Recipes(tuple(recipes), (), items)
    assert rec.check() == [], rec.check()[:3]
    return Book(**{**{f: getattr(book, f) for f in book.__dataclass_fields__},
                   "production": Production(rec)})


def _fix(ings: tuple[Ingredient, ...], items: dict[str, Item]) -> tuple[Ingredient, ...]:
    """Give each ingredient a unit that converts to its item's unit (g for kg, ml for l, none for pieces)."""
    out = []
    for ing in ings:
        own = items[ing.item].unit
        unit = {"kg": "g", "l": "ml"}.get(own) if ing.unit is not None or own != "piece" else None
        qty = ing.quantity if unit else Decimal(1)
        out.append(Ingredient(ing.item, qty, unit, ing.waste, Source("", 0)))
    return tuple(out)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dishes", type=int, default=150)
    ap.add_argument("--ingredients", type=int, default=12)
    ap.add_argument("--raw", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    book = build(args.dishes, args.ingredients, args.raw, args.seed)
    rec = production_of(book).recipes
    lines = dish_sales(book).join(
        pl.DataFrame([(d, i) for d in rec.by_item if d.startswith("DSH") for i in rec.explode(d)],
                     schema={"item": pl.String, "ingredient": pl.String}, orient="row"), on="item").height
    print(f"generated in {time.perf_counter() - t0:.1f} s: {book.sales.height:,} dish sales rows, "
          f"{lines:,} exploded ingredient lines, {book.moves.height:,} receipts")
    gc.collect()
    reset = _reset_peak()
    times = []
    ledger = None
    for _ in range(args.runs):
        t = time.perf_counter()
        ledger, problems = stock_ledger(book)
        times.append(time.perf_counter() - t)
        assert problems == []
    peak = _peak_mib()
    issues = ledger.rows.filter(pl.col("kind") == "issue")
    print(f"issue moves (per Z-report and ingredient): {issues.height:,}; ledger rows: {ledger.rows.height:,}; "
          f"value issued: {-issues['value'].sum() / 100:,.2f} TRY")
    print(f"stock_ledger (explode + value), median of {args.runs}: {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)})")
    print(f"peak memory ({'timed runs, VmHWM' if reset else 'whole process'}): {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
