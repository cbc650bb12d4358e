"""An empty month before its close: no documents, no sales and no bank lines where the month before had them.

A month with nothing in it is more often a failed export or a forgotten import than a restaurant that
did not open: closing it seals the gap. `kebir close` reports W010 and refuses the month unless
`--allow-empty` says it is meant (a closure for renovation, a company at rest); the close record then
says so in its checklist.

What counts, per month: documents dated in it (orders, invoices, payments ...), Z-report rows
(sales/), and bank lines (postings to bank-type accounts, manual, imported or derived).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from core.model.errors import Problem
from core.model.records import Book
from core.ledger.period import parse_period


@dataclass(frozen=True, slots=True)
class Activity:
    documents: int
    sales: int
    bank_lines: int
    where: tuple[str, int] | None       # the first file and line holding any of them

    @property
    def empty(self) -> bool:
        return not (self.documents or self.sales or self.bank_lines)

    def text(self) -> str:
        return f"{self.documents} documents, {self.sales} Z-report rows, {self.bank_lines} bank lines"


def _month(period: str) -> tuple[date, date]:
    span = parse_period(period)
    assert span.begin is not None and span.end is not None
    return span.begin, span.end - timedelta(days=1)


def _previous(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    return f"{y - (m == 1)}-{12 if m == 1 else m - 1:02d}"


def activity(book: Book, period: str) -> Activity:
    """What happened in a month: documents, Z-report rows and bank lines, with the first place found."""
    begin, end = _month(period)
    places: list[tuple[str, int]] = []
    docs = [d for d in book.documents if begin <= d.date <= end]
    places += [(d.source.path, d.source.line) for d in docs[:1]]
    sales = 0
    if book.sales is not None and not book.sales.is_empty():
        rows = book.sales.filter((pl.col("date") >= begin) & (pl.col("date") <= end))
        sales = rows.height
        if sales:
            places.append((str(rows["file"][0]), int(rows["line"][0])))
    banks = sorted(c for c, a in book.accounts.items() if a.type == "bank")
    bank = book.ledger().filter((pl.col("date") >= begin) & (pl.col("date") <= end)
                                & pl.col("account").is_in(pl.Series(banks, dtype=pl.String).implode()))
    if bank.height and "file" in bank.columns:
        located = bank.filter(pl.col("file").is_not_null())
        if located.height:
            places.append((str(located["file"][0]), int(located["line"][0] or 0)))
    return Activity(len(docs), sales, bank.height, min(places) if places else None)


def check_empty_period(book: Book, period: str) -> list[Problem]:
    """W010 when `period` has no documents, sales or bank lines and the month before had some."""
    now = activity(book, period)
    if not now.empty:
        return []
    prev_period = _previous(period)
    before = activity(book, prev_period)
    if before.empty:
        return []
    path, line = before.where or ("books.toml", 1)
    return [Problem("W010", path, line, f"{period} has no documents, no sales and no bank lines; {prev_period} had "
                    f"{before.text()}", record=period, expected=f"the records of {period}",
                    found=f"nothing dated in {period}",
                    hint=f"import {period}'s bank statement, Z-reports and documents first; if the month is "
                         f"empty on purpose, `kebir close {period} --allow-empty`")]
