"""Theoretical against actual usage per item and location: the variance a kitchen controller watches.

Theoretical: what the period's sales (Z-report sale rows and sales-order lines of items with
recipes) and production runs should have taken from stock, exploded through the recipes.
Actual: what the stock ledger says left stock for use: issues, waste, count shortages and
negative adjustments, less count surpluses and positive adjustments (transfers and receipts are
not usage). Counts are what make the actual true: between counts it is only what was booked.

Values are the ledger's, never a re-pricing: actual at the value the ledger took out (FIFO or
moving average, move by move); theoretical at the unit cost of the period's booked issues (which,
with backflush, are the recipes' own consumption at the value the ledger gave it), else of the
actual usage, else the item's latest unit cost. Booked waste is explained loss and is shown apart
(by reason in `kebir report waste`); the variance is the unexplained rest:

    variance = actual - theoretical - waste

so when the tills' issues are the theoretical usage, the variance value is exactly what the counts
booked (count shortages less surpluses, and adjustments). A positive variance is stock used beyond
the recipes and the booked waste.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span
from core.erp.production import dish_sales, explode, production_of
from core.reports import Column, Table
from core.reports.recipe_cost import unit_costs
from core.erp.production import _requirements

COLUMNS = (
    Column("item", "Item"), Column("name", "Name"), Column("location", "Location"), Column("unit", "Unit"),
    Column("theoretical_qty", "Theoretical qty", "qty"), Column("actual_qty", "Actual qty", "qty"),
    Column("waste_qty", "Waste qty", "qty"), Column("variance_qty", "Variance qty", "qty"),
    Column("theoretical_value", "Theoretical value", "money"), Column("actual_value", "Actual value", "money"),
    Column("waste_value", "Waste value", "money"), Column("variance_value", "Variance value", "money"),
    Column("variance_pct", "Variance %", "pct"),
)
USAGE_OUT = ("issue", "waste", "count-shortage", "adjustment-out")
USAGE_BACK = ("count-surplus", "adjustment-in")


def theoretical_usage(book: Book, span: Span, location: str | None = None) -> pl.DataFrame:
    """(location, item, qty thousandths) the period's sales and runs take through the recipes."""
    rec = production_of(book).recipes
    sold = dish_sales(book, span.begin, span.end, location).select("location", "item", "qty")
    runs = [(r.location, r.item, int(r.quantity * 1000)) for r in production_of(book).runs
            if (span.begin is None or r.date >= span.begin) and (span.end is None or r.date < span.end)
            and (location is None or r.location == location) and r.item in rec]
    parts = [explode(sold, rec, ["location"])]
    if runs:
        frame = pl.DataFrame(runs, schema={"location": pl.String, "item": pl.String, "qty": pl.Int64}, orient="row")

        req = _requirements(rec, sorted({r[1] for r in runs}), consumed=False)
        j = frame.join(req, on="item").group_by("location", "ingredient").agg(
            (pl.col("qty").cast(pl.Int128) * pl.col("req").cast(pl.Int128)).sum().alias("_n"))
        parts.append(j.select("location", "ingredient", qty=((pl.col("_n") + 5 * 10**8) // 10**9).cast(pl.Int64)))
    both = pl.concat(parts, how="vertical_relaxed")
    return (both.group_by("location", "ingredient").agg(pl.col("qty").sum())
            .rename({"ingredient": "item"}).sort("item", "location"))


def actual_usage(book: Book, span: Span, location: str | None = None) -> pl.DataFrame:
    """(location, item, qty thousandths, value minor units) that left stock for use in the span, with
    the part of it booked as issues (`issue_qty`, `issue_value`) and as waste (`waste_qty`, `waste_value`)."""
    ledger = book.stock_ledger
    schema = {"location": pl.String, "item": pl.String, "qty": pl.Int64, "value": pl.Int64,
              "issue_qty": pl.Int64, "issue_value": pl.Int64, "waste_qty": pl.Int64, "waste_value": pl.Int64}
    if ledger is None or ledger.rows.is_empty():
        return pl.DataFrame(schema=schema)
    rows = ledger.rows.filter(pl.col("kind").is_in([*USAGE_OUT, *USAGE_BACK]))
    if span.begin:
        rows = rows.filter(pl.col("date") >= span.begin)
    if span.end:
        rows = rows.filter(pl.col("date") < span.end)
    if location:
        rows = rows.filter(pl.col("location") == location)
    # a run's ingredient issues move value into what it makes: usage by recipe on both sides
    kind = pl.col("kind")
    return (rows.group_by("location", "item").agg(
        (-pl.col("qty")).sum().alias("qty"), (-pl.col("value")).sum().alias("value"),
        (-pl.col("qty")).filter(kind == "issue").sum().alias("issue_qty"),
        (-pl.col("value")).filter(kind == "issue").sum().alias("issue_value"),
        (-pl.col("qty")).filter(kind == "waste").sum().alias("waste_qty"),
        (-pl.col("value")).filter(kind == "waste").sum().alias("waste_value"))
        .select(list(schema)).sort("item", "location"))


def build_usage(book: Book, span: Span = Span(), *, location: str | None = None, item: str | None = None,
                only_recipes: bool = True) -> Table:
    """Per item and location: theoretical and actual usage and their variance, in quantity and value.
    `only_recipes`: only items some recipe uses (else every item used)."""
    dec = book.settings.base_decimals
    theo = theoretical_usage(book, span, location).rename({"qty": "theo"})
    act = actual_usage(book, span, location)
    both = theo.join(act, on=["location", "item"], how="full", coalesce=True).with_columns(
        pl.col("theo", "qty", "value", "issue_qty", "issue_value", "waste_qty", "waste_value").fill_null(0))
    if only_recipes:
        used = {i.item for r in production_of(book).recipes.by_item.values() for i in r.ingredients}
        both = both.filter(pl.col("item").is_in(sorted(used)))
    if item:
        both = both.filter(pl.col("item").str.starts_with(item))
    both = both.sort("item", "location")
    ledger = book.stock_ledger
    last = span.end - timedelta(days=1) if span.end else (
        ledger.rows["date"].max() if ledger is not None and not ledger.rows.is_empty() else None)
    latest = unit_costs(book, last) if last else {}
    rows: list[tuple[Any, ...]] = []
    sums = [0, 0, 0, 0]
    for loc, it, theo_q, act_q, act_v, iss_q, iss_v, w_q, w_v in both.select(
            "location", "item", "theo", "qty", "value", "issue_qty", "issue_value", "waste_qty",
            "waste_value").iter_rows():
        per = (Fraction(iss_v * 1000, iss_q) if iss_q > 0 else
               Fraction(act_v * 1000, act_q) if act_q > 0 else latest.get(it, Fraction(0)))
        tv = theo_q * per / 1000
        theo_v = (2 * tv.numerator + tv.denominator) // (2 * tv.denominator)
        var_v = act_v - theo_v - w_v
        known = book.items.get(it)
        pct = (from_minor((2 * var_v * 10000 + theo_v) // (2 * theo_v), 2) if theo_v > 0 else None)
        rows.append((it, known.name if known else "", loc, known.unit if known else "", from_minor(theo_q, 3),
                     from_minor(act_q, 3), from_minor(w_q, 3), from_minor(act_q - theo_q - w_q, 3),
                     from_minor(theo_v, dec), from_minor(act_v, dec), from_minor(w_v, dec), from_minor(var_v, dec),
                     pct))
        sums[0] += theo_v
        sums[1] += act_v
        sums[2] += w_v
        sums[3] += var_v
    totals = ("Total", "", "", "", None, None, None, None, *(from_minor(s, dec) for s in sums),
              from_minor((2 * sums[3] * 10000 + sums[0]) // (2 * sums[0]), 2) if sums[0] > 0 else None)
    label = span.label()
    return Table("usage", f"Theoretical vs actual usage, {label}", COLUMNS, tuple(rows), totals,
                 meta={"begin": str(span.begin) if span.begin else None, "end": str(span.end) if span.end else None,
                       "location": location})

