"""Stock report: valuation and movement per item and location over a period.

From the valued stock ledger (core.erp.stock): the opening quantity and value, what came in
(receipts, transfers in, count surpluses, returns), what went out (issues, transfers out, waste,
count shortages) and the closing quantity and value, which equals the inventory account when
the tie-out in `kebir validate` holds. Quantities are exact to the thousandth, values in the base
currency; the unit cost is closing value / closing quantity, rounded half to even to 4 decimals.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span
from core.reports import Column, Table
from core.erp.stock import movement

COLUMNS = (
    Column("item", "Item"), Column("name", "Name"), Column("location", "Location"), Column("unit", "Unit"),
    Column("opening_qty", "Opening qty", "qty"), Column("opening_value", "Opening value", "money"),
    Column("in_qty", "In qty", "qty"), Column("in_value", "In value", "money"),
    Column("out_qty", "Out qty", "qty"), Column("out_value", "Out value", "money"),
    Column("closing_qty", "Closing qty", "qty"), Column("closing_value", "Closing value", "money"),
    Column("unit_cost", "Unit cost", "money"),
)
UNIT_COST = Decimal("0.0001")


def build_stock(book: Book, span: Span = Span(), *, location: str | None = None, item: str | None = None,
                moving_only: bool = False) -> Table:
    """Per item and location: opening, in, out, closing over [span.begin, span.end)."""
    ledger = book.stock_ledger
    dec = book.settings.base_decimals
    if ledger is None or ledger.rows.is_empty():
        rows_df = pl.DataFrame()
    else:
        dates = ledger.rows["date"]
        begin = span.begin or dates.min()
        last = (span.end - timedelta(days=1)) if span.end else dates.max()
        rows_df = movement(ledger, begin, last)
        if location:
            rows_df = rows_df.filter(pl.col("location") == location)
        if item:
            rows_df = rows_df.filter(pl.col("item").str.starts_with(item))
        if moving_only:
            rows_df = rows_df.filter((pl.col("in_qty") != 0) | (pl.col("out_qty") != 0))
        rows_df = rows_df.filter(~((pl.col("opening_qty") == 0) & (pl.col("in_qty") == 0) & (pl.col("out_qty") == 0)
                                   & (pl.col("closing_value") == 0) & (pl.col("opening_value") == 0)))

    def qty(v: int) -> Decimal:
        return from_minor(v, 3)

    rows: list[tuple[Any, ...]] = []
    sums = [0] * 4
    for r in rows_df.iter_rows(named=True) if not rows_df.is_empty() else ():
        it = book.items.get(r["item"])
        cq, cv = r["closing_qty"], r["closing_value"]
        cost = (Decimal(cv).scaleb(-dec) / qty(cq)).quantize(UNIT_COST, ROUND_HALF_EVEN) if cq else None
        rows.append((r["item"], it.name if it else "?", r["location"], it.unit if it else "",
                     qty(r["opening_qty"]), from_minor(r["opening_value"], dec), qty(r["in_qty"]),
                     from_minor(r["in_value"], dec), qty(r["out_qty"]), from_minor(r["out_value"], dec),
                     qty(cq), from_minor(cv, dec), cost))
        for i, k in enumerate(("opening_value", "in_value", "out_value", "closing_value")):
            sums[i] += r[k]
    totals = ("Total", f"{len(rows)} lines", "", "", None, from_minor(sums[0], dec), None, from_minor(sums[1], dec),
              None, from_minor(sums[2], dec), None, from_minor(sums[3], dec), None)
    label = Span(span.begin, span.end).label()
    return Table("stock", f"Stock valuation and movement, {label}", COLUMNS, tuple(rows), totals,
                 {"currency": book.base, "company": book.settings.name, "begin": str(span.begin or ""),
                  "end": str(span.end or ""), "location": location or "", "closing_value": from_minor(sums[3], dec),
                  "as_of": str(date.fromordinal(span.end.toordinal() - 1)) if span.end else ""})
