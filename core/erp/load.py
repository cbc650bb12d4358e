"""The books as the commands see them: every record file read (the domains' kinds included, by
importing core.erp.kinds) and the postings their documents imply derived: the general ledger."""

from __future__ import annotations

from pathlib import Path

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
    return frozen.freeze_sealed(book), problems + found
