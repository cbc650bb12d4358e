"""Supplier prices over time: every receipt's unit price by item and supplier, and the warning at
receipt (W045) when a price moves beyond books.toml `[prices] alert_pct` from the same supplier's
last receipt of the item.

A receipt's supplier is the party of the purchase order (or supplier invoice) it names in
`document`; a receipt naming none is "(unknown)". The unit price is the receipt's cost in the base
currency per unit (what the stock ledger booked), so a change of currency rate is a change of price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import polars as pl

from core.model.errors import Problem
from core.model.money import from_minor
from core.model.records import Book

UNKNOWN = "(unknown)"


@dataclass(frozen=True, slots=True)
class Receipt:
    move: str
    day: date
    item: str
    location: str
    supplier: str
    qty: int                 # thousandths
    price: Fraction          # base minor units per unit
    previous: Fraction | None    # the same supplier's previous price of the item
    path: str
    line: int

    @property
    def change(self) -> Fraction | None:
        """Percent change on the previous price (None for the first)."""
        if self.previous is None or self.previous == 0:
            return None
        return (self.price - self.previous) * 100 / self.previous


def receipts(book: Book) -> list[Receipt]:
    """Every receipt in stock order with its supplier, unit price and the previous price."""
    ledger = book.stock_ledger
    if ledger is None or ledger.rows.is_empty():
        return []
    rows = ledger.rows.filter((pl.col("kind") == "receipt") & (pl.col("qty") > 0))
    last: dict[tuple[str, str], Fraction] = {}
    out = []
    for move, day, item, loc, doc, q, v, path, line in rows.select(
            "move_id", "date", "item", "location", "document", "qty", "value", "file", "line").iter_rows():
        d = book.document(doc) if doc else None
        supplier = d.party if d is not None and d.party else UNKNOWN
        price = Fraction(v * 1000, q)
        out.append(Receipt(move, day, item, loc, supplier, q, price, last.get((item, supplier)), path or "",
                           line or 0))
        last[(item, supplier)] = price
    return out


def check_price_moves(book: Book) -> list[Problem]:
    """W045: a receipt's price is more than `[prices] alert_pct` off the supplier's last one."""
    limit = book.settings.price_alert_pct
    if limit is None:
        return []
    dec = book.settings.decimals(book.base) or 2
    out = []
    for r in receipts(book):
        change = r.change
        if change is None or abs(change) <= Fraction(limit):
            continue
        pct = (2 * change.numerator * 10 + change.denominator) // (2 * change.denominator)   # to 0.1, half-up
        money = [str(from_minor((2 * p.numerator + p.denominator) // (2 * p.denominator), dec))
                 for p in (r.previous, r.price) if p is not None]
        out.append(Problem("W045", r.path, r.line, f"{r.item} from {r.supplier} costs {pct / 10:+.1f}% on its "
                           "last receipt", record=r.move, expected=f"within {limit}% of {money[0]}",
                           found=f"{money[1]} on {r.day}",
                           hint="check the supplier's invoice and the receipt's unit_cost; the price history is "
                                "`kebir report supplier-prices --item " + r.item + "`"))
    return out
