"""The books as the commands see them: every record file read (the domains' kinds included, by
importing core.erp.kinds) and the postings their documents imply derived: the general ledger."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import core.erp.kinds  # noqa: F401  (registers the domains' record-file kinds with core.books.kinds)
from core.books import store
from core.books.load import load_book
from core.erp import frozen, post
from core.model.errors import Problem
from core.model.records import Book


def load_ledger(root: Path, *, use_cache: bool = True, jobs: int | None = None) -> tuple[Book, list[Problem]]:
    """Load the books and derive the postings their documents imply: the general ledger."""
    with store.reading(root):        # waits while a writer changes files; finishes an interrupted write
        book, problems = load_book(root, use_cache=use_cache, jobs=jobs)
    book, found = post.derive(book)
    book = frozen.freeze_sealed(book)
    return book, problems + found + check_sums_fit(book)


LIMIT = 2**63 - 1      # the sums of amounts are 64-bit integers of minor units (kuruş)


def check_sums_fit(book: Book) -> list[Problem]:
    """Every sum a report takes of the ledger's amounts fits in 64 bits (E195): one amount may have
    15 digits before the point, but about 92 of the largest add up past the limit, where the sum
    would wrap to a wrong number. Checked once on the sum of every amount's size, which bounds
    every sum a report takes (by account, period, currency ...)."""
    p = book.ledger()
    for column in ("base", "amount"):
        size = p.get_column(column).abs()
        if (size.cast(pl.Float64).sum() or 0) < 2**62:        # far below the limit: the common case, one pass
            continue
        running = 0
        for value, path, line, entry in zip(size.to_list(), p.get_column("file").to_list(),
                                            p.get_column("line").to_list(), p.get_column("entry_id").to_list()):
            running += value or 0
            if running > LIMIT:
                return [Problem("E195", path or "", line or 0, f"the amounts of the books add up past what kebir "
                                f"can add exactly, by entry {entry}", record=str(entry or ""),
                                expected="amounts whose sizes add up to at most 2^63 - 1 minor units "
                                         "(92,233,720,368,547,758.07 with 2 decimals)",
                                found="more, counting every amount up to this posting",
                                hint="check the amounts for a typo (digits added by mistake); books this large "
                                     "need splitting by year")]
    return []
