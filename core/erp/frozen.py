"""Closed months keep the derived postings they were sealed with.

Derived postings are computed from the documents on every load. When a fix in the derivation
changes what a closed month's documents derive, the month must still read as it was closed (its
statements were filed): `freeze_sealed` puts the postings its close sealed (core.books.sealed) in
place of the fresh ones for every closed month that kept them, and keeps the fresh derivation in
`Book.derived_fresh`. The seal check (core.close.seal) compares the two and reports the difference
(W018); the close of the next open month posts it as a correction entry (core.close.correction),
so the ledger is right from then on and the closed month is untouched.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from core.books.sealed import sealed_months
from core.ledger.period import month_bounds
from core.model.records import Book


def freeze_sealed(book: Book) -> Book:
    if book.derived_postings is None or not (book.root / "closes").is_dir():
        return book
    sealed = sealed_months(book.root)
    if not sealed:
        return book
    fresh = book.derived_postings
    inside = pl.lit(False)
    frozen: list[pl.DataFrame] = []
    for period, rows in sealed.items():
        begin, end = month_bounds(period)
        month = (pl.col("date") >= begin) & (pl.col("date") <= end)
        inside = inside | month
        frozen.append(rows.filter(month).select(fresh.columns))
    was = pl.concat(frozen, how="vertical_relaxed")
    now = fresh.filter(inside)
    key = [c for c in fresh.columns if c != "file"]
    if was.height == now.height and was.select(key).sort(key, nulls_last=True).equals(
            now.select(key).sort(key, nulls_last=True)):
        return book                          # the derivation is what was sealed: nothing to keep apart
    postings = pl.concat([fresh.filter(~inside), was], how="vertical_relaxed")
    entries = book.derived_entries
    if entries is not None:
        ids = postings["entry_id"].unique()
        entries = entries.filter(pl.col("id").is_in(ids.implode()))
    return replace(book, derived_postings=postings, derived_entries=entries, derived_fresh=fresh)
