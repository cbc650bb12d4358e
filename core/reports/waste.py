"""Waste by reason, item or location, valued as the stock ledger booked it (FIFO layers or moving
average at the moment of the move, the figure posted to the waste account), with each line's
share of the period's waste value. Quantities are summed only by item (kilos and bottles do not
add up); by reason and by location the line counts the moves instead.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from core.erp.waste import waste_legs
from core.ledger.period import Span
from core.model.money import from_minor
from core.model.records import Book
from core.reports import Column, Table

BY = ("reason", "item", "location")


def build_waste(book: Book, span: Span = Span(), by: str = "reason", *, location: str | None = None) -> Table:
    """Booked waste in `span` grouped `by` reason | item | location, largest value first."""
    if by not in BY:
        raise ValueError(f"waste by {by!r}: use one of {', '.join(BY)}")
    dec = book.settings.base_decimals
    w = waste_legs(book)
    if span.begin is not None:
        w = w.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        w = w.filter(pl.col("date") < span.end)
    if location:
        w = w.filter(pl.col("location") == location)
    g = (w.group_by(by).agg(moves=pl.col("move_id").n_unique(), qty=pl.col("qty").sum(), value=pl.col("value").sum())
         .sort(["value", by], descending=[True, False]))
    total = int(w["value"].sum() or 0)
    if by == "reason":
        names = {k: r.name for k, r in book.reasons.items()}
    elif by == "item":
        names = {k: i.name for k, i in book.items.items()}
    else:
        names = {k: loc.name for k, loc in book.locations.items()}

    def share(v: int) -> Decimal | None:
        return None if total == 0 else (Decimal(v) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)

    rows: list[tuple[Any, ...]] = []
    for key, moves, qty, value in g.select(by, "moves", "qty", "value").iter_rows():
        unit = book.items[key].unit if by == "item" and key in book.items else ""
        rows.append((key, names.get(key, ""), moves, from_minor(qty, 3) if by == "item" else None, unit,
                     from_minor(value, dec), share(value)))
    cols = (Column(by, by.capitalize()), Column("name", "Name"), Column("moves", "Moves", "int"),
            Column("quantity", "Quantity", "qty"), Column("unit", "Unit"), Column("value", "Value", "money"),
            Column("share", "Share %", "pct"))
    totals = ("Total", "", int(w["move_id"].n_unique()) if w.height else 0, None, "", from_minor(total, dec),
              Decimal("100.0") if total else None)
    return Table("waste", f"Waste by {by}, {span.label()}", cols, tuple(rows), totals,
                 {"currency": book.base, "company": book.settings.name, "by": by, "begin": str(span.begin or ""),
                  "end": str(span.end or ""), "value": from_minor(total, dec),
                  **({"location": location} if location else {})})
