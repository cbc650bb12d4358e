"""Trial balance: per account, debits, credits and balance in the base currency.

The proof that the books are in balance: total debits equal total credits, exactly, over any
span. Balances are debit-positive. `historical` includes everything before the span's start, so
balance-sheet accounts show their balance at the end rather than the period's movement.
"""

from __future__ import annotations

import polars as pl

from core.model.i18n import text
from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span
from core.reports import Column, Table


def build_trial_balance(book: Book, span: Span = Span(), *, historical: bool = False,
                        account_prefix: str | None = None, lang: str = "en") -> Table:
    p = book.ledger()
    if span.begin is not None and not historical:
        p = p.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        p = p.filter(pl.col("date") < span.end)
    if book.broken_entries:
        p = p.filter(~pl.col("entry_id").is_in(
            pl.lit(pl.Series(sorted(book.broken_entries), dtype=pl.String)).implode()))
    if account_prefix:
        p = p.filter(pl.col("account").str.starts_with(account_prefix))
    # Sides as columns before the group-by, lazily: plain sums take polars' fast path.
    sums = (p.lazy().select("account", debit=pl.col("base").clip(lower_bound=0),
                            credit=(-pl.col("base")).clip(lower_bound=0))
            .group_by("account").sum().sort("account").collect())
    dec = book.settings.base_decimals
    rows = []
    for acc, dr, cr in sums.iter_rows():
        a = book.accounts.get(acc)
        rows.append((acc, a.name if a else "?", from_minor(dr, dec), from_minor(cr, dec), from_minor(dr - cr, dec)))
    tdr = sum((r[2] for r in rows), from_minor(0, dec))
    tcr = sum((r[3] for r in rows), from_minor(0, dec))
    cols = tuple(Column(k, text(f"col.{k}", lang), "text" if k in ("account", "name") else "money")
                 for k in ("account", "name", "debit", "credit", "balance"))
    return Table("trial-balance", text("title.trial_balance", lang, period=span.label(lang)), cols, tuple(rows),
                 ("Total", "", tdr, tcr, tdr - tcr),    # English id: the renderer says it (csv keeps it)
                 {"currency": book.base, "company": book.settings.name, "balanced": tdr == tcr,
                  "begin": str(span.begin or ""), "end": str(span.end or ""), "language": lang})
