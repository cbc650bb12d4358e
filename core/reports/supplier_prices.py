"""Supplier price history: the unit price of every receipt by item and supplier, with the change on
the same supplier's previous receipt of the item (core.erp.supplier_prices), flagged beyond
books.toml `[prices] alert_pct` (or `alert`, the report's own threshold)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from core.erp.supplier_prices import receipts
from core.ledger.period import Span
from core.model.money import from_minor
from core.model.records import Book
from core.reports import Column, Table

COLUMNS = (
    Column("item", "Item"), Column("supplier", "Supplier"), Column("date", "Date"), Column("location", "Location"),
    Column("move", "Move"), Column("quantity", "Quantity", "qty"), Column("price", "Unit price", "money"),
    Column("previous", "Previous", "money"), Column("change_pct", "Change %", "pct"), Column("alert", "Alert"),
)


def _half_up(v: Fraction) -> int:
    return (2 * v.numerator + v.denominator) // (2 * v.denominator)


def build_supplier_prices(book: Book, span: Span = Span(), *, item: str | None = None, supplier: str | None = None,
                          alert: Decimal | None = None) -> Table:
    """Receipts in the span (the previous price may come from before it), by item, supplier and date."""
    dec = book.settings.decimals(book.base) or 2
    limit = alert if alert is not None else book.settings.price_alert_pct
    rows: list[tuple[Any, ...]] = []
    flagged = 0
    for r in sorted(receipts(book), key=lambda r: (r.item, r.supplier, r.day, r.move)):
        if (span.begin and r.day < span.begin) or (span.end and r.day >= span.end) \
                or (item and not r.item.startswith(item)) or (supplier and r.supplier != supplier):
            continue
        ch = r.change
        pct = from_minor(_half_up(ch * 100), 2) if ch is not None else None
        hit = ch is not None and limit is not None and abs(ch) > Fraction(limit)
        flagged += hit
        rows.append((r.item, r.supplier, str(r.day), r.location, r.move, from_minor(r.qty, 3),
                     from_minor(_half_up(r.price), dec),
                     from_minor(_half_up(r.previous), dec) if r.previous is not None else None, pct,
                     ("up" if ch > 0 else "down") if hit and ch is not None else ""))
    return Table("supplier-prices", f"Supplier prices, {span.label()}", COLUMNS, tuple(rows), None,
                 meta={"currency": book.base, "alert_pct": str(limit) if limit is not None else None,
                       "flagged": flagged})
