"""Opening entries: the balances a set of books starts from, as a kind of entry of their own.

An opening entry brings balances forward (cash in the till and the banks, fixed assets and their
accumulated depreciation, what is owed, equity). Nothing happened in the period: no cash moved, no
asset was bought, nothing was depreciated. It is marked in a journal file by the tag `opening`:

    - id: JE-2025-01-0001
      date: 2025-01-01
      memo: Açılış kaydı 2025
      tags: [opening]
      postings: ...

(docs/formats.md, "Opening entries"). Every statement over a span reads an opening entry dated in
that span as part of the span's opening balances, never as its movements: the cash flow counts it in
the opening cash and out of the flows, the monthly series in the cash at the start of the year.
Balance sheets are unchanged (a balance at a day includes everything up to it). An opening entry
posts to balance-sheet accounts only (E130): a result brought forward is in retained earnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

from core.model.errors import Problem
from core.model.records import Book

OPENING_TAG = "opening"
# What other tools call their opening: hledger's `close --open` writes "opening balances" against
# `equity:opening balances`; beancount pads from `Equity:Opening-Balances`.
_OPENING_ACCOUNT = re.compile(r"(?i)^equity:opening(?:/closing)?[ _-]?balances?$")
_OPENING_TEXT = re.compile(r"(?i)^\s*opening balances?\b")
RESULT_TYPES = frozenset({"income", "expense"})


def is_opening_account(name: str) -> bool:
    """An imported account name that holds opening balances (equity:opening balances, Equity:Opening-Balances)."""
    return bool(_OPENING_ACCOUNT.match(name.strip()))


def looks_like_opening(description: str, accounts: Iterable[str]) -> bool:
    """Whether an imported transaction is the other tool's opening: described as "opening balances"
    or posting to its opening-balances equity account. `kebir import journal` tags it `opening`."""
    return bool(_OPENING_TEXT.match(description or "")) or any(is_opening_account(a) for a in accounts)


def _tagged(tag: str) -> pl.Expr:
    return pl.col("tags").fill_null("").str.split(",").list.contains(tag)


def opening_entries(book: Book) -> set[str]:
    """Ids of the opening entries (manual entries tagged `opening`)."""
    e = book.entries
    if e.is_empty():
        return set()
    return set(e.filter(_tagged(OPENING_TAG))["id"].drop_nulls().to_list())


def is_opening(ids: set[str]) -> pl.Expr:
    """A posting frame filter: the postings of these opening entries."""
    return pl.col("entry_id").is_in(pl.Series(sorted(ids), dtype=pl.String).implode())


def split_opening(p: pl.DataFrame, ids: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the opening entries' postings, the rest) of a posting frame."""
    if not ids or p.is_empty():
        return p.clear(), p
    mask = is_opening(ids)
    return p.filter(mask), p.filter(~mask)


def check_opening_entries(book: Book) -> list[Problem]:
    """An opening entry posts to balance-sheet accounts only (E130)."""
    ids = opening_entries(book)
    if not ids:
        return []
    results = sorted(c for c, a in book.accounts.items() if a.type in RESULT_TYPES)
    if not results:
        return []
    bad = book.postings.filter(is_opening(ids) & pl.col("account").is_in(pl.Series(results, dtype=pl.String).implode()))
    retained = book.settings.role("retained_earnings")
    problems = []
    for rid, f, ln, acc in bad.select("entry_id", "file", "line", "account").iter_rows():
        typ = book.accounts[acc].type
        problems.append(Problem(
            "E130", str(f), ln, f"opening entry {rid} posts to the {typ} account {acc}", record=rid or "",
            expected="balance-sheet accounts only (assets, liabilities, equity)", found=f"{acc} ({typ})",
            hint="bring last year's result forward in retained earnings" + (f" ({retained})" if retained else "")
                 + "; or take the `opening` tag off if this is a transaction of the period"))
    return problems
