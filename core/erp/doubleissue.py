"""A sale issued twice: on the Z-report and by hand (W011).

A Z-report `sale` row of an item that takes stock (a stocked item, or a dish made to order through
a recipe) issues it from the location's stock when the books load (core/erp/production.py). A kitchen
that also writes an `issue` move for the same item, at the same location on the same day, takes it
out of stock twice: the cost of sales doubles and the stock goes short, with no error, because
both moves are valid on their own. This check names both places; the fix is to delete the hand-
written issue (or, if the sale rows are what is wrong, to correct the Z-report).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from core.model.errors import Problem
from core.model.records import Book
from core.erp.production import production_of, sold_items


def check_double_issues(book: Book) -> list[Problem]:
    """W011 for every hand-written issue of an item a Z-report of the same location and day sold."""

    s = book.sales
    if s is None or s.is_empty() or book.moves.is_empty() or not production_of(book).backflush:
        return []
    taken = sold_items(book)
    if not taken:
        return []
    sold = (s.filter((pl.col("kind") == "sale") & pl.col("item").is_in(pl.Series(taken, dtype=pl.String).implode())
                     & pl.col("qty").is_not_null() & pl.col("date").is_not_null())
            .select("date", "location", "item", zfile=pl.col("file").cast(pl.String), zline="line")
            .group_by("date", "location", "item").agg(pl.col("zfile").first(), pl.col("zline").min()))
    if sold.is_empty():
        return []
    issues = book.moves.filter(pl.col("kind") == "issue").select(
        "id", "date", "location", "item", "qty", file=pl.col("file").cast(pl.String), line="line")
    both = issues.join(sold, on=["date", "location", "item"], how="inner").sort("file", "line")
    return [Problem("W011", f, ln, f"{item} at {loc} on {d} is issued by hand ({mid}) and sold on the Z-report "
                    f"({zf}:{zl}): taken from stock twice", record=mid or "",
                    expected="one issue per sale: the Z-report's",
                    found=f"{mid} issues {Decimal(qty).scaleb(-3).normalize():f} {item} as well",
                    hint=f"delete {mid} if it records the same sale; the Z-report's sale rows already issue {item}")
            for mid, d, loc, item, qty, f, ln, zf, zl in both.select(
                "id", "date", "location", "item", "qty", "file", "line", "zfile", "zline").iter_rows()]
