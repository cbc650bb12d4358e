"""The valued stock ledger the derivation attaches to a book (`Book.stock_ledger`); core.erp.stock
values the moves into it."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, slots=True)
class StockLedger:
    """The valued legs of the stock moves: one row per leg, sorted by item, location, stock order.

    Columns (LEDGER_SCHEMA): move_id, date, item, location, kind (KINDS), document, qty (signed
    thousandths), value (signed minor units of `currency`), qty_after, value_after (the item at
    that location after the row), file, line (the move's source). An `average-remainder` row has
    qty 0 and the value it takes out (negative).
    """

    rows: pl.DataFrame
    currency: str = ""
    decimals: int = 2
