"""Changes to a finished report that every statement shares: change columns for `--compare`, and
amounts translated into another currency for `--currency`.

Both take a Table and return a new one; the report builders stay unaware of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from core.model.i18n import text
from core.model.records import Book
from core.reports import Column, Table

PCT = Decimal("0.1")


def with_change(table: Table, current: str, previous: str) -> Table:
    """Add `change` (current - previous) and `change_pct` (change / |previous| x 100, to 0.1;
    empty where previous is zero) after the two amount columns named."""
    keys = [c.key for c in table.columns]
    i_cur, i_prev = keys.index(current), keys.index(previous)

    def extend(row: Sequence[Any] | None) -> tuple[Any, ...] | None:
        if row is None:
            return None
        a, b = row[i_cur], row[i_prev]
        if not isinstance(a, Decimal) or not isinstance(b, Decimal):
            return (*row, None, None)
        pct = None if b == 0 else ((a - b) / abs(b) * 100).quantize(PCT, ROUND_HALF_EVEN)
        return (*row, a - b, pct)

    lang = table.meta.get("language", "en")
    columns = (*table.columns, Column("change", text("col.change", lang), "money"),
               Column("change_pct", text("col.change_pct", lang), "pct"))
    rows = tuple(extend(r) for r in table.rows)
    return replace(table, columns=columns, rows=rows, totals=extend(table.totals),
                   meta={**table.meta, "compare": {"current": current, "previous": previous}})


def rate_finder(book: Book, currency: str) -> Callable[[date], Decimal]:
    """Base units per unit of `currency` on a day (the latest rate on or before it). Raises
    ValueError when there is none, naming the file to add it to."""
    def rate(day: date) -> Decimal:
        if currency == book.base:
            return Decimal(1)
        found = book.rate_on(currency, day)
        if found is None:
            raise ValueError(f"no {currency} rate on or before {day}: add one to rates/ "
                             f"(date, currency, rate in {book.base})")
        return Decimal(found)
    return rate


def translate(table: Table, book: Book, currency: str, days: dict[str, date]) -> Table:
    """Every money column `key` of `days` divided by the `currency` rate on days[key], rounded half
    to even to the currency's decimals. Each amount is translated on its own, so a total may differ
    from the sum of its translated lines by rounding; `meta.rates` lists the rates used."""
    if currency == book.base:
        return table
    dec = book.settings.decimals(currency)
    if dec is None:
        raise ValueError(f"unknown currency {currency!r}: declare it under [currencies] in books.toml")
    rate = rate_finder(book, currency)
    quantum = Decimal(1).scaleb(-dec)
    keys = [c.key for c in table.columns]
    factors = {keys.index(k): rate(d) for k, d in days.items() if k in keys}

    def conv(row: Sequence[Any] | None) -> tuple[Any, ...] | None:
        if row is None:
            return None
        out = list(row)
        for i, r in factors.items():
            if isinstance(out[i], Decimal):
                out[i] = (out[i] / r).quantize(quantum, ROUND_HALF_EVEN)
        return tuple(out)

    def conv_meta(d: dict[str, Any], r: Decimal) -> dict[str, Any]:
        return {k: (v / r).quantize(quantum, ROUND_HALF_EVEN) if isinstance(v, Decimal) else v
                for k, v in d.items()}

    meta = dict(table.meta)
    if "amount" in keys and "amount" in days:
        meta = conv_meta(meta, factors[keys.index("amount")])
    if isinstance(meta.get("columns"), list):
        meta["columns"] = [conv_meta(c, factors[keys.index(c["column"])]) if c.get("column") in keys else c
                           for c in meta["columns"]]
    meta |= {"currency": currency, "translated_from": book.base,
             "rates": {k: str(factors[keys.index(k)]) for k in days if k in keys}}
    return replace(table, rows=tuple(conv(r) for r in table.rows), totals=conv(table.totals), meta=meta)
