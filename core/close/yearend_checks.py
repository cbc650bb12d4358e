"""Checks of what the year end reads (docs/close.md): `due:` tags that are dates (E211), and tax
losses in books.toml [close.losses] too old to deduct (W035)."""

from __future__ import annotations

import re

import polars as pl

from core.close.provisions import DUE, due_of
from core.model.errors import Problem
from core.model.records import Book
from core.reports.tax_base import LOSS_YEARS


def check_due_tags(book: Book) -> list[Problem]:
    """E211: a posting's `due:` tag that is not a calendar date (the reclassification and the
    rediscount would silently leave the item out)."""
    out = []
    p = book.postings.filter(pl.col("tags").fill_null("").str.contains("due:"))
    for eid, tags, f, ln in p.select("entry_id", "tags", "file", "line").iter_rows():
        if due_of(tags) is None:
            m = DUE.search(tags or "")
            found = m.group(1) if m else tags
            out.append(Problem("E211", f, ln, f"the tag due:{found} is not a date", record=eid,
                               expected="due:YYYY-MM-DD", found=f"due:{found}",
                               hint="write the day the item falls due, e.g. tags: [due:2026-06-30]"))
    return out


def check_old_losses(book: Book) -> list[Problem]:
    """W035: a tax loss in [close.losses] more than five years before the books' last year."""
    if not book.settings.close.losses or book.postings.is_empty():
        return []
    last = book.ledger()["date"].max()
    year = last.year if last is not None else 0
    text = (book.root / "books.toml").read_text(encoding="utf-8") if (book.root / "books.toml").exists() else ""
    out = []
    for y, amount in book.settings.close.losses:
        if int(y) < year - LOSS_YEARS:
            m = re.search(rf'^\s*"?{y}"?\s*=', text, re.M)
            line = text.count("\n", 0, m.start()) + 1 if m else 1
            out.append(Problem("W035", "books.toml", line, f"the tax loss of {y} ({amount}) is more than "
                               f"{LOSS_YEARS} years before {year}: it is not deducted (KVK Art. 9)",
                               record="[close.losses]", hint=f"remove \"{y}\" from [close.losses] once filed"))
    return out
