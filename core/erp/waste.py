"""Waste by reason: the `reason` of stock moves checked against stock/reasons.yaml (E241, W040),
and the waste the stock ledger booked, each leg with the reason its move gave.

A reason is one of the books' own codes (spoiled, dropped, returned by guest, staff meal,
over-production ...), listed once in stock/reasons.yaml with the name reports print. A move naming a
reason the list does not have is an error at the move's file:line (E241): a typo there would put
the loss under a reason nobody reads. While the books keep a list, a waste move without a reason is
a warning (W040): it is still booked, and reported as `(no reason)`. Books without the file are not
asked for reasons at all.
"""

from __future__ import annotations

import polars as pl

from core.model.errors import Problem
from core.model.records import Book

NO_REASON = "(no reason)"


def check_waste_reasons(book: Book) -> list[Problem]:
    """E241 for a move whose `reason` stock/reasons.yaml does not list; W040 for a waste move with
    none, when the books keep such a list."""
    m = book.moves
    if m.is_empty() or "reason" not in m.columns:
        return []
    known = sorted(book.reasons)
    out: list[Problem] = []
    named = m.filter(pl.col("reason").is_not_null()
                     & ~pl.col("reason").is_in(pl.Series(known, dtype=pl.String).implode()))
    listed = ", ".join(known) if known else "(stock/reasons.yaml has none)"
    for mid, reason, f, ln in named.select("id", "reason", "file", "line").iter_rows():
        out.append(Problem("E241", str(f), ln, f"move {mid} gives reason `{reason}`, which stock/reasons.yaml "
                           "does not list", record=mid or "", found=reason, expected=f"one of {listed}",
                           hint=f"correct the reason, or add `- {{id: {reason}, name: ...}}` to stock/reasons.yaml"))
    if known:
        bare = m.filter((pl.col("kind") == "waste") & pl.col("reason").is_null())
        for mid, item, f, ln in bare.select("id", "item", "file", "line").iter_rows():
            out.append(Problem("W040", str(f), ln, f"waste move {mid} of {item} gives no reason", record=mid or "",
                               expected=f"reason: one of {listed}",
                               hint="add the reason in the move's `reason` column; it is reported as "
                                    f"`{NO_REASON}` until then"))
    return out


def waste_legs(book: Book) -> pl.DataFrame:
    """The stock ledger's waste rows (date, item, location, move_id, qty and value as positive
    thousandths and base minor units, as booked) with the move's reason (`(no reason)` when none)."""
    schema = {"date": pl.Date, "item": pl.String, "location": pl.String, "move_id": pl.String,
              "qty": pl.Int64, "value": pl.Int64, "reason": pl.String}
    ledger = book.stock_ledger
    if ledger is None or ledger.rows.is_empty():
        return pl.DataFrame(schema=schema)
    rows = ledger.rows.filter(pl.col("kind") == "waste").select(
        "date", "item", "location", "move_id", qty=-pl.col("qty"), value=-pl.col("value"))
    reasons = (book.moves.select(pl.col("id").alias("move_id"), "reason") if "reason" in book.moves.columns
               else pl.DataFrame(schema={"move_id": pl.String, "reason": pl.String}))
    reasons = reasons.unique("move_id", keep="first")
    return (rows.join(reasons, on="move_id", how="left")
            .with_columns(pl.col("reason").fill_null(NO_REASON)).select(list(schema)))
