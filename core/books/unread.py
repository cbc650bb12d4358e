"""Record files that could not be read at all, and the checks their absence would mislead.

A moves file whose header has a typo, or a month of orders that is not valid YAML, is reported where
it is wrong; its rows are not read. Checks that add up every move (stock below zero) would then see
issues without the receipts of that file and report follow-on problems in files that are right.
Those are held back from the first day of the unread file's month (the whole year's stock when the
path names no month), and one warning (W016) says so, so nothing is silently unchecked.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from core.books import schema
from core.model.errors import ERROR, Problem

STOCK_KINDS = ("moves", "orders")      # record files that bring stock in
_MONTH = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})(?![0-9])")


def unread_files(book, problems: list[Problem]) -> frozenset[str]:
    """Stock record files with an error and not one record read from them."""
    read = set(book.moves.get_column("file").cast(pl.String).unique().to_list()) if book.moves.height else set()
    read |= {d.source.path for d in book.documents}
    wrong = {p.path for p in problems if p.severity == ERROR}
    return frozenset(rel for rel in book.files if rel in wrong and rel not in read
                     and (fk := schema.kind_of(rel)) is not None and fk.kind in STOCK_KINDS)


def month_start(rel: str) -> date:
    """The first day of the month a record file's name gives (`stock/moves/2025/2025-03.csv`), else
    the earliest date there is."""
    m = _MONTH.search(rel.rsplit("/", 1)[-1])
    if m and 1 <= int(m.group(2)) <= 12 and int(m.group(1)) > 0:
        return date(int(m.group(1)), int(m.group(2)), 1)
    return date.min


def hold_back_stock(book, first_negative: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """The below-zero rows (columns item, location, date) that stand on their own, and a W016 per unread
    file for those held back because that file's receipts may be what is missing."""
    unread = sorted(book.unread)
    if not unread or first_negative.is_empty():
        return first_negative, []
    since = min(month_start(rel) for rel in unread)
    held = first_negative.filter(pl.col("date") >= since)
    if held.is_empty():
        return first_negative, []
    pairs = ", ".join(f"{i} at {loc}" for i, loc in held.select("item", "location").head(3).iter_rows())
    more = f" and {held.height - 3} more" if held.height > 3 else ""
    notes = [Problem("W016", rel, 1, f"stock below zero from {since} on is not reported while this file cannot be "
                     f"read: {held.height} item{'s' if held.height != 1 else ''} would go below zero without "
                     f"its records ({pairs}{more})", found=f"{held.height} held back",
                     expected="a file kebir can read",
                     hint="fix the problem reported for this file and validate again: the stock check then runs "
                          "over every move") for rel in unread]
    return first_negative.filter(pl.col("date") < since), notes
