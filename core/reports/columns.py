"""The spans and days a statement's columns stand for: -M/-Q/-Y columns or a --compare pair, an open
span closed at the books' first and last posting dates, and the day each column's balances (and
--currency rates) are taken on.

A bad request (no postings to make columns from, a period that cannot be compared) is a
ValueError whose message says what to give instead; the cli turns it into a usage error.
"""

from __future__ import annotations

from datetime import date, timedelta

from core.ledger.period import Span, compared, split


def next_day(d: date) -> date:
    return d + timedelta(days=1)


def _last_day(book) -> date:
    """The last posting date in the books; today when they have none."""
    last = book.ledger()["date"].max()
    return last if last is not None else date.today()


def bounded(span: Span, book) -> Span:
    """An open span closed at the books' first and last posting dates."""
    if span.begin is not None and span.end is not None:
        return span
    dates = book.ledger()["date"]
    if dates.is_empty():
        raise ValueError("the books have no postings: give -p")
    return Span(span.begin or dates.min(), span.end or next_day(dates.max()))


def statement_columns(span: Span, every: str | None, compare: str | None, book) -> list[tuple[str, Span]] | None:
    """(label, Span) columns, one per month, quarter or year of `span` (`every` M, Q or Y), or the
    span and the one `compare` names (previous, last-year); None for a single column. An open span
    runs from the books' first to their last date."""
    if not every and not compare:
        return None
    dates = book.ledger()["date"]
    if span.begin is None or span.end is None:
        if dates.is_empty():
            raise ValueError("the books have no postings to make columns from: give -p")
        first, last = dates.min(), dates.max()
        span = Span(span.begin or first, span.end or next_day(last))
    if compare:
        return [("amount", span), (compare, compared(span, compare))]
    return split(span, every)


def balance_days(span: Span, cols: list[tuple[str, Span]] | None, book) -> list[tuple[str, date]]:
    """(label, day) for a balance sheet: each column's last day; for a single column the span's
    last day, or the books' last posting date for an open span (today for empty books)."""
    if cols is not None:
        return [(label, s.end - date.resolution) for label, s in cols]
    day = span.end - date.resolution if span.end is not None else _last_day(book)
    return [("amount", day)]


def column_days(span: Span, cols: list[tuple[str, Span]] | None, book) -> dict[str, date]:
    """label -> the day a flow column's amounts are translated at (--currency): its last day, or
    the books' last posting date for a column open at the end."""
    last = book.ledger()["date"].max() or date.today()
    return {label: (s.end - date.resolution if s.end else last) for label, s in (cols or [("amount", span)])}
