"""General ledger (register): the postings of one account or a pattern, with a running balance.

Rows are in date order, then entry id. The running balance starts from the balance brought
forward at the span's start (everything before it, shown as the first row) and is debit-positive
in the base currency, summed as integer minor units. The amount in the posting's own currency is
shown beside it for foreign-currency accounts.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span
from core.reports import Column, Scope, Table

COLUMNS = (
    Column("date", "Date"), Column("entry", "Entry"), Column("account", "Account"),
    Column("description", "Description"), Column("contact", "Contact"),
    Column("debit", "Debit", "money"), Column("credit", "Credit", "money"),
    Column("balance", "Balance", "money"), Column("currency", "Currency"), Column("amount", "Amount", "money"),
    Column("source", "Source"),
)


def build_register(book: Book, scope: Scope, span: Span = Span()) -> Table:
    """The register of the accounts `scope.account` matches (required), over `span`."""
    if not scope.account:
        raise ValueError("the ledger report needs --account CODE or a pattern")
    codes = scope.accounts(book) or []
    if not codes:
        raise ValueError(f"no account matches {scope.account!r}: see accounts.yaml")
    dec = book.settings.base_decimals
    p = scope.postings(book)
    if book.broken_entries:
        p = p.filter(~pl.col("entry_id").is_in(pl.Series(sorted(book.broken_entries), dtype=pl.String).implode()))
    opening = 0
    if span.begin is not None:
        opening = int(p.filter(pl.col("date") < span.begin)["base"].sum() or 0)
        p = p.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        p = p.filter(pl.col("date") < span.end)
    memos = dict(book.ledger_entries().select("id", "memo").iter_rows())
    p = (p.sort("date", "entry_id", "line", maintain_order=True)
         .with_columns(running=pl.col("base").cum_sum() + opening))
    rows: list[tuple[Any, ...]] = []
    if span.begin is not None:
        rows.append((str(span.begin), "", "", "Balance brought forward", None, None, None,
                     from_minor(opening, dec), None, None, None))
    cur_dec = dict(book.settings.currencies)
    has_source = "source" in p.columns
    for r in p.iter_rows(named=True):
        base = r["base"]
        rows.append((
            str(r["date"]), r["entry_id"], r["account"], r["memo"] or memos.get(r["entry_id"]) or "", r["contact"],
            from_minor(base, dec) if base > 0 else None, from_minor(-base, dec) if base < 0 else None,
            from_minor(r["running"], dec), r["currency"],
            from_minor(r["amount"], cur_dec.get(r["currency"], dec)),
            (r["source"] if has_source else None) or r["entry_id"],
        ))
    dr = int(p["base"].clip(lower_bound=0).sum() or 0)
    cr = int((-p["base"]).clip(lower_bound=0).sum() or 0)
    closing = opening + dr - cr
    totals = ("", f"{p.height} postings", "", "Balance carried forward", "", from_minor(dr, dec),
              from_minor(cr, dec), from_minor(closing, dec), "", None, "")
    names = ", ".join(codes[:5]) + (" ..." if len(codes) > 5 else "")
    return Table("ledger", f"Ledger {names}, {span.label()}", COLUMNS, tuple(rows), totals,
                 {"currency": book.base, "company": book.settings.name, "accounts": codes,
                  "begin": str(span.begin or ""), "end": str(span.end or ""),
                  "opening": from_minor(opening, dec), "closing": from_minor(closing, dec), **scope.meta()})
