"""The closing entry (kapanış kaydı) of a fiscal year and the opening entry (açılış kaydı) of the next,
as the journal (yevmiye defteri) shows them.

The ledger is continuous across years (docs/close.md "Closing and opening entries"): kebir does not
post these two entries, which would cut receivables and payables off from their invoices. This
report shows them, read from the balance sheet at the year end: the closing entry credits every
debit balance and debits every credit balance on the last day, the opening entry does the reverse
on the first day of the next year. When the year's result is not closed yet, its net stands on
`retained_earnings_profit` or `retained_earnings_loss` with a note.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from core.ledger.opening import opening_entries
from core.model.money import from_minor
from core.model.records import Book
from core.reports import Column, Table
from core.reports.tax_base import year_bounds


def year_end_balances(book: Book, year: int) -> tuple[date, dict[str, int], int]:
    """The last day of `year`, balance-sheet balances per account then, and the income and expense
    left unclosed (a debit is > 0)."""
    _, end = year_bounds(book, year)
    sums = book.ledger().filter(pl.col("date") <= end).group_by("account").agg(pl.col("base").sum())
    bs: dict[str, int] = {}
    open_result = 0
    for account, base in sums.sort("account").iter_rows():
        acc = book.accounts.get(account)
        if not base:
            continue
        if acc is not None and acc.type in ("income", "expense"):
            open_result += base
        else:
            bs[account] = base
    return end, bs, open_result


def build_opening_entry(book: Book, year: int) -> Table:
    """The closing entry of `year - 1` and the opening entry of `year`, one row per account and side."""
    end, bs, open_result = year_end_balances(book, year - 1)
    notes: list[str] = []
    if open_result:
        role = "retained_earnings_loss" if open_result > 0 else "retained_earnings_profit"
        code = book.settings.role(role) or book.settings.role("retained_earnings") or "590"
        bs[code] = bs.get(code, 0) + open_result
        notes.append(f"the result of {year - 1} is not closed: its net stands on {code}")
    dec = book.settings.decimals(book.base) or 2
    first = date.fromordinal(end.toordinal() + 1)
    if not bs:
        tagged = _tagged_opening(book, first, year)
        if tagged is not None:
            return tagged
    rows = []
    for kind, day, sign in (("closing", end, -1), ("opening", first, 1)):
        for account, base in sorted(bs.items()):
            v = sign * base
            if not v:
                continue
            acc = book.accounts.get(account)
            rows.append((kind, day, account, acc.name if acc else "", from_minor(v, dec) if v > 0 else None,
                         from_minor(-v, dec) if v < 0 else None))
    cols = (Column("entry", "Entry"), Column("date", "Date"), Column("account", "Account"), Column("name", "Name"),
            Column("debit", "Debit", "money"), Column("credit", "Credit", "money"))
    total = from_minor(sum(v for v in bs.values() if v > 0), dec)
    meta = {"currency": book.base, "company": book.settings.name, "closing": str(end), "opening": str(first),
            "notes": notes}
    return Table("opening-entry", f"Closing entry {year - 1} and opening entry {year}", cols, tuple(rows),
                 ("", "", "", "", total, total), meta)


def _tagged_opening(book: Book, first: date, year: int) -> Table | None:
    """Books that start with an opening entry (tag `opening`) dated in `year` and nothing before it:
    their opening balances of `year` are that entry, shown as it was posted (one row per account and
    side, summed per account); no closing entry, as no year before it is in the books."""
    ids = opening_entries(book)
    _, last = year_bounds(book, year)
    if not ids:
        return None
    p = book.postings.filter(pl.col("entry_id").is_in(sorted(ids)) & pl.col("date").is_between(first, last))
    if p.is_empty():
        return None
    dec = book.settings.decimals(book.base) or 2
    day = p["date"].min()
    rows = []
    for account, base in p.group_by("account").agg(pl.col("base").sum()).sort("account").iter_rows():
        if not base:
            continue
        acc = book.accounts.get(account)
        rows.append(("opening", day, account, acc.name if acc else "", from_minor(base, dec) if base > 0 else None,
                     from_minor(-base, dec) if base < 0 else None))
    cols = (Column("entry", "Entry"), Column("date", "Date"), Column("account", "Account"), Column("name", "Name"),
            Column("debit", "Debit", "money"), Column("credit", "Credit", "money"))
    total = from_minor(sum(r for r in p.group_by("account").agg(pl.col("base").sum())["base"] if r > 0), dec)
    entries = sorted(set(p["entry_id"].to_list()))
    meta = {"currency": book.base, "company": book.settings.name, "closing": "", "opening": str(day),
            "notes": [f"the opening balances of {year} are the opening entry {', '.join(entries)}"]}
    return Table("opening-entry", f"Closing entry {year - 1} and opening entry {year}", cols, tuple(rows),
                 ("", "", "", "", total, total), meta)
