"""Sales by customer, item, rep, location or month, from the revenue postings.

A sale is a posting on an income account that names an item (invoice lines, credit-note lines and
Z-report lines all derive such postings), any posting on an income account derived from an invoice
or a credit note (a line with an account and no item: catering, a service), or any posting on the
`sales` and `sales_returns` role accounts. Its customer and rep come from the document the posting
was derived from; a Z-report's counter sales have no customer (`(counter sales)`) and no rep (`(none)`).

Amounts are net of VAT, in the base currency, credit-positive: a credit note or return counts
negative in `returns`, and `net = sales - returns`. `share` is each line's part of the total net
(to 0.1 percent), `documents` the number of distinct source documents.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from core.model.records import Book
from core.model.money import from_minor
from core.ledger.period import Span
from core.reports import Column, Scope, Table
from core.ledger.subledger import resolve_contacts

BY = ("customer", "item", "rep", "location", "month")
COUNTER = "(counter sales)"


def sales_postings(book: Book, span: Span = Span(), scope: Scope = Scope()) -> pl.DataFrame:
    """The revenue postings in `span`, with customer, rep and month columns added."""
    income = sorted(c for c, a in book.accounts.items() if a.type == "income")
    roles = [r for r in (book.settings.role("sales"), book.settings.role("sales_returns")) if r]
    p = scope.postings(book)
    if "source" not in p.columns:
        p = p.with_columns(source=pl.col("entry_id"))
    invoiced = [d.id for d in book.documents if d.kind in ("invoice", "credit-note")]
    on_income = pl.col("account").is_in(pl.Series(income, dtype=pl.String).implode())
    p = p.filter((on_income & (pl.col("item").is_not_null()
                               | pl.col("source").is_in(pl.Series(invoiced, dtype=pl.String).implode())))
                 | pl.col("account").is_in(pl.Series(roles, dtype=pl.String).implode()))
    if span.begin is not None:
        p = p.filter(pl.col("date") >= span.begin)
    if span.end is not None:
        p = p.filter(pl.col("date") < span.end)
    docs = pl.DataFrame(
        {"source": [d.id for d in book.documents], "party": [d.party for d in book.documents],
         "rep": [d.rep for d in book.documents], "doc_location": [d.location for d in book.documents]},
        schema={"source": pl.String, "party": pl.String, "rep": pl.String, "doc_location": pl.String})
    joined = p.join(docs, on="source", how="left").with_columns(party=pl.coalesce("party", "contact"))
    return (resolve_contacts(book, joined, "party")
            .with_columns(customer=pl.coalesce("party", pl.lit(COUNTER)),
                          rep=pl.col("rep").fill_null("(none)"),
                          location=pl.coalesce("location", "doc_location", pl.lit("(none)")),
                          item=pl.col("item").fill_null("(no item)"),
                          month=pl.col("date").dt.strftime("%Y-%m")))


def build_sales(book: Book, by: str = "customer", span: Span = Span(), *, scope: Scope = Scope(),
                top: int | None = None) -> Table:
    """Net sales grouped `by` customer | item | rep | location | month, largest first (month: in
    order); `top` keeps the first N lines and sums the rest into `(others)`."""
    if by not in BY:
        raise ValueError(f"sales by {by!r}: use one of {', '.join(BY)}")
    dec = book.settings.base_decimals
    p = sales_postings(book, span, scope)
    g = (p.group_by(by).agg(sales=(-pl.col("base")).clip(lower_bound=0).sum(),
                            returns=pl.col("base").clip(lower_bound=0).sum(),
                            documents=pl.col("source").n_unique())
         .with_columns(net=pl.col("sales") - pl.col("returns")))
    g = g.sort(by) if by == "month" else g.sort(["net", by], descending=[True, False])
    rows_raw = g.select(by, "documents", "sales", "returns", "net").rows()
    if top is not None and len(rows_raw) > top:
        rest = rows_raw[top:]
        rest_docs = p.filter(pl.col(by).is_in(pl.Series([r[0] for r in rest], dtype=pl.String).implode()))
        rows_raw = rows_raw[:top] + [("(others)", rest_docs["source"].n_unique(), sum(r[2] for r in rest),
                                      sum(r[3] for r in rest), sum(r[4] for r in rest))]
    total = sum(r[4] for r in rows_raw)
    names = _names(book, by)

    def share(v: int) -> Decimal | None:
        return None if total == 0 else (Decimal(v) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)

    rows: list[tuple[Any, ...]] = [
        (key, names.get(key, ""), n, from_minor(s, dec), from_minor(r, dec), from_minor(net, dec), share(net))
        for key, n, s, r, net in rows_raw]
    cols = (Column(by, by.capitalize()), Column("name", "Name"), Column("documents", "Documents", "int"),
            Column("sales", "Sales", "money"), Column("returns", "Returns", "money"),
            Column("net", "Net sales", "money"), Column("share", "Share %", "pct"))
    totals = ("Total", "", int(p["source"].n_unique()) if p.height else 0,
              from_minor(sum(r[2] for r in rows_raw), dec), from_minor(sum(r[3] for r in rows_raw), dec),
              from_minor(total, dec), Decimal("100.0") if total else None)
    return Table("sales", f"Sales by {by}, {span.label()}", cols, tuple(rows), totals,
                 {"currency": book.base, "company": book.settings.name, "by": by, "begin": str(span.begin or ""),
                  "end": str(span.end or ""), "net": from_minor(total, dec), **scope.meta()})


def _names(book: Book, by: str) -> dict[str, str]:
    if by in ("customer", "rep"):
        return {k: c.name for k, c in book.contacts.items()}
    if by == "item":
        return {k: i.name for k, i in book.items.items()}
    if by == "location":
        return {k: loc.name for k, loc in book.locations.items()}
    return {}
